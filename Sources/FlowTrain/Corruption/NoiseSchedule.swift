/// The `flowlm` hybrid schedule. The encoder has no time input, so the substitution rate is a fixed
/// function of the mask rate it can see: zero on a clean and on a fully masked sequence, largest mid-way
/// (GIDD's hybrid schedule, arXiv:2503.04482, in the simple form of DESIGN.md §3).
public enum HybridSchedule {
    /// Mask rate at noise level t: linear, m(t) = t (as LLaDA and MDLM's linear schedule).
    @inlinable public static func maskRate(at t: Double) -> Double { min(max(t, 0), 1) }

    /// s(r) = peak · 4r(1−r) + floor · (1−r), capped at 1 − r so that mask + substitute never exceeds 1.
    /// With floor 0 this is zero on a clean canvas; a floor puts substitutions on canvases with few masks,
    /// which is what a repair or a late sampling step looks like (research_idea.md §7).
    @inlinable public static func substitutionRate(maskRate r: Double, peak: Double, floor: Double = 0) -> Double {
        min(peak * 4 * r * (1 - r) + floor * (1 - r), 1 - r)
    }
}
