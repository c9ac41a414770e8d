/* tests/unit/api_helpers.c — see api_helpers.h. */
#include "api_helpers.h"

#include <criterion/criterion.h>

/* See api_helpers.h. */
mmsim_machine *boot_with(const char *key, const char *value)
{
	int err;
	char eb[200];
	mmsim_config *c = mmsim_config_new(NULL, &err);
	mmsim_machine *m;
	cr_assert_eq(mmsim_config_set(c, "ram", "256M", eb, sizeof eb), 0);
	if (key)
		cr_assert_eq(mmsim_config_set(c, key, value, eb, sizeof eb), 0, "%s", eb);
	cr_assert_eq(mmsim_machine_new(c, &m, eb, sizeof eb), 0, "%s", eb);
	mmsim_config_free(c);
	return m;
}

/* See api_helpers.h. */
mmsim_machine *host_or_skip(void)
{
	mmsim_machine *m;
	char eb[256];
#if !defined(__linux__) || !defined(__x86_64__)
	cr_skip_test("the host backend needs Linux on x86-64");
#endif
	int err = mmsim_host_new(NULL, &m, eb, sizeof eb);
	cr_assert_eq(err, 0, "%s", eb);
	return m;
}
