// SPDX-License-Identifier: GPL-2.0
/* bar_opts: see bar_opts.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bar_opts.h"

static void usage(const char *prog, const struct bar_opt *opts, int bad_exit)
{
	const struct bar_opt *o;

	fprintf(stderr, "usage: %s -v BDF [-b BAR]", prog);
	for (o = opts; o->name; o++) {
		if (o->arg)
			fprintf(stderr, " [-%c %s]", o->name, o->arg);
		else
			fprintf(stderr, " [-%c]", o->name);
	}
	fprintf(stderr, "\n");
	exit(bad_exit);
}

const char *bar_opts(int argc, char *argv[], long *bar, const struct bar_opt *opts,
		     int bad_exit)
{
	char spec[64] = "v:b:", *end;
	const struct bar_opt *o;
	const char *bdf = NULL;
	size_t n = strlen(spec);
	int c;

	for (o = opts; o->name && n + 2 < sizeof(spec); o++) {
		spec[n++] = o->name;
		if (o->arg)
			spec[n++] = ':';
	}
	spec[n] = '\0';
	while ((c = getopt(argc, argv, spec)) != -1) {
		if (c == 'v') {
			bdf = optarg;
			continue;
		}
		if (c == 'b') {
			*bar = strtol(optarg, &end, 0);
			if (*end || end == optarg)
				usage(argv[0], opts, bad_exit);
			continue;
		}
		for (o = opts; o->name && o->name != c; o++)
			;
		if (!o->name)
			usage(argv[0], opts, bad_exit);
		if (!o->arg) {
			*o->val = 1;
			continue;
		}
		*o->val = strtol(optarg, &end, 0);
		if (*end || end == optarg)
			usage(argv[0], opts, bad_exit);
	}
	if (!bdf || optind != argc)
		usage(argv[0], opts, bad_exit);
	return bdf;
}
