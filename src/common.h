/*
 * common.h — small macros any layer may use (hw, kernel, procfs, api, host,
 * lua, cli, the tests). A leaf: it includes only system headers and holds
 * no code, so including it adds no dependency between layers.
 */
#ifndef MMSIM_COMMON_H
#define MMSIM_COMMON_H

/* The number of elements of array a (a true array, not a pointer). */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
