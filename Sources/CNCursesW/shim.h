#ifndef FLOWLM_CNCURSESW_SHIM_H
#define FLOWLM_CNCURSESW_SHIM_H
// SwiftPM drops pkg-config's -D_XOPEN_SOURCE flags, which hides ncurses' wide-char API; turn it on here.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#include <langinfo.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

// Macros Swift cannot import, exposed as functions and constants.
static const attr_t flow_A_NORMAL = A_NORMAL;
static const attr_t flow_A_BOLD = A_BOLD;
static const attr_t flow_A_DIM = A_DIM;
static const attr_t flow_A_REVERSE = A_REVERSE;
static const attr_t flow_A_UNDERLINE = A_UNDERLINE;
static const attr_t flow_A_ITALIC = A_ITALIC;
static inline WINDOW *flow_stdscr(void) { return stdscr; }
static inline int flow_LINES(void) { return LINES; }
static inline int flow_COLS(void) { return COLS; }
static inline int flow_COLORS(void) { return COLORS; }
static inline int flow_COLOR_PAIRS(void) { return COLOR_PAIRS; }
static inline int flow_COLOR_PAIR(int n) { return COLOR_PAIR(n); }
static inline void flow_getmaxyx(WINDOW *w, int *y, int *x) { int yy, xx; getmaxyx(w, yy, xx); *y = yy; *x = xx; }

// Terminal restore on signals: the handler only records the signal (async-signal-safe); the UI loop,
// which wakes at least every few hundred milliseconds, sees it, restores the terminal and exits.
static volatile sig_atomic_t flow_received_signal = 0;
static void flow_record_signal(int signal_number) { flow_received_signal = signal_number; }
static inline void flow_install_signal_handlers(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = flow_record_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGHUP, &action, NULL);
}
static inline void flow_restore_signal_handlers(void) {
    signal(SIGINT, SIG_DFL); signal(SIGTERM, SIG_DFL); signal(SIGHUP, SIG_DFL);
}
static inline int flow_take_signal(void) { int s = flow_received_signal; flow_received_signal = 0; return s; }

// True when LC_CTYPE's codeset is UTF-8 (after setlocale).
static inline int flow_codeset_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

// One cell: up to 4 code points of a grapheme, attributes and an extended colour pair.
static inline int flow_put_cell(int y, int x, const wchar_t *text, attr_t attributes, int pair) {
    cchar_t cell;
    if (setcchar(&cell, text, attributes, (short)(pair < 256 ? pair : 0), &pair) != OK) return ERR;
    return mvadd_wch(y, x, &cell);
}

// The mouse: presses of the first button and the wheel (buttons 4 and 5), read back as a cell and a state.
static const mmask_t flow_BUTTON1_PRESSED = BUTTON1_PRESSED;
static const mmask_t flow_BUTTON4_PRESSED = BUTTON4_PRESSED;
static const mmask_t flow_BUTTON5_PRESSED = BUTTON5_PRESSED;
static inline int flow_get_mouse(int *x, int *y, mmask_t *state) {
    MEVENT event;
    if (getmouse(&event) != OK) return ERR;
    *x = event.x; *y = event.y; *state = event.bstate;
    return OK;
}

// newterm on the process's own stdout/stdin (Swift 6 refuses the C globals); NULL when TERM is unknown.
static inline SCREEN *flow_newterm_stdio(void) { return newterm(NULL, stdout, stdin); }
static inline void flow_flush_stdout(void) { fflush(stdout); }
#endif
