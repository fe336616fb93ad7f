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
#endif
