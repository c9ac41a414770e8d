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
