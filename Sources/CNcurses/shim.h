#ifndef FILTOP_CNCURSES_SHIM_H
#define FILTOP_CNCURSES_SHIM_H
/* SwiftPM drops the pkg-config defines, so the wide-character API is switched on here. */
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <langinfo.h>
#include <stdio.h>
#include <wchar.h>
#include <ncurses.h>

/* Wrappers for what Swift cannot import: macros built from casts, and globals that are
   not concurrency-safe in Swift 6. Every name carries the filtop_ prefix. */

static inline WINDOW *filtop_stdscr(void) { return stdscr; }
static inline int filtop_colors(void) { return COLORS; }
static inline int filtop_color_pairs(void) { return COLOR_PAIRS; }

/* newterm on the process's own stdout/stdin: unlike initscr it returns NULL instead of
   exiting when the terminal type is unknown. */
static inline SCREEN *filtop_newterm(void) { return newterm(NULL, stdout, stdin); }
static inline void filtop_flush_stdout(void) { fflush(stdout); }

static inline attr_t filtop_A_NORMAL(void) { return A_NORMAL; }
static inline attr_t filtop_A_BOLD(void) { return A_BOLD; }
static inline attr_t filtop_A_DIM(void) { return A_DIM; }
static inline attr_t filtop_A_UNDERLINE(void) { return A_UNDERLINE; }
static inline attr_t filtop_A_REVERSE(void) { return A_REVERSE; }
static inline attr_t filtop_COLOR_PAIR(int n) { return COLOR_PAIR(n); }

static inline int filtop_set_escdelay(int ms) { return set_escdelay(ms); }
static inline int filtop_KEY_CODE_YES(void) { return KEY_CODE_YES; }
static inline int filtop_get_wch(wint_t *ch) { return get_wch(ch); }

/* Puts one cell: `text` is a NUL-terminated wide string of one spacing character and
   any combining characters that follow it. */
static inline int filtop_put_cell(int y, int x, const wchar_t *text, attr_t attrs, short pair) {
    cchar_t cell;
    if (setcchar(&cell, text, attrs, pair, NULL) != OK) return ERR;
    return mvwadd_wch(stdscr, y, x, &cell);
}

/* Mouse wheel: 1 for away from the user (up), -1 towards (down), 0 for anything else. */
static inline void filtop_mouse_enable(int on) {
    mousemask(on ? (BUTTON4_PRESSED | BUTTON5_PRESSED) : 0, NULL);
}
static inline int filtop_mouse_wheel(void) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
    if (event.bstate & BUTTON4_PRESSED) return 1;
    if (event.bstate & BUTTON5_PRESSED) return -1;
    return 0;
}

static inline int filtop_wcwidth(unsigned int c) { return wcwidth((wchar_t)c); }
static inline int filtop_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset && codeset[0] == 'U' && codeset[1] == 'T' && codeset[2] == 'F' && codeset[3] == '-' && codeset[4] == '8' && !codeset[5];
}

#endif
