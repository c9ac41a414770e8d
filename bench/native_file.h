/*
 * bench/native_file.h — the baselines of bench_file.c on the real kernel of
 * this machine (kept apart from the simulator's uapi headers, as native.h).
 */
#ifndef MMSIM_BENCH_NATIVE_FILE_H
#define MMSIM_BENCH_NATIVE_FILE_H

#include <stdint.h>

/* Nanoseconds per read fault of a process reading one byte of each page of
 * a len-byte tmpfs file (/dev/shm) already in the page cache, through a
 * shared read-only mapping (each fault maps its fault-around window). */
double native_file_fault_ns(uint64_t len);

/* MB/s of pread in chunk-byte pieces, passes times over a len-byte file of
 * the disk filesystem (/var/tmp, else /tmp) already in the page cache. */
double native_page_cache_read_mb_s(uint64_t len, uint64_t chunk, int passes);

#endif
