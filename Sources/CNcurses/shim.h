#ifndef FILTOP_CNCURSES_SHIM_H
#define FILTOP_CNCURSES_SHIM_H
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <ncurses.h>
#endif
