/* tests/unit/report.c — after the run, every test that skipped itself with
 * its reason (Criterion's summary counts skips nowhere). Tests left out by
 * --filter have no reason and are not listed. */
#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include <stdio.h>
#include <stdlib.h>

ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	size_t n = 0;
	for (struct criterion_suite_stats *s = stats->suites; s; s = s->next)
		for (struct criterion_test_stats *t = s->tests; t; t = t->next)
			if (t->test_status == CR_STATUS_SKIPPED && t->message) {
				fprintf(stderr, "SKIP %s::%s: %s\n", t->test->category, t->test->name, t->message);
				n++;
			}
	if (n)
		fprintf(stderr, "unit: %zu skipped\n", n);
}

/* LeakSanitizer asks this at exit. Every test runs in a sandbox process of
 * its own (Criterion's boxfort sets BXFI_MAP in it): those stay checked. The
 * runner, the parent that runs no test, is not: Criterion 2.4.1's runner now
 * and then ends with a 48-byte block of its own unfreed (allocated inside
 * libcriterion, seen at random on full runs with many .timeout tests).
 * Default visibility: the sanitizer runtime finds the hook by the name the
 * executable exports, and the build hides symbols by default. */
__attribute__((visibility("default"))) int __lsan_is_turned_off(void);
__attribute__((visibility("default"))) int __lsan_is_turned_off(void)
{
	return getenv("BXFI_MAP") == NULL;
}
