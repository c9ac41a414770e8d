/* tests/fuzz-trace/lackey.c — fuzz target: lackey text, imported, and
 * what the import wrote read and replayed. */
#include "target.h"

#include "mmsim_trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[700];
	const char *in = fuzz_file(data, size), *out = fuzz_out();
	if (in && out && !mmsim_trace_import("lackey", in, out, NULL, err, sizeof err))
		fuzz_read_and_replay(out);
	return 0;
}
