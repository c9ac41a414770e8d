/*
 * tests/fuzz-trace/target.h — the fuzz targets of the trace readers
 * (docs/traces.md, "Robustness"): each of reader.c, lackey.c, champsim.c
 * defines LLVMFuzzerTestOneInput for one reader. `make fuzz` links each
 * with libFuzzer (clang, ASan, UBSan); `make test` runs each over its
 * corpus with corpus.c's main instead (tests/fuzz-trace/corpus/TARGET/).
 */
#ifndef MMSIM_FUZZ_TRACE_TARGET_H
#define MMSIM_FUZZ_TRACE_TARGET_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* data as a file: its path ("/proc/self/fd/N" of a memfd), or NULL. The
 * previous file is closed. */
const char *fuzz_file(const uint8_t *data, size_t size);

/* A path the next import writes to (a memfd, emptied), or NULL. */
const char *fuzz_out(void);

/* Read the trace at path to its end and replay it on a small machine: the
 * reader and the replay must say what is wrong, never crash. */
void fuzz_read_and_replay(const char *path);

#endif
