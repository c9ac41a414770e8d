/* tests/unit/report.c — after the run, every test that skipped itself with
 * its reason (Criterion's summary counts skips nowhere). Tests left out by
 * --filter have no reason and are not listed. */
#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include <stdio.h>

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
