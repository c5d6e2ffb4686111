/*
 * Copyright (c) 2026 The limpet authors
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * relayterm: the user's terminal, for bench/relay. It runs a command (plain
 * ssh -t, or limpet) on a fresh pty, reads the master side as fast as it
 * can, and measures one thing per run:
 *
 *	-e MARK		throughput: after "go", read until MARK appears
 *	-k N		keystroke round trips: N bytes, each written and
 *			waited for until it comes back. Given several
 *			commands (separated by a ::: argument), all run at
 *			once and take turns keystroke by keystroke, so that
 *			the machine's ups and downs fall on each alike
 *	-i SECS		idle: wake-ups of the command over SECS seconds,
 *			counted from a few seconds after READY
 *	-s SECS		backpressure: stop reading for SECS seconds while
 *			the remote floods, sampling the command's memory
 *
 * Every run first waits for READY (-r) to appear, which the remote prints
 * once it is set up; "go" is a line written to the FIFO (-g) the remote
 * waits on. Process figures come from /proc for the command itself (the
 * wrapper, or ssh when ssh is the command) and for its ssh child. One line
 * of key=value pairs goes to stdout. Linux only: the figures are in /proc.
 */

#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_PTY_H
#include <pty.h>
#endif
#ifdef HAVE_UTIL_H
#include <util.h>
#endif
#ifdef HAVE_LIBUTIL_H
#include <libutil.h>
#endif

#define READ_SIZE	65536
#define MARK_MAX	64
#define READY_TIMEOUT_S	30
#define END_TIMEOUT_S	600
#define STALL_SAMPLE_MS	200
#define STALL_FIRST	(1024 * 1024)	/* read this much before stalling */
#define IDLE_SETTLE_S	3	/* after ready, before idle counts */
#define CMDS_MAX	4	/* commands taking turns (-k) */

struct proc_stat {
	int		 ok;
	double		 cpu;		/* seconds on a CPU, user and system */
	double		 ccpu;		/* cutime + cstime: reaped children */
	long		 vcsw;		/* voluntary context switches */
	long		 ivcsw;
	long		 rss_kb;
	long		 hwm_kb;
};

/* Finds MARK in a stream read in pieces, across the pieces' boundaries. */
struct matcher {
	const char	*mark;
	size_t		 len;
	char		 tail[2 * MARK_MAX];
	size_t		 ntail;
};

static int	 master = -1;
static pid_t	 child = -1;
static int	 masters[CMDS_MAX];
static pid_t	 children[CMDS_MAX];
static int	 ncmds;
static char	 buf[READ_SIZE];
static unsigned long long total_read;

static __attribute__((noreturn, format(printf, 1, 2))) void
die(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "relayterm: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	while (ncmds > 0) {
		if (children[--ncmds] > 0)
			kill(children[ncmds], SIGKILL);
	}
	exit(1);
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static void
matcher_init(struct matcher *m, const char *mark)
{
	m->mark = mark;
	m->len = strlen(mark);
	if (m->len == 0 || m->len > MARK_MAX)
		die("marker must be 1 to %d bytes", MARK_MAX);
	m->ntail = 0;
}

static int
matcher_feed(struct matcher *m, const char *p, size_t n)
{
	size_t	head, keep;

	/* The boundary: the old tail followed by the new bytes' start. */
	head = n < m->len - 1 ? n : m->len - 1;
	memcpy(m->tail + m->ntail, p, head);
	if (memmem(m->tail, m->ntail + head, m->mark, m->len) != NULL)
		return (1);
	if (memmem(p, n, m->mark, m->len) != NULL)
		return (1);
	/* Keep the last len - 1 bytes seen for the next boundary. */
	keep = m->len - 1;
	if (n >= keep) {
		memcpy(m->tail, p + n - keep, keep);
		m->ntail = keep;
	} else {
		m->ntail += n;
		if (m->ntail > keep) {
			memmove(m->tail, m->tail + m->ntail - keep, keep);
			m->ntail = keep;
		}
	}
	return (0);
}

/*
 * A thread's scheduler time (ns) and context switches added to ps; 1 if
 * it could be read.
 */
static int
proc_read_task(pid_t pid, const char *tid, struct proc_stat *ps)
{
	char			 path[320], line[256];
	FILE			*f;
	unsigned long long	 ns;
	int			 ok = 0;

	snprintf(path, sizeof path, "/proc/%ld/task/%s/schedstat", (long)pid,
	    tid);
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%llu", &ns) == 1) {
			ps->cpu += (double)ns / 1e9;
			ok = 1;
		}
		fclose(f);
	}
	snprintf(path, sizeof path, "/proc/%ld/task/%s/status", (long)pid, tid);
	if ((f = fopen(path, "r")) == NULL)
		return (ok);
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "voluntary_ctxt_switches:", 24) == 0)
			ps->vcsw += atol(line + 24);
		else if (strncmp(line, "nonvoluntary_ctxt_switches:", 27) == 0)
			ps->ivcsw += atol(line + 27);
	}
	fclose(f);
	return (ok);
}

static void
proc_read(pid_t pid, struct proc_stat *ps)
{
	char		 path[64], line[4096], *p;
	FILE		*f;
	DIR		*d;
	struct dirent	*de;
	long		 clk = sysconf(_SC_CLK_TCK);
	unsigned long long ut, st;
	long long	 cut, cst;
	double		 ticks;
	int		 threads = 0;

	memset(ps, 0, sizeof *ps);
	if (pid <= 0)
		return;
	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return;
	if (fgets(line, sizeof line, f) == NULL ||
	    (p = strrchr(line, ')')) == NULL) {
		fclose(f);
		return;
	}
	fclose(f);
	/*
	 * After "comm)": state ppid pgrp session tty tpgid flags minflt
	 * cminflt majflt cmajflt utime stime cutime cstime.
	 */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
	    "%llu %llu %lld %lld", &ut, &st, &cut, &cst) != 4)
		return;
	ps->ok = 1;
	ticks = (double)(ut + st) / (double)clk;
	ps->ccpu = (double)(cut + cst) / (double)clk;

	/*
	 * The scheduler's own count is in nanoseconds, not in ticks, and
	 * it and the context switches are kept per thread: all are added.
	 */
	snprintf(path, sizeof path, "/proc/%ld/task", (long)pid);
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] >= '0' && de->d_name[0] <= '9')
				threads += proc_read_task(pid, de->d_name, ps);
		}
		closedir(d);
	}
	if (threads == 0)
		ps->cpu = ticks;

	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "VmRSS:", 6) == 0)
			ps->rss_kb = atol(line + 6);
		else if (strncmp(line, "VmHWM:", 6) == 0)
			ps->hwm_kb = atol(line + 6);
	}
	fclose(f);
}

/* The command's child named ssh, if the command is a wrapper. */
static pid_t
find_ssh_child(pid_t parent)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[300], line[512], comm[64], *p;
	FILE		*f;
	long		 ppid;
	pid_t		 found = -1;

	if ((d = opendir("/proc")) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL && found == -1) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fgets(line, sizeof line, f) != NULL &&
		    (p = strrchr(line, ')')) != NULL &&
		    sscanf(p + 2, "%*c %ld", &ppid) == 1 && ppid == parent) {
			p = strchr(line, '(');
			snprintf(comm, sizeof comm, "%.*s",
			    (int)(strrchr(line, ')') - p - 1), p + 1);
			if (strcmp(comm, "ssh") == 0)
				found = (pid_t)atol(de->d_name);
		}
		fclose(f);
	}
	closedir(d);
	return (found);
}

/* Read what is there, waiting at most ms; returns bytes read, 0 on EOF. */
static ssize_t
read_some(int ms)
{
	struct pollfd	pfd = { master, POLLIN, 0 };
	ssize_t		n;

	if (poll(&pfd, 1, ms) <= 0)
		return (-1);
	n = read(master, buf, sizeof buf);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return (-1);
	if (n <= 0)
		return (0);
	total_read += (unsigned long long)n;
	return (n);
}

static void
wait_for(const char *mark, int secs, const char *what)
{
	struct matcher	m;
	double		deadline = now() + secs;
	ssize_t		n;

	matcher_init(&m, mark);
	while (now() < deadline) {
		n = read_some(100);
		if (n == 0)
			die("EOF waiting for %s", what);
		if (n > 0 && matcher_feed(&m, buf, (size_t)n))
			return;
	}
	die("no %s after %d s", what, secs);
}

static void
go(const char *fifo)
{
	int	fd;

	if (fifo == NULL)
		return;
	if ((fd = open(fifo, O_WRONLY)) == -1)
		die("%s: %s", fifo, strerror(errno));
	if (write(fd, "go\n", 3) != 3)
		die("%s: %s", fifo, strerror(errno));
	close(fd);
}

static void
print_procs(const char *prefix, const struct proc_stat *a,
    const struct proc_stat *b)
{
	printf(" %s_cpu=%.3f %s_ccpu=%.3f %s_vcsw=%ld %s_ivcsw=%ld"
	    " %s_rss0=%ld %s_rss=%ld %s_hwm=%ld", prefix, b->cpu - a->cpu,
	    prefix, b->ccpu - a->ccpu, prefix, b->vcsw - a->vcsw, prefix,
	    b->ivcsw - a->ivcsw, prefix, a->rss_kb, prefix, b->rss_kb,
	    prefix, b->hwm_kb);
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return ((x > y) - (x < y));
}

/* One keystroke's round trip through the terminal on master, in us. */
static double
round_trip(char c, int i)
{
	double	t0 = now();
	ssize_t	n;
	int	seen;

	if (write(master, &c, 1) != 1)
		die("write: %s", strerror(errno));
	for (seen = 0; !seen;) {
		n = read_some(5000);
		if (n == 0)
			die("EOF during keystrokes");
		if (n < 0)
			die("keystroke %d did not come back", i);
		seen = (memchr(buf, c, (size_t)n) != NULL);
	}
	return ((now() - t0) * 1e6);
}

static void
print_latencies(const char *prefix, const double *lat, int count)
{
	double	*v, sum = 0;
	int	 i;

	if ((v = malloc((size_t)count * sizeof *v)) == NULL)
		die("out of memory");
	memcpy(v, lat, (size_t)count * sizeof *v);
	qsort(v, (size_t)count, sizeof *v, cmp_double);
	for (i = 0; i < count; i++)
		sum += v[i];
	printf(" %sp50_us=%.1f %sp99_us=%.1f %smean_us=%.1f %smax_us=%.1f",
	    prefix, v[count / 2], prefix, v[(count * 99) / 100], prefix,
	    sum / count, prefix, v[count - 1]);
	free(v);
}

/*
 * Keystrokes through each command in turn (the order turning round each
 * time), so that all see the same moments of the machine. Besides each
 * one's percentiles, the median of its per-keystroke differences from
 * the first command's.
 */
static void
keystrokes(int count)
{
	double	*lat[CMDS_MAX], *d, t;
	char	 c, prefix[16];
	int	 i, k, j, warm = 50;

	for (j = 0; j < ncmds; j++) {
		if ((lat[j] = calloc((size_t)count, sizeof *lat[j])) == NULL)
			die("out of memory");
	}
	for (i = -warm; i < count; i++) {
		c = (char)('a' + (i + warm) % 26);
		for (k = 0; k < ncmds; k++) {
			j = (k + i + warm) % ncmds;
			master = masters[j];
			t = round_trip(c, i);
			if (i >= 0)	/* not while warming up */
				lat[j][i] = t;
		}
	}
	printf(" keys=%d cmds=%d", count, ncmds);
	print_latencies("", lat[0], count);
	if ((d = calloc((size_t)count, sizeof *d)) == NULL)
		die("out of memory");
	for (j = 1; j < ncmds; j++) {
		snprintf(prefix, sizeof prefix, "c%d_", j);
		print_latencies(prefix, lat[j], count);
		for (i = 0; i < count; i++)
			d[i] = lat[j][i] - lat[0][i];
		qsort(d, (size_t)count, sizeof *d, cmp_double);
		printf(" c%d_dmed_us=%.1f", j, d[count / 2]);
	}
	free(d);
	for (j = 0; j < ncmds; j++)
		free(lat[j]);
}

static void
stall(pid_t who, int secs)
{
	struct proc_stat	ps;
	double			deadline;
	long			first, max = 0, last = 0;
	ssize_t			n;

	/* Let the flood get going, then stop reading. */
	deadline = now() + 10;
	while (total_read < STALL_FIRST && now() < deadline) {
		if (read_some(100) == 0)
			die("EOF before the stall");
	}
	proc_read(who, &ps);
	first = ps.rss_kb;
	deadline = now() + secs;
	while (now() < deadline) {
		poll(NULL, 0, STALL_SAMPLE_MS);
		proc_read(who, &ps);
		if (ps.rss_kb > max)
			max = ps.rss_kb;
		last = ps.rss_kb;
	}
	printf(" stall_s=%d stall_rss_start=%ld stall_rss_max=%ld"
	    " stall_rss_end=%ld", secs, first, max, last);
	/* Still alive and still relaying once reading resumes? */
	n = read_some(2000);
	printf(" stall_resumed=%d", n > 0);
}

static void
idle(int secs)
{
	double	deadline = now() + secs;

	while (now() < deadline) {
		if (read_some((int)((deadline - now()) * 1000) + 1) == 0)
			die("EOF while idle");
	}
}

static void
finish_one(void)
{
	double	deadline;
	int	status;

	kill(child, SIGTERM);
	deadline = now() + 5;
	while (waitpid(child, &status, WNOHANG) == 0) {
		if (now() > deadline) {
			kill(child, SIGKILL);
			waitpid(child, &status, 0);
			break;
		}
		/* Keep draining so the command can write its last words. */
		if (read_some(50) == 0)
			poll(NULL, 0, 20);
	}
	close(master);
}

static void
finish(void)
{
	int	j;

	for (j = 0; j < ncmds; j++) {
		master = masters[j];
		child = children[j];
		finish_one();
	}
}

static void
spawn(char **argv, struct winsize *ws)
{
	if (ncmds == CMDS_MAX)
		die("at most %d commands", CMDS_MAX);
	child = forkpty(&master, NULL, NULL, ws);
	if (child == -1)
		die("forkpty: %s", strerror(errno));
	if (child == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "relayterm: %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	masters[ncmds] = master;
	children[ncmds++] = child;
}

static void
usage(void)
{
	fprintf(stderr, "usage: relayterm -r READY [-g FIFO] "
	    "[-e MARK | -k N | -i SECS | -s SECS] -- command ...\n"
	    "       relayterm -r READY -k N -- command ... [::: command ...]"
	    "...\n");
	exit(1);
}

int
main(int argc, char **argv)
{
	struct winsize		 ws = { 24, 80, 0, 0 };
	struct proc_stat	 c0, c1, s0, s1;
	const char		*ready = NULL, *end = NULL, *fifo = NULL;
	int			 opt, keys = 0, idle_s = 0, stall_s = 0;
	struct matcher		 m;
	double			 t0, t1;
	unsigned long long	 bytes0;
	pid_t			 ssh;
	ssize_t			 n;
	int			 i, from, j;

	while ((opt = getopt(argc, argv, "r:g:e:k:i:s:")) != -1) {
		switch (opt) {
		case 'r': ready = optarg; break;
		case 'g': fifo = optarg; break;
		case 'e': end = optarg; break;
		case 'k': keys = atoi(optarg); break;
		case 'i': idle_s = atoi(optarg); break;
		case 's': stall_s = atoi(optarg); break;
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0 || ready == NULL)
		usage();
	if ((end != NULL) + (keys > 0) + (idle_s > 0) + (stall_s > 0) != 1)
		usage();

	signal(SIGPIPE, SIG_IGN);
	for (from = i = 0; i <= argc; i++) {
		if (i < argc && strcmp(argv[i], ":::") != 0)
			continue;
		if (i == from)
			usage();
		argv[i] = NULL;
		spawn(argv + from, &ws);
		from = i + 1;
	}
	if (ncmds > 1 && keys == 0)
		usage();
	for (j = ncmds - 1; j >= 0; j--) {
		master = masters[j];
		child = children[j];
		wait_for(ready, READY_TIMEOUT_S, "ready marker");
	}
	/* What a fresh connection does once (a redraw, a lookup) is not idling. */
	if (idle_s > 0)
		idle(IDLE_SETTLE_S);
	ssh = find_ssh_child(child);
	proc_read(child, &c0);
	proc_read(ssh, &s0);
	bytes0 = total_read;
	go(fifo);
	t0 = now();

	printf("ok=1");
	if (end != NULL) {
		matcher_init(&m, end);
		for (;;) {
			n = read_some(1000);
			if (n == 0)
				die("EOF before the end marker");
			if (n > 0 && matcher_feed(&m, buf, (size_t)n))
				break;
			if (now() - t0 > END_TIMEOUT_S)
				die("no end marker after %d s", END_TIMEOUT_S);
		}
		t1 = now();
		printf(" secs=%.4f bytes=%llu", t1 - t0, total_read - bytes0);
	} else if (keys > 0)
		keystrokes(keys);
	else if (idle_s > 0)
		idle(idle_s);
	else
		stall(child, stall_s);

	proc_read(child, &c1);
	proc_read(ssh, &s1);
	print_procs("cmd", &c0, &c1);
	if (ssh > 0)
		print_procs("ssh", &s0, &s1);
	printf("\n");
	fflush(stdout);
	finish();
	return (0);
}
