/*
 * plot.c - the external renderers behind the HTML reports (plot.h).
 * Graphviz and gnuplot do the drawing because they are mature, carried by
 * Debian, and write SVG that a browser shows inline with no script or
 * font download; we only write their input (DOT text, gnuplot scripts).
 *
 * A renderer is found on PATH by hand and started with posix_spawn, not
 * through a shell (no quoting to get wrong) and not with fork + execvp
 * (unsafe if a caller such as batch runs threads). Its stdin, stdout and
 * stderr are pipes served by one poll() loop, so a renderer that prints
 * while we still write cannot deadlock us. SIGPIPE is ignored while we
 * write, so a renderer that dies early becomes an error, not our death.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ersim/plot.h"
#include "ersim/units.h"

extern char **environ;

#define MAX_ERR 512			/* stderr bytes kept for the reason */

static bool is_executable(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK);
}

char *ers_plot_find(const char *prog)
{
	const char *path = getenv("PATH"), *p, *end;
	size_t n = strlen(prog);
	char *buf;

	if (strchr(prog, '/'))
		return is_executable(prog) ? strdup(prog) : NULL;
	if (!path || !*path)
		return NULL;
	for (p = path; ; p = end + 1) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		if (end > p) {
			buf = malloc((size_t)(end - p) + n + 2);
			if (!buf)
				return NULL;
			snprintf(buf, (size_t)(end - p) + n + 2, "%.*s/%s", (int)(end - p), p, prog);
			if (is_executable(buf))
				return buf;
			free(buf);
		}
		if (!*end)
			return NULL;
	}
}

/* A growing byte buffer, always NUL-terminated once data arrived. */
struct buf {
	char *p;
	size_t n, cap;
	bool oom;
};

static void buf_add(struct buf *b, const char *data, size_t n, size_t limit)
{
	char *p;

	if (b->oom)
		return;
	if (limit && b->n + n > limit)
		n = b->n < limit ? limit - b->n : 0;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;

		while (cap < b->n + n + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, data, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static char *dupf(const char *fmt, const char *a, const char *b)
{
	size_t n = strlen(fmt) + strlen(a) + strlen(b) + 1;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, fmt, a, b);
	return s;
}

/* Read what is there on fd into b; false at end of file or error. */
static bool drain(int fd, struct buf *b, size_t limit)
{
	char chunk[8192];
	ssize_t k = read(fd, chunk, sizeof chunk);

	if (k < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (k <= 0)
		return false;
	buf_add(b, chunk, (size_t)k, limit);
	return true;
}

/* Feed input to fds[0] and collect fds[1] (stdout) and fds[2] (stderr)
 * until both are closed. Returns false on a poll error. */
static bool pump(int fds[3], const char *input, size_t len, struct buf *out,
		 struct buf *err)
{
	size_t done = 0;

	if (!len) {
		close(fds[0]);
		fds[0] = -1;
	}
	while (fds[1] >= 0 || fds[2] >= 0) {
		struct pollfd pf[3];

		for (int i = 0; i < 3; i++) {
			pf[i].fd = fds[i];
			pf[i].events = i ? POLLIN : POLLOUT;
			pf[i].revents = 0;
		}
		if (poll(pf, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		if (fds[0] >= 0 && pf[0].revents) {
			ssize_t k = write(fds[0], input + done, len - done);

			if (k > 0)
				done += (size_t)k;
			if ((k < 0 && errno != EINTR && errno != EAGAIN) || done == len) {
				close(fds[0]);
				fds[0] = -1;
			}
		}
		for (int i = 1; i < 3; i++)
			if (fds[i] >= 0 && pf[i].revents &&
			    !drain(fds[i], i == 1 ? out : err, i == 1 ? 0 : MAX_ERR)) {
				close(fds[i]);
				fds[i] = -1;
			}
	}
	if (fds[0] >= 0)
		close(fds[0]);
	fds[0] = -1;
	return true;
}

/* Start exe with our ends of three pipes in fds (stdin write end,
 * stdout and stderr read ends). */
static int spawn(const char *exe, char *const argv[], int fds[3], pid_t *pid)
{
	int p[3][2] = { { -1, -1 }, { -1, -1 }, { -1, -1 } };
	posix_spawn_file_actions_t fa;
	int rc = 0;

	for (int i = 0; i < 3 && !rc; i++)
		if (pipe(p[i]))
			rc = errno;
		else
			for (int j = 0; j < 2; j++)	/* keep them from other children */
				fcntl(p[i][j], F_SETFD, FD_CLOEXEC);
	if (!rc && !(rc = posix_spawn_file_actions_init(&fa))) {
		for (int i = 0; i < 3; i++)
			posix_spawn_file_actions_adddup2(&fa, p[i][i ? 1 : 0], i);
		for (int i = 0; i < 3; i++) {
			posix_spawn_file_actions_addclose(&fa, p[i][0]);
			posix_spawn_file_actions_addclose(&fa, p[i][1]);
		}
		rc = posix_spawn(pid, exe, &fa, NULL, argv, environ);
		posix_spawn_file_actions_destroy(&fa);
	}
	for (int i = 0; i < 3; i++) {
		int ours = i ? p[i][0] : p[i][1], theirs = i ? p[i][1] : p[i][0];

		if (theirs >= 0)
			close(theirs);
		fds[i] = ours;
		if (rc && ours >= 0)
			close(ours);
		if (rc)
			fds[i] = -1;
	}
	if (!rc)
		fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
	return rc;
}

/* The reason a run failed: exit status and the first stderr line. */
static char *failure(const char *prog, int status, struct buf *err)
{
	char what[64];
	const char *line = err->p ? err->p : "";

	if (WIFEXITED(status))
		snprintf(what, sizeof what, "exited with status %d", WEXITSTATUS(status));
	else
		snprintf(what, sizeof what, "killed by signal %d",
			 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	if (err->p)
		err->p[strcspn(err->p, "\r\n")] = '\0';
	if (!*line)
		return dupf("%s %s", prog, what);
	return dupf("%s: %s", what, line);
}

enum ers_err ers_plot_run(const char *prog, char *const argv[], const char *input,
			  size_t len, char **out, size_t *out_len, char **why)
{
	struct buf o = { 0 }, e = { 0 };
	struct sigaction ign, old;
	char *exe = ers_plot_find(prog), *reason = NULL;
	int fds[3], status = 0, rc;
	pid_t pid;
	bool ok;

	*out = NULL;
	*out_len = 0;
	if (!exe) {
		if (why)
			*why = dupf("%s%s", prog, " not found");
		return ERS_EIO;
	}
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &old);
	rc = spawn(exe, argv, fds, &pid);
	free(exe);
	if (rc) {
		sigaction(SIGPIPE, &old, NULL);
		if (why)
			*why = dupf("%s cannot be started: %s", prog, strerror(rc));
		return rc == ENOMEM ? ERS_ENOMEM : ERS_EIO;
	}
	ok = pump(fds, input, len, &o, &e);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGPIPE, &old, NULL);
	if (o.oom || e.oom) {
		rc = ERS_ENOMEM;
	} else if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) || !o.p) {
		rc = ERS_EIO;
		reason = failure(prog, status, &e);
	} else {
		*out = o.p;
		*out_len = o.n;
		o.p = NULL;
		rc = ERS_OK;
	}
	if (why)
		*why = reason;
	else
		free(reason);
	free(o.p);
	free(e.p);
	return rc;
}

/* ---- inline SVG ---- */

/* Is s at an id reference we rewrite? Sets *skip to the length of the
 * text before the id itself. */
static bool at_id_ref(const char *s, size_t *skip)
{
	static const char *const refs[] = {
		" id=\"", " id='", "url(#", "href=\"#", "href='#",
	};

	for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++)
		if (!strncmp(s, refs[i], strlen(refs[i]))) {
			*skip = strlen(refs[i]);
			return true;
		}
	return false;
}

char *ers_plot_svg_inline(const char *svg, const char *prefix)
{
	const char *s = strstr(svg, "<svg");
	struct buf b = { 0 };
	size_t skip, np = strlen(prefix);

	if (!s)
		return NULL;
	while (*s && !b.oom) {
		if (at_id_ref(s, &skip)) {
			buf_add(&b, s, skip, 0);
			buf_add(&b, prefix, np, 0);
			s += skip;
		} else {
			size_t k = strcspn(s + 1, " uh") + 1;

			buf_add(&b, s, k, 0);
			s += k;
		}
	}
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* ---- gnuplot scripts ---- */

static const char *const palette[] = {
	"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2",
	"#17becf", "#7f7f7f",
};
#define N_PALETTE (sizeof palette / sizeof palette[0])

static const struct {
	const char *name, *color;
	int dash;			/* gnuplot dashtype */
} marks[ERS_PLOT_N_MARKS] = {
	[ERS_PLOT_MARK_FAIL] = { "failure", "#d62728", 1 },
	[ERS_PLOT_MARK_RESTORE] = { "restore", "#3030a0", 1 },
	/* brown and dash-dotted: not a blue or purple like restore's */
	[ERS_PLOT_MARK_MAINTENANCE] = { "maintenance", "#8c564b", 4 },
	[ERS_PLOT_MARK_DETECTED] = { "detected", "#ff7f0e", 2 },
	[ERS_PLOT_MARK_CONVERGED] = { "converged", "#2ca02c", 3 },
};

/* A gnuplot single-quoted string: quotes doubled, line breaks dropped. */
static void put_str(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; s && *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		if (*s != '\n' && *s != '\r')
			fputc(*s, f);
	}
	fputc('\'', f);
}

/* Close a memstream and hand back its buffer, or NULL on failure. */
static char *memstream_done(FILE *f, char **buf)
{
	bool bad = ferror(f);

	/* *buf is only final after fclose. */
	if (fclose(f) || bad) {
		free(*buf);
		return NULL;
	}
	return *buf;
}

static void put_terminal(FILE *f, int width, int height)
{
	/* 13-pixel text: readable at 100% zoom where the picture is shown at
	 * its own width (the page's script checks no text is below 12 px) */
	fprintf(f, "set terminal svg size %d,%d noenhanced font 'sans,13' "
		"background rgb 'white'\nset encoding utf8\n", width, height);
}

static void put_data(FILE *f, size_t c, const struct ers_plot_chart *ch)
{
	for (size_t i = 0; i < ch->n_series; i++) {
		const struct ers_plot_series *s = &ch->series[i];

		fprintf(f, "$d%zu_%zu << EOD\n", c, i);
		for (size_t k = 0; k < s->n; k++)
			fprintf(f, "%.9g %.9g\n", s->x[k], s->y[k]);
		fprintf(f, "EOD\n");
	}
}

static void put_range(FILE *f, const char *axis, double lo, double hi)
{
	if (lo < hi)
		fprintf(f, "set %srange [%.9g:%.9g]\n", axis, lo, hi);
	else
		fprintf(f, "set autoscale %s\n", axis);
}

/* A round tic step giving at most about `most` tics over range. */
static double nice_step(double range, int most)
{
	double raw = range / most, p = pow(10, floor(log10(raw)));

	if (raw <= p)
		return p;
	if (raw <= 2 * p)
		return 2 * p;
	if (raw <= 5 * p)
		return 5 * p;
	return 10 * p;
}

/* Settings of one panel (width: its share of the picture's width);
 * everything a previous panel set is reset. */
static void put_panel_setup(FILE *f, const struct ers_plot_chart *ch, double width)
{
	fprintf(f, "unset arrow\nunset object\nunset logscale\nset grid lc rgb '#dddddd'\n");
	fprintf(f, "set key %s\n", ch->key ? "outside top center horizontal" : "off");
	fprintf(f, "set title ");
	put_str(f, ch->title);
	fprintf(f, "\nset xlabel ");
	put_str(f, ch->xlabel);
	fprintf(f, "\nset ylabel ");
	put_str(f, ch->ylabel);
	fprintf(f, "\n");
	if (ch->logx)
		fprintf(f, "set logscale x\n");
	put_range(f, "x", ch->xmin, ch->xmax);
	put_range(f, "y", ch->ymin, ch->ymax);
	/* Narrow panels get fewer x tics, so that their labels do not run
	 * into each other. */
	if (ch->xmin < ch->xmax && !ch->logx)
		fprintf(f, "set xtics %.9g\n", nice_step(ch->xmax - ch->xmin,
							  width < 0.5 ? 4 : 12));
	else
		fprintf(f, "set xtics autofreq\n");
	/* Arrows and rectangles are not clipped to the frame: on a zoomed
	 * panel, leave out the markers outside its x range and cut the
	 * bands to it, or they are drawn beside the panel. */
	for (size_t i = 0, k = 0; i < ch->n_bands; i++) {
		double from = ch->bands[i].from, to = ch->bands[i].to;

		if (ch->xmin < ch->xmax) {
			if (to <= ch->xmin || from >= ch->xmax)
				continue;
			from = from > ch->xmin ? from : ch->xmin;
			to = to < ch->xmax ? to : ch->xmax;
		}
		fprintf(f, "set object %zu rect from %.9g, graph 0 to %.9g, graph 1 behind "
			"fc rgb '#fcd5d2' fs solid 1.0 noborder\n", ++k, from, to);
	}
	for (size_t i = 0; i < ch->n_markers; i++) {
		const struct ers_plot_marker *m = &ch->markers[i];

		if (ch->xmin < ch->xmax && (m->x < ch->xmin || m->x > ch->xmax))
			continue;

		fprintf(f, "set arrow from %.9g, graph 0 to %.9g, graph 1 nohead front "
			"lc rgb '%s' lw 1.5 dt %d\n", m->x, m->x,
			marks[m->kind].color, marks[m->kind].dash);
	}
}

static void put_plot(FILE *f, size_t c, const struct ers_plot_chart *ch)
{
	bool used[ERS_PLOT_N_MARKS] = { false };
	const char *sep = "plot ";

	for (size_t i = 0; i < ch->n_series; i++) {
		const struct ers_plot_series *s = &ch->series[i];
		const char *color = palette[i % N_PALETTE];

		if (s->fill) {
			fprintf(f, "%s$d%zu_%zu using 1:2 with %s fs solid 0.2 noborder "
				"lc rgb '%s' notitle", sep, c, i,
				s->steps ? "fillsteps" : "filledcurves y1=0", color);
			sep = ", ";
		}
		fprintf(f, "%s$d%zu_%zu using 1:2 with %s lw 2 lc rgb '%s' ", sep, c, i,
			s->steps ? "steps" : "lines", color);
		if (s->title) {
			fprintf(f, "title ");
			put_str(f, s->title);
		} else {
			fprintf(f, "notitle");
		}
		sep = ", ";
	}
	for (size_t i = 0; i < ch->n_markers; i++)
		used[ch->markers[i].kind] = true;
	for (int k = 0; ch->key && k < ERS_PLOT_N_MARKS; k++)
		if (used[k]) {
			fprintf(f, "%sNaN with lines lw 1.5 lc rgb '%s' dt %d title '%s'", sep,
				marks[k].color, marks[k].dash, marks[k].name);
			sep = ", ";
		}
	if (!strcmp(sep, "plot "))
		fprintf(f, "plot NaN notitle");
	fprintf(f, "\n");
}

/* Origin and size of panel c in the layout, as fractions of the picture. */
static void panel_box(size_t c, size_t n, enum ers_plot_layout layout, double box[4])
{
	double top = n > 1 ? 0.58 : 1.0;

	if (layout == ERS_PLOT_STACK) {
		box[2] = 1.0;
		box[3] = 1.0 / (double)n;
		box[0] = 0.0;
		box[1] = 1.0 - (double)(c + 1) * box[3];
	} else if (c == 0) {
		box[0] = 0.0;
		box[1] = 1.0 - top;
		box[2] = 1.0;
		box[3] = top;
	} else {
		box[2] = 1.0 / (double)(n - 1);
		box[3] = 1.0 - top;
		box[0] = (double)(c - 1) * box[2];
		box[1] = 0.0;
	}
}

char *ers_plot_script(const struct ers_plot_chart *charts, size_t n,
		      enum ers_plot_layout layout, int width, int height)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	put_terminal(f, width, height);
	for (size_t c = 0; c < n; c++)
		put_data(f, c, &charts[c]);
	fprintf(f, "set multiplot\n");
	for (size_t c = 0; c < n; c++) {
		double box[4];

		panel_box(c, n, layout, box);
		fprintf(f, "set origin %.4f,%.4f\nset size %.4f,%.4f\n",
			box[0], box[1], box[2], box[3]);
		put_panel_setup(f, &charts[c], box[2]);
		put_plot(f, c, &charts[c]);
	}
	fprintf(f, "unset multiplot\n");
	return memstream_done(f, &buf);
}

/* x axis of the bars: logarithmic when the values span more than two
 * decades, but never below a ten-thousandth of the largest (a detection
 * 1 ns after the event must not stretch the axis to nanoseconds). */
static void bars_axis(const double *const values[2], size_t n, bool *logx,
		      double *lo, double *hi)
{
	double mn = 0, mx = 0;

	for (int s = 0; s < 2; s++)
		for (size_t i = 0; values[s] && i < n; i++)
			mx = values[s][i] > mx ? values[s][i] : mx;
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; values[s] && i < n; i++) {
			double v = values[s][i];

			if (v >= mx * 1e-4 && v > 0 && (mn == 0 || v < mn))
				mn = v;
		}
	*logx = mx > 0 && mx / mn > 100;
	*lo = *logx ? pow(10, floor(log10(mn / 2))) : 0;
	*hi = mx > 0 ? (*logx ? mx * 8 : mx * 1.35) : 1;
}

char *ers_plot_bars_script(const char *title, const char *xlabel,
			   const char *const *labels, size_t n,
			   const double *const values[2], const char *const names[2],
			   int width, int height)
{
	char *buf = NULL, text[32];
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	double lo, hi, stub;
	bool logx;

	if (!f)
		return NULL;
	bars_axis(values, n, &logx, &lo, &hi);
	/* A bar of zero length (detected at the instant of the event), or one
	 * below the axis' start, would be invisible: draw it at least about
	 * half a percent of the axis long, its label giving the true value. */
	stub = logx ? lo * pow(hi / lo, 0.006) : lo + (hi - lo) * 0.006;
	put_terminal(f, width, height);
	for (int s = 0; s < 2; s++) {
		fprintf(f, "$b%d << EOD\n", s);
		for (size_t i = 0; values[s] && i < n; i++)
			if (values[s][i] >= 0) {
				double y = (double)i + (s ? 0.2 : -0.2);

				double end = values[s][i] > stub ? values[s][i] : stub;

				ers_duration_str(values[s][i], text, sizeof text);
				fprintf(f, "%.9g %.9g %.9g %.9g %.9g %.9g \"%s\"\n",
					(lo + end) / 2, y, lo, end, y - 0.18, y + 0.18, text);
			}
		fprintf(f, "EOD\n");
	}
	fprintf(f, "set title ");
	put_str(f, title);
	fprintf(f, "\nset xlabel ");
	put_str(f, xlabel);
	fprintf(f, "\nset key outside top center horizontal\nset grid x lc rgb '#dddddd'\n");
	if (logx)
		fprintf(f, "set logscale x\n");
	fprintf(f, "set xrange [%.9g:%.9g]\nset yrange [%.9g:-0.6]\nset ytics (",
		lo, hi, (double)n - 0.4);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s", i ? ", " : "");
		put_str(f, labels[i]);
		fprintf(f, " %zu", i);
	}
	fprintf(f, ")\nset style fill solid 0.85 noborder\nplot ");
	for (int s = 0; s < 2; s++) {
		fprintf(f, "%s$b%d using 1:2:3:4:5:6 with boxxyerror lc rgb '%s' title ",
			s ? ", " : "", s, s ? "#2ca02c" : "#ff7f0e");
		put_str(f, names[s]);
		fprintf(f, ", $b%d using 4:2:7 with labels left offset 0.5,0 notitle", s);
	}
	fprintf(f, "\n");
	return memstream_done(f, &buf);
}

static enum ers_err render(const char *prog, char *const argv[], const char *input,
			   const char *id_prefix, char **svg, char **why)
{
	char *raw = NULL;
	size_t len;
	enum ers_err rc = ers_plot_run(prog, argv, input, strlen(input), &raw, &len, why);

	*svg = NULL;
	if (rc != ERS_OK)
		return rc;
	*svg = ers_plot_svg_inline(raw, id_prefix);
	if (!*svg && strstr(raw, "<svg")) {
		rc = ERS_ENOMEM;
	} else if (!*svg) {
		rc = ERS_EIO;
		if (why)
			*why = dupf("%s%s", prog, " printed no SVG");
	}
	free(raw);
	return rc;
}

enum ers_err ers_plot_gnuplot(const char *script, const char *id_prefix,
			      char **svg, char **why)
{
	static char *const argv[] = { "gnuplot", NULL };

	return render("gnuplot", argv, script, id_prefix, svg, why);
}

enum ers_err ers_plot_dot(const char *dot, const char *id_prefix, char **svg, char **why)
{
	static char *const argv[] = { "dot", "-Tsvg", NULL };

	return render("dot", argv, dot, id_prefix, svg, why);
}
