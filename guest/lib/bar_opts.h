/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bar_opts: the command line of the harness's programs that open a BAR of
 * a device bound to vfio-pci: "-v BDF [-b BAR]" and options of their own,
 * each a number or a flag.
 */
#ifndef BAR_OPTS_H
#define BAR_OPTS_H

struct bar_opt {
	char name;		/* the option letter; 0 ends a table */
	const char *arg;	/* its argument in the usage; NULL for a flag */
	long *val;		/* the number given (strtol base 0), or 1 for a flag */
};

/*
 * Parse argv: -v BDF (required), -b BAR into *bar, and the options of
 * @opts. Returns the BDF. On an unknown option, a malformed number or no
 * -v, prints the usage and exits with @bad_exit.
 */
const char *bar_opts(int argc, char *argv[], long *bar, const struct bar_opt *opts,
		     int bad_exit);

#endif
