/* A program built against an installed mmsim: boots a machine through the
 * public API and prints its buddyinfo. */
#include <mmsim.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	int err;
	mmsim_config *c = mmsim_config_new(NULL, &err);
	mmsim_machine *m;
	char *text;
	if (!c || mmsim_config_set(c, "ram", "64M", NULL, 0) ||
	    mmsim_machine_new(c, &m, NULL, 0) || mmsim_proc_read(m, "/proc/buddyinfo", &text, NULL))
		return 1;
	fputs(text, stdout);
	free(text);
	mmsim_machine_free(m);
	mmsim_config_free(c);
	printf("mmsim %s\n", mmsim_version());
	return 0;
}
