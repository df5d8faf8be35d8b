// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side tests of guest/plan-init.c: its real plan parser and its real
 * run() and relay, on crafted plans and on a child that writes a known
 * output. plan-init itself is PID 1 of the test host and powers it off,
 * so this file includes it with PLAN_INIT_TEST defined (its main() is
 * renamed) and drives its functions directly.
 *
 *   plan-init-test TMPDIR TOP [E2E_OUTPUT]
 *	run every check, one "PASS: harness: plan-init: ..." or "FAIL: ..."
 *	line each; exit 1 if one failed. TOP is the repository (its real
 *	plans in tests/, tests/harness/fixtures/malformed.plan). E2E_OUTPUT
 *	is the selftest's real output (without plan-init's "# "), relayed
 *	shifted by 0..399 bytes like the synthetic one.
 *	TMPDIR/mixed.out is left for run.sh: the KTAP of a plan with good
 *	and malformed lines, to feed to scripts/guest-log.py.
 *   plan-init-test child MODE ...
 *	the test program run() starts (see child()).
 */
#define PLAN_INIT_TEST
#include "../../guest/plan-init.c"
#undef main		/* plan-init's is plan_init_main(); this is the driver's */

#include <stdarg.h>

static const char *tmpdir, *self;
static int failures;

static void check(int ok, const char *what, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("PASS: harness: plan-init: %s\n", what);
		return;
	}
	printf("FAIL: harness: plan-init: %s (", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(")\n");
	failures++;
}

/* TMPDIR/NAME, allocated: callers keep several at once. */
static char *path_in_tmp(const char *name)
{
	char *path = malloc(strlen(tmpdir) + strlen(name) + 2);

	if (!path)
		exit(2);
	sprintf(path, "%s/%s", tmpdir, name);
	return path;
}

/* The whole of a file, NUL-terminated; *len without the NUL. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t size = 0, n;

	*len = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (*len + 65536 + 1 > size) {
			size = 2 * size + 65536 + 1;
			buf = realloc(buf, size);
			if (!buf)
				exit(2);
		}
		n = fread(buf + *len, 1, size - *len - 1, f);
		if (!n)
			break;
		*len += n;
	}
	fclose(f);
	buf[*len] = '\0';
	return buf;
}

static void spill(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(2);
	}
}

/*
 * Stop plan-init (the parent) for a moment, long enough for this test to
 * write all it has and exit before plan-init reads a byte of it: what a
 * slow guest does, and what made the old relay lose the end of the output.
 * A grandchild that does not hold the output pipe lets it go on.
 */
static void freeze_parent(void)
{
	pid_t parent = getppid();

	/* Stop first: a SIGCONT sent later always undoes it, never hangs. */
	kill(parent, SIGSTOP);
	switch (fork()) {
	case -1:
		kill(parent, SIGCONT);
		break;
	case 0:
		close(1);
		close(2);
		usleep(5000);
		kill(parent, SIGCONT);
		_exit(0);
	}
}

/*
 * The test program: "child write FILE" writes FILE to stdout in writes of
 * odd, changing sizes and exits at once (the race the relay must win);
 * "child write-all FILE" writes it in one go while plan-init is stopped;
 * "child exit N" says so and exits N; "child signal" and "child sleep"
 * leave a line without a newline, then die of SIGSEGV or sleep past any
 * timeout; "child orphan" leaves a grandchild holding stdout open.
 */
static int child(int argc, char **argv)
{
	static const size_t sizes[] = { 1, 7, 333, 4093, 65537, 2, 12289, 1021 };
	size_t len, off = 0, i = 0, n;
	char *data;

	if (argc == 2 && (!strcmp(argv[0], "write") || !strcmp(argv[0], "write-all"))) {
		data = slurp(argv[1], &len);
		if (!data)
			return 3;
		if (!strcmp(argv[0], "write-all"))
			freeze_parent();
		while (off < len) {
			n = !strcmp(argv[0], "write-all") ? len : sizes[i++ % 8];
			if (n > len - off)
				n = len - off;
			if (write(1, data + off, n) != (ssize_t)n)
				return 3;
			off += n;
		}
		return 0;
	}
	if (argc == 2 && !strcmp(argv[0], "exit")) {
		printf("exiting with %s\n", argv[1]);
		return atoi(argv[1]);
	}
	if (argc == 1 && !strcmp(argv[0], "signal")) {
		dprintf(1, "about to crash\nno newline");
		raise(SIGSEGV);
	}
	if (argc == 1 && !strcmp(argv[0], "sleep")) {
		dprintf(1, "about to hang\nno newline");
		sleep(60);
		return 0;
	}
	if (argc == 1 && !strcmp(argv[0], "orphan")) {
		if (fork() == 0) {
			sleep(60);
			_exit(0);
		}
		dprintf(1, "the test is done\n");
		return 0;
	}
	return 3;
}

/* What the relay must print for @data: see relay_feed(). */
static char *expected_relay(const char *data, size_t len, size_t *outlen)
{
	/* At worst every byte is an empty line: "# \n". */
	char *out = malloc(3 * len + 16), *o = out;
	size_t start = 0, end, piece;

	if (!out)
		exit(2);
	while (start < len) {
		const char *nl = memchr(data + start, '\n', len - start);

		end = nl ? (size_t)(nl - data) : len;
		do {
			piece = end - start < RELAY_LINE ? end - start : RELAY_LINE;
			memcpy(o, "# ", 2);
			memcpy(o + 2, data + start, piece);
			o[2 + piece] = '\n';
			o += 3 + piece;
			start += piece;
		} while (start < end);
		start = end + 1;	/* past the newline */
	}
	*outlen = o - out;
	return out;
}

/* Send stdout to TMPDIR/NAME until end_capture(); returns the saved fd. */
static int start_capture(const char *name)
{
	char *path = path_in_tmp(name);
	int fd, saved;

	fflush(stdout);
	saved = dup(1);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || saved < 0) {
		perror(path);
		exit(2);
	}
	dup2(fd, 1);
	close(fd);
	free(path);
	return saved;
}

/* Put stdout back; what was printed to TMPDIR/NAME meanwhile. */
static char *end_capture(int saved, const char *name, size_t *len)
{
	char *path = path_in_tmp(name), *text;

	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	text = slurp(path, len);
	free(path);
	return text;
}

/* run() @t with stdout going to a file; its output and exit code. */
static char *capture(struct test *t, int *rc, double *secs, size_t *len)
{
	int saved = start_capture("captured");

	*rc = run(t, secs);
	return end_capture(saved, "captured", len);
}

static struct test child_test(const char *name, int timeout, const char *mode,
			      const char *arg)
{
	struct test t = { .name = (char *)name, .timeout = timeout };

	t.argv[0] = (char *)self;
	t.argv[1] = "child";
	t.argv[2] = (char *)mode;
	t.argv[3] = (char *)arg;
	return t;
}

/* First byte where @a and @b differ, or -1. */
static long diff_at(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i;

	for (i = 0; i < alen && i < blen; i++)
		if (a[i] != b[i])
			return i;
	return alen == blen ? -1 : (long)i;
}

/*
 * Relay @content shifted by 0..399 bytes (that many bytes of filler in
 * front), without its last newline on odd shifts, and compare. The child
 * writes it as @mode says (see child()).
 */
static void check_relay(const char *what, const char *mode, const char *content,
			size_t clen)
{
	char *data = malloc(clen + 400), *path = path_in_tmp("data"), *want, *got;
	size_t dlen, wlen, glen;
	int shift, rc, bad = 0, first = -1, first_rc = 0;
	long at = -1;
	double secs;

	if (!data)
		exit(2);
	for (shift = 0; shift < 400; shift++) {
		struct test t = child_test("writer", 60, mode, path);

		memset(data, 'x', shift);
		memcpy(data + shift, content, clen);
		dlen = shift + clen;
		if (shift % 2 && dlen && data[dlen - 1] == '\n')
			dlen--;
		spill(path, data, dlen);
		want = expected_relay(data, dlen, &wlen);
		got = capture(&t, &rc, &secs, &glen);
		if (rc || !got || diff_at(want, wlen, got, glen) >= 0) {
			if (first < 0) {
				first = shift;
				first_rc = rc;
				at = got ? diff_at(want, wlen, got, glen) : 0;
			}
			bad++;
		}
		free(want);
		free(got);
	}
	free(data);
	free(path);
	check(!bad, what, "%d of 400 shifts differ; first: shift %d, exit %d, "
	      "first wrong byte at %ld", bad, first, first_rc, at);
}

/* A synthetic output of about 200 KB: lines of every kind of length. */
static char *synthetic(size_t *len)
{
	size_t size = 200 * 1024, n = 0, l, i;
	char *buf = malloc(size + 8 * RELAY_LINE);
	unsigned int seed = 1;
	/* Edge lengths first, then pseudo-random ones up to 3 KB. */
	static const size_t edges[] = { 0, 1, RELAY_LINE - 1, RELAY_LINE,
		RELAY_LINE + 1, 2 * RELAY_LINE, 0, 2 * RELAY_LINE + 1 };

	if (!buf)
		exit(2);
	for (i = 0; n < size; i++) {
		seed = seed * 1103515245 + 12345;
		l = i < 8 ? edges[i] : (seed >> 8) % 3000;
		for (; l; l--, n++)
			buf[n] = 'a' + (n + i) % 26;
		buf[n++] = '\n';
	}
	*len = n;
	return buf;
}

static void test_relay(const char *e2e_output)
{
	size_t len, glen;
	char *data = synthetic(&len), *got;
	int rc;
	double secs;
	struct test t;

	check_relay("relay of 200 KB in odd-sized writes, shifted 0..399 bytes, "
		    "with and without a last newline, arrives byte for byte",
		    "write", data, len);
	free(data);
	if (e2e_output) {
		data = slurp(e2e_output, &len);
		if (!data || !len)
			check(0, "relay of the real e2e output", "cannot read %s", e2e_output);
		else
			check_relay("relay of the real e2e output written at once, the test "
				    "exiting meanwhile, shifted 0..399 bytes, arrives byte for byte",
				    "write-all", data, len);
		free(data);
	}

	t = child_test("crasher", 60, "signal", NULL);
	got = capture(&t, &rc, &secs, &glen);
	check(rc == 128 + SIGSEGV && got &&
	      !strcmp(got, "# about to crash\n# no newline\n"
			   "# plan-init: crasher killed by signal 11\n"),
	      "a test killed by a signal: its last partial line, then 'killed by signal'",
	      "exit %d, output '%s'", rc, got ? got : "");
	free(got);

	t = child_test("hanger", 1, "sleep", NULL);
	got = capture(&t, &rc, &secs, &glen);
	check(rc == 125 && got && secs < 3 &&
	      !strcmp(got, "# about to hang\n# no newline\n"
			   "# plan-init: hanger timed out after 1 s\n"),
	      "a test that overruns its timeout: its output, then 'timed out'",
	      "exit %d after %.1fs, output '%s'", rc, secs, got ? got : "");
	free(got);

	t = child_test("orphaner", 60, "orphan", NULL);
	got = capture(&t, &rc, &secs, &glen);
	check(rc == 0 && secs < DRAIN_SECS && got && !strcmp(got, "# the test is done\n"),
	      "a test's leftover process does not hold the relay open",
	      "exit %d after %.1fs, output '%s'", rc, secs, got ? got : "");
	free(got);

	t = child_test("exiter", 60, "exit", "3");
	got = capture(&t, &rc, &secs, &glen);
	check(rc == 3 && got && !strcmp(got, "# exiting with 3\n"),
	      "a test's exit status is passed on", "exit %d, output '%s'", rc,
	      got ? got : "");
	free(got);
}

/* Parse the plan text @text; the number of entries, or -1 with *err. */
static int parse_text(const char *text, struct test *tests, const char **err)
{
	char *path = path_in_tmp("plan");
	int n;

	spill(path, text, strlen(text));
	n = parse_plan(path, tests, err);
	free(path);
	return n;
}

static void test_parser(const char *top)
{
	static const char *const plans[] = { "e2e.plan", "regress.plan", NULL };
	static struct test tests[MAX_TESTS];
	static char text[PLAN_SIZE + 64];
	char path[4096], *buf;
	const char *err, *accepted = NULL;
	size_t len;
	int n, i, bad = 0, saved;

	/* Every kind of well-formed line, read as it was before. */
	snprintf(path, sizeof(path), "%s/tests/harness/fixtures/good.plan", top);
	n = parse_plan(path, tests, &err);
	for (i = 0; i < n; i++)
		bad += !!tests[i].bad;
	check(n == 5 && !bad && !err &&
	      tests[0].setup && !strcmp(tests[0].name, "vfio-bind") &&
	      !strcmp(tests[0].argv[0], "VFIO_BDF") && !strcmp(tests[0].argv[2], "0") &&
	      !tests[0].argv[3] && tests[1].setup && !strcmp(tests[1].name, "enable") &&
	      !tests[2].setup && !strcmp(tests[2].name, "vfio_bar_memattr") &&
	      tests[2].timeout == 600 && !strcmp(tests[2].argv[0], "/bin/vfio_bar_memattr") &&
	      !strcmp(tests[2].argv[2], "$VFIO_BDF") && tests[2].argv[6] && !tests[2].argv[7] &&
	      tests[3].timeout == 1 && tests[4].timeout == 999999999 &&
	      tests[4].argv[MAX_ARGS - 1] && !tests[4].argv[MAX_ARGS],
	      "every well-formed kind of plan line parses as before",
	      "%d entries, %d malformed, %s", n, bad, err ? err : "no error");

	/* The harness's own plans: not one line malformed. */
	for (i = 0; plans[i]; i++) {
		int j, nbad = 0;

		snprintf(path, sizeof(path), "%s/tests/%s", top, plans[i]);
		n = parse_plan(path, tests, &err);
		for (j = 0; j < n; j++)
			nbad += !!tests[j].bad;
		snprintf(text, sizeof(text), "tests/%s parses, no line malformed", plans[i]);
		check(n > 0 && !nbad && !err, text, "%d entries, %d malformed, %s", n, nbad,
		      err ? err : "no error");
	}

	/* Each line of malformed.plan must be refused on its own. */
	snprintf(path, sizeof(path), "%s/tests/harness/fixtures/malformed.plan", top);
	n = parse_plan(path, tests, &err);
	for (i = 0, bad = 0; i < n; i++) {
		if (tests[i].bad)
			bad++;
		else if (!accepted)
			accepted = tests[i].line;
	}
	check(n >= 10 && bad == n, "every malformed plan line is refused",
	      "%d lines, %d refused; accepted: '%s'", n, bad, accepted ? accepted : "");

	/* Too many lines, or too many bytes: the whole plan is refused. */
	text[0] = '\0';
	for (i = 0; i < MAX_TESTS; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 "t%d 1 /bin/true\n", i);
	n = parse_text(text, tests, &err);
	check(n == MAX_TESTS && !err, "a plan of MAX_TESTS lines is taken",
	      "%d entries, %s", n, err ? err : "no error");
	strcat(text, "one-too-many 1 /bin/true\n");
	n = parse_text(text, tests, &err);
	check(n < 0 && err && strstr(err, "more than"),
	      "a plan of more than MAX_TESTS lines is refused as a whole",
	      "%d entries, %s", n, err ? err : "no error");
	memset(text, '#', PLAN_SIZE);
	text[PLAN_SIZE - 1] = '\n';
	text[PLAN_SIZE] = '\0';
	memcpy(text, "t 1 /bin/true\n", 14);
	n = parse_text(text, tests, &err);
	check(n == 1 && !err, "a plan of exactly PLAN_SIZE bytes is taken",
	      "%d entries, %s", n, err ? err : "no error");
	strcat(text, "#");
	n = parse_text(text, tests, &err);
	check(n < 0 && err && strstr(err, "longer than"),
	      "a plan longer than PLAN_SIZE bytes is refused, not cut",
	      "%d entries, %s", n, err ? err : "no error");

	/* What the harness sees of malformed lines and of a refused plan. */
	snprintf(text, sizeof(text),
		 "# good, malformed, malformed setup, skip\n"
		 "good 5 %s child exit 0\n"
		 "zero 0 %s child exit 0\n"
		 "!enable VAR 1af4:1110\n"
		 "skipper 5 %s child exit 4\n", self, self, self);
	n = parse_text(text, tests, &err);
	saved = start_capture("mixed.out");
	i = run_plan(tests, n, err);
	buf = end_capture(saved, "mixed.out", &len);
	check(i == 2 && buf && strstr(buf, "\n1..4\n") &&
	      strstr(buf, "\nok 1 good # ") &&
	      strstr(buf, "\nnot ok 2 zero 0 ") &&
	      strstr(buf, "# malformed plan line: TIMEOUT is not a positive integer\n") &&
	      strstr(buf, "\nnot ok 3 !enable VAR 1af4:1110 # malformed plan line: ") &&
	      strstr(buf, "\nok 4 skipper # SKIP") && strstr(buf, "2 failed\nPLAN-END\n"),
	      "malformed lines are reported 'not ok K LINE # malformed plan line'",
	      "%d failed, output '%s'", i, buf ? buf : "");
	free(buf);

	saved = start_capture("refused.out");
	i = run_plan(tests, -1, "/plan has more than 64 lines");
	buf = end_capture(saved, "refused.out", &len);
	check(i == 1 && buf && !strcmp(buf, "PLAN-BEGIN\nTAP version 13\n1..1\n"
				       "not ok 1 plan # /plan has more than 64 lines\n"
				       "# plan-init: 1 failed\nPLAN-END\n"),
	      "a refused plan is reported 'not ok 1 plan'", "output '%s'", buf ? buf : "");
	free(buf);
}

int main(int argc, char **argv)
{
	static char exe[4096];
	ssize_t n;

	if (argc >= 3 && !strcmp(argv[1], "child"))
		return child(argc - 2, argv + 2);
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: %s TMPDIR TOP [E2E_OUTPUT]\n", argv[0]);
		return 2;
	}
	/* run() execs by path: this very program, as the test. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return 2;
	exe[n] = '\0';
	self = exe;
	tmpdir = argv[1];
	test_parser(argv[2]);
	test_relay(argc > 3 ? argv[3] : NULL);
	return failures ? 1 : 0;
}
