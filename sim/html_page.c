/*
 * html_page.c - the frame every HTML page shares (html_page.h): the fixed
 * style sheet, the head and the footer, and the small inline script that
 * runs once the browser laid the page out and checks every picture
 * (non-empty, inside the page, nothing cut off) and the path, ranking and
 * pair tables, writing its verdict into <html data-pictures="..."> for
 * tests/browser/run.sh. Pictures are placed here too: plot.c renders DOT
 * or a gnuplot script to SVG; when a renderer is missing or fails, the
 * page gets a visible note and stderr a warning (with once per page the
 * Debian package to install). Last, the text and table helpers every
 * page writes with (escaping, times and rates in the text report's
 * formats).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ersim/report.h"
#include "html_page.h"

void ers_html_esc(FILE *f, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
}

/* An element with escaped text: <tag attrs>text</tag>. */
void ers_html_elem(FILE *f, const char *open, const char *text, const char *close)
{
	fputs(open, f);
	ers_html_esc(f, text);
	fputs(close, f);
}

const char *ers_html_time(ers_time_t t, char *buf)
{
	return ers_report_time(t, buf, 32);
}

double ers_html_secs(ers_time_t t)
{
	return t == ERS_TIME_NEVER ? NAN : ers_time_to_s(t);
}

/* A rate unit that suits r: the divisor and its name. */
double ers_html_rate_unit(double bps, const char **name)
{
	if (bps >= 1e9) {
		*name = "Gbps";
		return 1e9;
	}
	if (bps >= 1e6) {
		*name = "Mbps";
		return 1e6;
	}
	*name = "kbps";
	return 1e3;
}

void ers_html_put_rate(FILE *f, ers_rate_t bps)
{
	const char *u;
	double d = ers_html_rate_unit((double)bps, &u);

	fprintf(f, "%g %s", (double)bps / d, u);
}

/* ---- page frame ---- */

static const char style[] =
	"body{font-family:sans-serif;margin:0 auto;max-width:1160px;padding:0 20px 40px;"
	"color:#222;background:#fff}\n"
	"h1{font-size:1.6em;margin:24px 0 4px}h2{font-size:1.25em;margin:32px 0 8px;"
	"border-bottom:2px solid #1f77b4;padding-bottom:4px}h3{font-size:1.05em;margin:18px 0 6px}\n"
	".sub{color:#555;margin:0 0 12px}\n"
	".cards{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}\n"
	".card{border:1px solid #ccd;border-radius:6px;padding:8px 12px;min-width:130px;background:#f7f9fc}\n"
	".card b{display:block;font-size:1.3em}.card span{color:#555;font-size:.85em}\n"
	".card.bad{background:#fdecea;border-color:#e4a5a0}.card.good{background:#eaf6ea;border-color:#9fd19f}\n"
	"table{border-collapse:collapse;margin:6px 0 12px;font-size:.9em}\n"
	"th,td{border:1px solid #ccd;padding:3px 8px;text-align:left;vertical-align:top}\n"
	"th{background:#eef2f8}td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"td.yes{background:#eaf6ea}td.no{background:#f8c9c4;font-weight:bold}td.na{color:#999}\n"
	"td.best{font-weight:bold;background:#eaf6ea}td.path{font-family:monospace;font-size:.95em}\n"
	"span.hop{font-family:sans-serif;font-size:.85em;color:#555}span.hop.vpn{color:#b00;font-weight:bold}\n"
	"span.hop.global-reach{color:#7b3fa0;font-weight:bold}\n"
	"span.sw{display:inline-block;width:12px;height:12px;vertical-align:middle;border:1px solid #666}\n"
	"figure.pic{margin:8px 0 16px}figure.pic svg{display:block;max-width:100%;height:auto}\n"

	"figcaption{color:#555;font-size:.85em;margin-top:4px}\n"
	"p.note{border-left:4px solid #e0a000;background:#fff6dd;padding:8px 12px;margin:8px 0}\n"
	"td.p-none{background:#eaf6ea}td.p-short{background:#fff3b0}td.p-long{background:#ffc680}\n"
	"td.p-severe{background:#f08070}td.p-cut{background:#a01010;color:#fff;font-weight:bold}\n"
	"table.pairs td{font-size:.85em;white-space:nowrap}div.scroll{overflow-x:auto}\n"
	"td.better,span.better{background:#eaf6ea;color:#1a6b1a;font-weight:bold}\n"
	"td.worse,span.worse{background:#fdecea;color:#a01010;font-weight:bold}\n"
	"tr.differs>td:first-child{color:#a01010;font-weight:bold}\n"
	"td.window{font-family:monospace;font-size:.9em;white-space:pre-wrap;word-break:break-word}\n"
	"tr.why ul{margin:0;padding-left:18px}li.diverge{margin:2px 0}span.why{font-weight:bold}\n"
	"footer{margin-top:30px;color:#777;font-size:.8em}\n";

/* Runs in the browser when the page is laid out: every figure.pic must
 * hold an svg with drawing elements, of a real size, inside the page (or
 * in a box that scrolls), whose content stays inside its own viewBox (not
 * cut off) and whose text is at least 12 px on screen; the path,
 * ranking and pair tables must not be empty nor run past the page's
 * edge (a wide pair matrix sits in a scrolling box instead). The verdict
 * goes into <html data-pictures="..."> for tests/browser/run.sh, out of
 * the reader's sight. */
static const char check_script[] =
	"<script>\n(function(){\n"
	"var bad=[],ok=0,W=document.documentElement.clientWidth;\n"
	"document.querySelectorAll('.pic-missing').forEach(function(e){"
	"bad.push(e.getAttribute('data-name')+': not drawn');});\n"
	"document.querySelectorAll('figure.pic').forEach(function(f){\n"
	" var name=f.getAttribute('data-name'),svg=f.querySelector('svg');\n"
	" if(!svg){bad.push(name+': missing');return;}\n"
	" var r=svg.getBoundingClientRect();\n"
	" if(r.width<40||r.height<40){bad.push(name+': empty '+r.width+'x'+r.height);return;}\n"
	" if(!f.closest('.scroll')&&(r.left<-1||r.right>W+1)){bad.push(name+': wider than the page');return;}\n"
	" if(svg.querySelectorAll('path,polygon,polyline,line,rect,circle,ellipse,text').length<3)"
	"{bad.push(name+': nothing drawn');return;}\n"
	" var vb=svg.viewBox.baseVal,b=svg.getBBox();\n"
	" if(vb&&vb.width>0&&(b.x<vb.x-2||b.y<vb.y-2||b.x+b.width>vb.x+vb.width+2||"
	"b.y+b.height>vb.y+vb.height+2)){bad.push(name+': cut off');return;}\n"
	/* text as large on screen as it is shown: its size times the scale */
	" var sc=vb&&vb.width>0?r.width/vb.width:1,small=99;\n"
	" svg.querySelectorAll('text').forEach(function(t){"
	"var px=parseFloat(getComputedStyle(t).fontSize)*sc;if(px<small)small=px;});\n"
	" if(small<12){bad.push(name+': text of '+small.toFixed(1)+' px');return;}\n"
	" ok++;});\n"
	"document.querySelectorAll('table.paths,table.ranked,table.pairs,table.cmp,"
	"table.cmp-paths,table.verdicts').forEach(function(t){\n"
	" var r=t.getBoundingClientRect();\n"
	" if(r.width<10||r.height<10){bad.push('table '+t.className+': empty');return;}\n"
	" if(!t.closest('.scroll')&&(r.left<-1||r.right>W+1))"
	"bad.push('table '+t.className+': wider than the page');});\n"
	/* Global Reach (a node and its lines, html_dot.c) stays east of the
	 * peering locations' west edge: drawn as a curve between MSEEs it
	 * swung west over the circuit links and their labels */
	"document.querySelectorAll('figure.pic svg').forEach(function(svg){\n"
	" var west=Infinity,name=svg.closest('figure').getAttribute('data-name');\n"
	" svg.querySelectorAll('g.cluster').forEach(function(g){var t=g.querySelector('title');"
	"if(t&&t.textContent.indexOf('cluster_loc_')==0)west=Math.min(west,g.getBBox().x);});\n"
	" svg.querySelectorAll('g.node,g.edge').forEach(function(g){var t=g.querySelector('title');"
	"if(!t||!(/(^|>)gr[0-9]+$/.test(t.textContent)||/Global Reach/.test(g.textContent)))return;\n"
	"  if(g.getBBox().x<west-1)bad.push(name+': Global Reach drawn over the circuit links');"
	"});});\n"
	"var msg=bad.length?'pictures FAILED: '+bad.join('; '):'pictures ok: '+ok;\n"
	"document.documentElement.setAttribute('data-pictures',msg);\n"	/* for the test, not shown */
	"})();\n</script>\n";

void ers_html_page_begin(struct ers_html_page *p, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
	      p->out);
	ers_html_elem(p->out, "<title>", title, "</title>\n");
	fprintf(p->out, "<style>\n%s</style>\n</head>\n<body>\n", style);
}

void ers_html_page_end(struct ers_html_page *p)
{
	fputs("<footer>Written by ersim. Pictures drawn by Graphviz and gnuplot and "
	      "embedded as SVG: this page loads nothing from anywhere.</footer>\n", p->out);
	if (!(p->flags & ERS_HTML_NO_SCRIPT))
		fputs(check_script, p->out);
	fputs("</body>\n</html>\n", p->out);
}

enum ers_err ers_html_page_result(struct ers_html_page *p)
{
	if (p->err != ERS_OK)
		return p->err;
	return ferror(p->out) ? ERS_EIO : ERS_OK;
}

/* ---- pictures ---- */

static const char *renderer_missing(enum ers_html_renderer r)
{
	return r == ERS_HTML_DOT ? "Graphviz 'dot' not found" : "gnuplot not found";
}

/* Is the renderer usable for this page? */
bool ers_html_renderer_ok(const struct ers_html_page *p, enum ers_html_renderer r)
{
	char *exe;

	if (p->flags & (r == ERS_HTML_DOT ? ERS_HTML_NO_DOT : ERS_HTML_NO_GNUPLOT))
		return false;
	exe = ers_plot_find(r == ERS_HTML_DOT ? "dot" : "gnuplot");
	free(exe);
	return exe != NULL;
}

/* A picture the user expected is not in the page: say so on stderr too,
 * where it cannot go unnoticed (the page's note alone did), with once per
 * page the Debian package that provides the renderer. Not when the caller
 * asked for the renderer to be left out (ERS_HTML_NO_DOT, ...). */
static void warn_missing(struct ers_html_page *p, const char *name, const char *why,
			 enum ers_html_renderer r)
{
	fprintf(stderr, "ersim: warning: %s not drawn: %s\n", name, why);
	if (p->hinted & (1u << r))
		return;
	p->hinted |= 1u << r;
	fprintf(stderr, "ersim: note: install the Debian package %s "
		"(tools/deps.sh does) to draw the %s\n",
		r == ERS_HTML_DOT ? "graphviz" : "gnuplot-nox",
		r == ERS_HTML_DOT ? "topology" : "charts");
}

/* Not drawn because the renderer is absent: page note, and a warning
 * unless the caller turned the renderer off. */
void ers_html_renderer_absent(struct ers_html_page *p, const char *name, enum ers_html_renderer r)
{
	ers_html_note_missing(p, name, renderer_missing(r));
	if (!(p->flags & (r == ERS_HTML_DOT ? ERS_HTML_NO_DOT : ERS_HTML_NO_GNUPLOT)))
		warn_missing(p, name, renderer_missing(r), r);
}

void ers_html_note_missing(struct ers_html_page *p, const char *name, const char *why)
{
	fputs("<p class=\"note pic-missing\" data-name=\"", p->out);
	ers_html_esc(p->out, name);
	fputs("\">", p->out);
	ers_html_esc(p->out, name);
	fputs(" not drawn: ", p->out);
	ers_html_esc(p->out, why);
	fputs("</p>\n", p->out);
}

/* Place a rendered picture, or the note saying why there is none. Takes
 * ownership of svg and why. */
static void put_picture(struct ers_html_page *p, const char *name, enum ers_err rc, char *svg,
			char *why, const char *caption, enum ers_html_renderer r)
{
	if (rc == ERS_ENOMEM && p->err == ERS_OK)
		p->err = ERS_ENOMEM;
	if (rc != ERS_OK || !svg) {
		ers_html_note_missing(p, name, why ? why : "out of memory");
		warn_missing(p, name, why ? why : "out of memory", r);
	} else {
		/* A topology shrinks to the page only as far as keeps its
		 * smallest text readable; wider, it sits in a box that scrolls. */
		bool wide = r == ERS_HTML_DOT;
		double pt;

		fputs(wide ? "<div class=\"scroll\"><figure class=\"pic wide\" data-name=\"" :
		      "<figure class=\"pic\" data-name=\"", p->out);
		ers_html_esc(p->out, name);
		fputs("\">\n", p->out);
		if (wide && !strncmp(svg, "<svg width=\"", 12) && sscanf(svg + 12, "%lfpt", &pt) == 1)
			fprintf(p->out, "<svg style=\"min-width:%.0fpx\"%s\n", pt * ERS_HTML_MIN_TEXT_PX /
				ERS_HTML_DOT_MIN_FONT_PT, svg + 4);
		else
			fprintf(p->out, "%s\n", svg);
		if (caption)
			ers_html_elem(p->out, "<figcaption>", caption, "</figcaption>\n");
		fputs(wide ? "</figure></div>\n" : "</figure>\n", p->out);
	}
	free(svg);
	free(why);
}

static void next_prefix(struct ers_html_page *p, char *buf, size_t n)
{
	snprintf(buf, n, "p%u-", ++p->n_pics);
}

/* Draw input (DOT text or a gnuplot script, NULL when building it ran
 * out of memory) and place it. */
void ers_html_picture(struct ers_html_page *p, const char *name, enum ers_html_renderer r, const char *input,
		    const char *caption)
{
	char prefix[32], *svg = NULL, *why = NULL;
	enum ers_err rc;

	if (!ers_html_renderer_ok(p, r)) {
		ers_html_renderer_absent(p, name, r);
		return;
	}
	if (!input) {
		put_picture(p, name, ERS_ENOMEM, NULL, NULL, NULL, r);
		return;
	}
	next_prefix(p, prefix, sizeof prefix);
	rc = r == ERS_HTML_DOT ? ers_plot_dot(input, prefix, &svg, &why) :
		ers_plot_gnuplot(input, prefix, &svg, &why);
	put_picture(p, name, rc, svg, why, caption, r);
}

void ers_html_points_add(struct ers_html_points *s, double x, double y)
{
	if (s->oom)
		return;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		double *nx = realloc(s->x, cap * sizeof *nx), *ny;

		if (!nx) {
			s->oom = true;
			return;
		}
		s->x = nx;
		ny = realloc(s->y, cap * sizeof *ny);
		if (!ny) {
			s->oom = true;
			return;
		}
		s->y = ny;
		s->cap = cap;
	}
	s->x[s->n] = x;
	s->y[s->n++] = y;
}

void ers_html_points_release(struct ers_html_points *s)
{
	free(s->x);
	free(s->y);
}

/* ---- table cells ---- */

void ers_html_th_row(FILE *f, const char *const *cols, size_t n)
{
	fputs("<tr>", f);
	for (size_t i = 0; i < n; i++)
		ers_html_elem(f, "<th>", cols[i], "</th>");
	fputs("</tr>\n", f);
}

void ers_html_td(FILE *f, const char *cls, const char *text)
{
	if (cls)
		fprintf(f, "<td class=\"%s\">", cls);
	else
		fputs("<td>", f);
	ers_html_esc(f, text);
	fputs("</td>", f);
}
