import Foundation
import Testing
import FlowCore
@testable import FlowTrain

struct LearningRateScheduleTests {
    @Test func warmupThenCosineReachesTheFloor() {
        let s = LearningRateSchedule(peak: 1e-3, warmupSteps: 10, totalSteps: 110, decay: .cosine, finalRatio: 0.1)
        #expect(abs(s.learningRate(atStep: 0) - 1e-4) < 1e-15)
        #expect(abs(s.learningRate(atStep: 9) - 1e-3) < 1e-15)
        #expect(abs(s.learningRate(atStep: 10) - 1e-3) < 1e-15)
        #expect(abs(s.learningRate(atStep: 60) - 0.55e-3) < 1e-12, "half-way down the cosine")
        #expect(abs(s.learningRate(atStep: 110) - 1e-4) < 1e-15)
        #expect(abs(s.learningRate(atStep: 500) - 1e-4) < 1e-15, "stays at the floor past the end")
        for step in 10..<110 { #expect(s.learningRate(atStep: step + 1) <= s.learningRate(atStep: step)) }
    }

    @Test func linearAndConstantDecay() {
        let linear = LearningRateSchedule(peak: 2, warmupSteps: 0, totalSteps: 100, decay: .linear, finalRatio: 0)
        #expect(linear.learningRate(atStep: 0) == 2)
        #expect(abs(linear.learningRate(atStep: 25) - 1.5) < 1e-12)
        #expect(linear.learningRate(atStep: 100) == 0)
        let constant = LearningRateSchedule(peak: 3, warmupSteps: 4, totalSteps: 10, decay: .constant)
        #expect(constant.learningRate(atStep: 1) == 1.5 && constant.learningRate(atStep: 9) == 3)
    }
}
