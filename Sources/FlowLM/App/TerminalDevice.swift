import FlowTerminal
import FlowTUI

/// What the app loop needs from a screen: its size and colour depth, drawing a frame, and the next event.
/// The ncurses `Terminal` is one; the soak run drives the same loop with a scripted one.
protocol TerminalDevice: AnyObject {
    var size: (width: Int, height: Int) { get }
    var depth: ColorDepth { get }
    /// Draws the frame; returns how many cells changed.
    @discardableResult func draw(_ grid: CellGrid) -> Int
    func nextEvent(timeoutMilliseconds: Int) -> TerminalEvent
}

extension Terminal: TerminalDevice {}
