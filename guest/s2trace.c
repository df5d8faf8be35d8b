// SPDX-License-Identifier: GPL-2.0
/*
 * s2trace: record what KVM installs at stage 2, from inside the test host.
 *
 *   s2trace on     put a kprobe event on kvm_pgtable_stage2_map() that
 *                  records its IPA, size and prot arguments, and start
 *   s2trace dump   stop, and print one line per (GiB of IPA, prot):
 *                    s2map gib=G prot=0xP count=N first=0xA last=0xB
 *                  then remove the event; exit 1 if nothing was recorded
 *                  or the trace buffer overflowed
 *
 * 6.1's user_mem_abort() maps every stage-2 page of a guest fault with
 *   kvm_pgtable_stage2_map(pgt, addr, size, phys, prot, mc)
 * so x1 is the IPA, x2 the size and x4 the enum kvm_pgtable_prot. The
 * harness groups by GiB because the selftests put each backing in its own
 * GiB of guest physical space.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define TRACING	"/sys/kernel/tracing"
#define EVENT	"p:kvm_s2/s2map kvm_pgtable_stage2_map ipa=%x1 size=%x2 prot=%x4"
#define MAX_GROUPS 256

struct group {
	unsigned long gib, prot, count, first, last;
};

static int put(const char *file, const char *val)
{
	char path[256];
	int fd, ok;

	snprintf(path, sizeof(path), TRACING "/%s", file);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0) {
		fprintf(stderr, "s2trace: open %s: %s\n", path, strerror(errno));
		return -1;
	}
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	if (!ok)
		fprintf(stderr, "s2trace: write '%s' to %s: %s\n", val, path, strerror(errno));
	close(fd);
	return ok ? 0 : -1;
}

static int on(void)
{
	mkdir(TRACING, 0755);
	if (mount("tracefs", TRACING, "tracefs", 0, NULL) && errno != EBUSY) {
		fprintf(stderr, "s2trace: mount tracefs: %s\n", strerror(errno));
		return 1;
	}
	if (put("tracing_on", "0") || put("trace", "") ||
	    put("buffer_size_kb", "8192") || put("kprobe_events", EVENT) ||
	    put("events/kvm_s2/s2map/enable", "1") || put("tracing_on", "1"))
		return 1;
	printf("s2trace: recording %s\n", EVENT);
	return 0;
}

static int dump(void)
{
	static struct group groups[MAX_GROUPS];
	unsigned long ipa, size, prot, lost = 0, total = 0;
	int n = 0, i, overflow = 0;
	char line[512], *p;
	FILE *f;

	if (put("tracing_on", "0"))
		return 1;
	f = fopen(TRACING "/trace", "r");
	if (!f) {
		fprintf(stderr, "s2trace: %s/trace: %s\n", TRACING, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		/* "# entries-in-buffer/entries-written: 12/12   #P:2" */
		if (sscanf(line, "# entries-in-buffer/entries-written: %lu/%lu",
			   &size, &ipa) == 2 && size != ipa)
			overflow = 1;
		p = strstr(line, " s2map: ");
		if (!p || sscanf(p, " s2map: (%*[^)]) ipa=%lx size=%lx prot=%lx",
				 &ipa, &size, &prot) != 3)
			continue;
		total++;
		for (i = 0; i < n; i++)
			if (groups[i].gib == ipa >> 30 && groups[i].prot == prot)
				break;
		if (i == n) {
			if (n == MAX_GROUPS) {
				lost++;
				continue;
			}
			groups[n++] = (struct group){ ipa >> 30, prot, 0, ipa, ipa };
		}
		groups[i].count++;
		if (ipa < groups[i].first)
			groups[i].first = ipa;
		if (ipa > groups[i].last)
			groups[i].last = ipa;
	}
	fclose(f);
	put("events/kvm_s2/s2map/enable", "0");
	put("kprobe_events", "");
	for (i = 0; i < n; i++)
		printf("s2map gib=%lu prot=%#lx count=%lu first=%#lx last=%#lx\n",
		       groups[i].gib, groups[i].prot, groups[i].count,
		       groups[i].first, groups[i].last);
	printf("s2trace: %lu stage-2 maps recorded%s%s\n", total,
	       overflow ? ", trace buffer overflowed" : "",
	       lost ? ", too many groups" : "");
	return !total || overflow || lost;
}

int main(int argc, char *argv[])
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "on"))
		return on();
	if (argc == 2 && !strcmp(argv[1], "dump"))
		return dump();
	fprintf(stderr, "usage: s2trace on|dump\n");
	return 2;
}
