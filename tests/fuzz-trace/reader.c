/* tests/fuzz-trace/reader.c — fuzz target: an mmsim trace (.mmt), read to
 * its end and replayed. */
#include "target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size);
	if (path)
		fuzz_read_and_replay(path);
	return 0;
}
