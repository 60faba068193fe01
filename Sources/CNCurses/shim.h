// The one door to ncurses: functions for what curses.h only offers as macros or globals.
// Only the RoundsTerminal module imports this.
#ifndef ROUNDS_CNCURSES_SHIM_H
#define ROUNDS_CNCURSES_SHIM_H
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <signal.h>
#include <wchar.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <ncursesw/curses.h>

static inline WINDOW *rc_stdscr(void) { return stdscr; }
static inline int rc_lines(void) { return LINES; }
static inline int rc_cols(void) { return COLS; }
static inline int rc_colors(void) { return COLORS; }
static inline int rc_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t rc_a_normal(void) { return A_NORMAL; }
static inline attr_t rc_a_bold(void) { return A_BOLD; }
static inline attr_t rc_a_reverse(void) { return A_REVERSE; }
static inline attr_t rc_a_underline(void) { return A_UNDERLINE; }
static inline attr_t rc_a_dim(void) { return A_DIM; }
static inline attr_t rc_a_standout(void) { return A_STANDOUT; }
static inline int rc_key_code_yes(void) { return KEY_CODE_YES; }
static inline int rc_key_resize(void) { return KEY_RESIZE; }
static inline int rc_key_up(void) { return KEY_UP; }
static inline int rc_key_down(void) { return KEY_DOWN; }
static inline int rc_key_left(void) { return KEY_LEFT; }
static inline int rc_key_right(void) { return KEY_RIGHT; }
static inline int rc_key_ppage(void) { return KEY_PPAGE; }
static inline int rc_key_npage(void) { return KEY_NPAGE; }
static inline int rc_key_home(void) { return KEY_HOME; }
static inline int rc_key_end(void) { return KEY_END; }
static inline int rc_key_enter(void) { return KEY_ENTER; }
static inline int rc_key_backspace(void) { return KEY_BACKSPACE; }
static inline int rc_key_dc(void) { return KEY_DC; }
static inline int rc_key_btab(void) { return KEY_BTAB; }
static inline int rc_key_f0(void) { return KEY_F0; }

/// Writes `n` wide characters at (y, x) with one rendition.
static inline int rc_put(int y, int x, const wchar_t *s, int n, attr_t attrs, short pair) {
    attr_set(attrs, pair, NULL);
    int r = mvaddnwstr(y, x, s, n);
    attr_set(A_NORMAL, 0, NULL);
    return r;
}

/// The terminal's size as the kernel knows it now (curses learns it only from SIGWINCH, which a
/// session started through `su -c` never gets). 0 when known.
static inline int rc_tty_size(int *rows, int *cols) {
    int fds[] = {STDOUT_FILENO, STDIN_FILENO, STDERR_FILENO};
    for (int i = 0; i < 3; i++) {
        struct winsize ws;
        if (ioctl(fds[i], TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) { *rows = ws.ws_row; *cols = ws.ws_col; return 0; }
    }
    return -1;
}

/// The next refresh repaints every cell, whatever curses believes is on screen.
static inline void rc_repaint_all(void) { clearok(curscr, TRUE); }

#endif
