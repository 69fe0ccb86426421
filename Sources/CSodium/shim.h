#ifndef FILTOP_CSODIUM_SHIM_H
#define FILTOP_CSODIUM_SHIM_H
#include <sodium.h>
#endif
