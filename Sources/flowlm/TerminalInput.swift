import Foundation

/// After `--repair -` has read the text from a pipe, standard input is spent; the visualizer reads its keys
/// from the controlling terminal instead (as `vim -` and `less` do). Without one, standard input stays as it
/// is and the usual "not a terminal" error follows.
enum TerminalInput {
    static func reattach() {
        guard isatty(STDIN_FILENO) == 0 else { return }
        let tty = open("/dev/tty", O_RDONLY)
        guard tty >= 0 else { return }
        dup2(tty, STDIN_FILENO)
        close(tty)
    }
}
