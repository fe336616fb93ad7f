/// A mouse button press or a turn of the wheel at a cell (FlowTerminal decodes the terminal's reports).
public struct MouseEvent: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case press, wheelUp, wheelDown }
    public let kind: Kind
    public let x: Int
    public let y: Int
    public init(_ kind: Kind, x: Int, y: Int) { self.kind = kind; self.x = x; self.y = y }
}
