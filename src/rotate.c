/*
 * Rotation and autostop policy (see rotate.h): tcpdump's -C, -G and -W,
 * dumpcap's -a, and tcpdump's file names. Values in, values out; the
 * session opens, writes and closes.
 *
 * What was checked against tcpdump 4.99.3 and its tcpdump.c (the
 * callback dump_packet_and_trunc() and MakeFilename()), and dumpcap 4.0
 * (capture_loop_wrote_one_packet(), do_file_switch_or_stop()):
 *
 * -C: tcpdump checks before writing a packet whether the file is already
 *   larger than C * 1,000,000 bytes ("size > Cflag"), so its files end up
 *   to one packet over the limit: -C 1 with 1000-byte records gives files
 *   of 1,000,024 bytes. nscap instead rotates before a record that would
 *   take the file past the limit, counting what closing will add (pcapng
 *   statistics), so a file is never larger than -C; only a record that
 *   does not fit even in an empty file goes over, alone in its file (a file
 *   always takes its first record: no endless rotation).
 * -G: rotate when now - period start >= G seconds; the new period starts
 *   now (not at the old start + G), as tcpdump. The period's start is the
 *   time in the file names, for every -C file of the period too.
 * -W with -C: the number wraps to 0 after W - 1; with both -C and -G the
 *   ring restarts in each -G period (tcpdump's code; its man page says -W
 *   is then "ignored"). With -G alone: stop instead of the W+1th file,
 *   as tcpdump ("Maximum file limit reached"); the packet that would have
 *   opened it is not written. tcpdump counts rotations (Gflag_count), so
 *   a name that repeats (no strftime field) counts each time; nscap goes
 *   on writing such a file instead of truncating it, and counts it too.
 * Names: MakeFilename(): strftime only with -G; the number appended with
 *   -C, padded to the digits of W - 1 (getWflagChars), none on number 0
 *   without -W: FILE, FILE1, FILE2 / -W 10: FILE0..FILE9 / -W 11: FILE00.
 * -a filesize: dumpcap checks after writing a packet whether
 *   bytes_written / 1000 >= KB (headers included), so the packet that
 *   reaches the size is written and the capture stops: -a filesize:100
 *   with 1000-byte records stops at 100 packets, 100,024 bytes. Same here
 *   (checked before the next record, or with no record after a batch).
 * -a packets: stop once N are written (dumpcap: as -c). -a files: stop
 *   instead of opening file N+1 (dumpcap's ++autostop_files >= N at a
 *   switch). -a duration: stop at start + S, S may have decimals.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nscap/err.h"
#include "nscap/rotate.h"

#define NS_PER_S 1000000000ull

static const char autostop_usage[] =
	"expected duration:SECONDS, filesize:KB, files:N or packets:N";

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t mul_sat(uint64_t a, uint64_t b)
{
	return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

static uint64_t since(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

/*
 * Decimal digits at s into *v. Returns the number of digits (0: none),
 * or -1 on overflow; *end is where they stop.
 */
static int digits(const char *s, const char **end, uint64_t *v)
{
	uint64_t n = 0;
	int k = 0;

	while (s[k] >= '0' && s[k] <= '9') {
		unsigned int d = (unsigned int)(s[k] - '0');

		if (n > (UINT64_MAX - d) / 10)
			return -1;
		n = n * 10 + d;
		k++;
	}
	*end = s + k;
	*v = n;
	return k;
}

/* A whole number > 0 and <= max, nothing else. 0, or -1 / -ERANGE. */
static int whole(const char *s, uint64_t max, uint64_t *v)
{
	const char *end;
	int k = digits(s, &end, v);

	if (k < 0 || (k > 0 && *end == '\0' && *v > max))
		return -ERANGE;
	if (k == 0 || *end != '\0' || *v == 0)
		return -1;
	return 0;
}

/* SECONDS[.FRACTION] > 0 in ns; digits past nanoseconds are dropped. */
static int seconds_ns(const char *s, uint64_t *ns)
{
	const char *end, *frac;
	uint64_t sec, f = 0, scale = NS_PER_S;
	int k = digits(s, &end, &sec), kf = 0;

	if (k < 0)
		return -ERANGE;
	if (*end == '.') {
		frac = end + 1;
		while (frac[kf] >= '0' && frac[kf] <= '9') {
			if (scale > 1) {
				scale /= 10;
				f += (uint64_t)(frac[kf] - '0') * scale;
			}
			kf++;
		}
		end = frac + kf;
	}
	if (k + kf == 0 || *end != '\0')
		return -1;
	if (sec > (UINT64_MAX - f) / NS_PER_S)
		return -ERANGE;
	*ns = sec * NS_PER_S + f;
	return *ns ? 0 : -1;
}

int nscap_rotate_parse_autostop(struct nscap_rotate_policy *p, const char *arg,
				char *err)
{
	static const char *const keys[] = {"duration", "filesize", "files",
					   "packets"};
	const char *colon = strchr(arg, ':'), *val;
	uint64_t v = 0;
	size_t k, n;
	int ret;

	if (!colon)
		return nscap_seterr(err, 0,
				    "invalid autostop condition '%s': %s", arg,
				    autostop_usage);
	n = (size_t)(colon - arg);
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (strlen(keys[k]) == n && strncmp(arg, keys[k], n) == 0)
			break;
	if (k == sizeof(keys) / sizeof(keys[0]))
		return nscap_seterr(err, 0,
				    "invalid autostop condition '%s': %s", arg,
				    autostop_usage);
	val = colon + 1;
	if (!*val)
		return nscap_seterr(err, 0,
				    "invalid autostop condition '%s': no value",
				    arg);
	switch (k) {
	case 0:
		ret = seconds_ns(val, &v);
		break;
	case 1:
		ret = whole(val, UINT64_MAX / NSCAP_ROTATE_KB, &v);
		break;
	case 2:
		ret = whole(val, UINT32_MAX, &v);
		break;
	default:
		ret = whole(val, UINT64_MAX, &v);
		break;
	}
	if (ret == -ERANGE)
		return nscap_seterr(err, 0,
				    "invalid autostop condition '%s': value "
				    "too large",
				    arg);
	if (ret)
		return nscap_seterr(err, 0,
				    "invalid autostop condition '%s': '%s' is "
				    "not a %snumber greater than 0",
				    arg, val, k == 0 ? "" : "whole ");
	switch (k) {
	case 0:
		p->stop_ns = v;
		break;
	case 1:
		p->stop_filesize = v * NSCAP_ROTATE_KB;
		break;
	case 2:
		p->stop_files = (unsigned int)v;
		break;
	default:
		p->stop_packets = v;
		break;
	}
	return 0;
}

int nscap_rotate_parse_size(struct nscap_rotate_policy *p, const char *arg,
			    char *err)
{
	uint64_t unit = NSCAP_ROTATE_MB, v = 0;
	size_t n = strlen(arg);
	const char *end;
	int k;

	if (n > 0) {
		switch (arg[n - 1]) {
		case 'k':
		case 'K':
			unit = 1024;
			n--;
			break;
		case 'm':
		case 'M':
			unit = 1024ull * 1024;
			n--;
			break;
		case 'g':
		case 'G':
			unit = 1024ull * 1024 * 1024;
			n--;
			break;
		default:
			break;
		}
	}
	/* the digits in place, however many leading zeros (as -c takes) */
	k = digits(arg, &end, &v);
	if (k < 0 || (k > 0 && end == arg + n && v > UINT64_MAX / unit))
		return nscap_seterr(err, 0, "file size '%s' is too large", arg);
	if (k == 0 || end != arg + n || v == 0)
		return nscap_seterr(err, 0,
				    "invalid file size '%s': expected millions "
				    "of bytes, or a number with k, m or g",
				    arg);
	p->max_bytes = v * unit;
	return 0;
}

/* A whole number from 1 to max, the value of option what ("number of
 * seconds"): 0, or -EINVAL with err saying why. */
static int whole_arg(const char *arg, uint64_t max, const char *what,
		     uint64_t *v, char *err)
{
	int ret = whole(arg, max, v);

	if (ret == -ERANGE)
		return nscap_seterr(err, 0, "%s '%s' is too large", what, arg);
	if (ret)
		return nscap_seterr(err, 0,
				    "invalid %s '%s': expected a whole number "
				    "greater than 0",
				    what, arg);
	return 0;
}

int nscap_rotate_parse_seconds(struct nscap_rotate_policy *p, const char *arg,
			       char *err)
{
	uint64_t v = 0;
	int ret = whole_arg(arg, UINT64_MAX / NS_PER_S, "number of seconds", &v,
			    err);

	if (ret == 0)
		p->seconds = v;
	return ret;
}

int nscap_rotate_parse_files(struct nscap_rotate_policy *p, const char *arg,
			     char *err)
{
	uint64_t v = 0;
	int ret = whole_arg(arg, UINT32_MAX, "number of output files", &v, err);

	if (ret == 0)
		p->files = (unsigned int)v;
	return ret;
}

bool nscap_rotate_multi(const struct nscap_rotate_policy *p)
{
	return p->max_bytes || p->seconds;
}

int nscap_rotate_check(const struct nscap_rotate_policy *p, bool to_file,
		       char *err)
{
	if (nscap_rotate_multi(p) && !to_file)
		return nscap_seterr(err, 0,
				    "-C and -G write several files: they need "
				    "-w FILE");
	if (p->files && !nscap_rotate_multi(p))
		return nscap_seterr(err, 0, "-W goes with -C or -G");
	if (p->stop_files && !nscap_rotate_multi(p))
		return nscap_seterr(err, 0, "-a files goes with -C or -G");
	/* -a filesize counts the file being written (dumpcap's); with a
	 * smaller -C no file ever reached it and the capture never stopped */
	if (p->stop_filesize && p->max_bytes)
		return nscap_seterr(err, 0,
				    "-a filesize and -C both limit one file; "
				    "bound the capture with -W or -a files");
	return 0;
}

void nscap_rotate_begin(struct nscap_rotate_state *s, uint64_t now_ns,
			uint64_t header_bytes)
{
	memset(s, 0, sizeof(*s));
	s->start_ns = now_ns;
	s->period_start_ns = now_ns;
	s->file_bytes = header_bytes;
	s->files = 1;
	s->period_files = 1;
}

static enum nscap_rotate_action verdict(struct nscap_rotate_decision *d,
					enum nscap_rotate_action a,
					enum nscap_rotate_reason r)
{
	d->action = a;
	d->reason = r;
	return a;
}

/* The number after the current file's in its period, and whether a ring
 * that came round replaces a file of that name. */
static void next_number(const struct nscap_rotate_policy *p,
			const struct nscap_rotate_state *s,
			struct nscap_rotate_decision *d)
{
	d->index = s->index + 1;
	if (p->files && d->index >= p->files)
		d->index = 0;
	/* every number of the ring has been used in this period */
	d->replaces = p->files && s->period_files >= p->files;
}

enum nscap_rotate_action
nscap_rotate_decide(const struct nscap_rotate_policy *p,
		    const struct nscap_rotate_state *s, uint64_t now_ns,
		    uint64_t record_bytes, bool force,
		    struct nscap_rotate_decision *d)
{
	/* -G alone: files are named by time only, never numbered */
	bool timed_only = p->seconds && !p->max_bytes;
	bool time_due, size_due;

	memset(d, 0, sizeof(*d));
	if (p->stop_ns && since(now_ns, s->start_ns) >= p->stop_ns)
		return verdict(d, NSCAP_ROTATE_STOP, NSCAP_STOP_BY_DURATION);
	if (p->stop_packets && s->packets >= p->stop_packets)
		return verdict(d, NSCAP_ROTATE_STOP, NSCAP_STOP_BY_PACKETS);
	/* as dumpcap: only after a packet, whatever the headers' size */
	if (p->stop_filesize && s->file_packets &&
	    s->file_bytes >= p->stop_filesize)
		return verdict(d, NSCAP_ROTATE_STOP, NSCAP_STOP_BY_FILESIZE);

	time_due = p->seconds && since(now_ns, s->period_start_ns) >=
					 mul_sat(p->seconds, NS_PER_S);
	/* a file always takes its first record, however large */
	size_due = p->max_bytes && record_bytes && s->file_packets &&
		   add_sat(add_sat(s->file_bytes, record_bytes),
			   s->close_bytes) > p->max_bytes;
	if (!time_due && !size_due && !force)
		return verdict(d, NSCAP_ROTATE_NONE, NSCAP_ROTATE_BY_NONE);

	if (p->stop_files && s->files >= p->stop_files)
		return verdict(d, NSCAP_ROTATE_STOP, NSCAP_STOP_BY_FILES);
	if (timed_only && p->files && s->files >= p->files)
		return verdict(d, NSCAP_ROTATE_STOP, NSCAP_STOP_BY_FILE_LIMIT);

	if (time_due || (force && timed_only)) {
		/* a new period: its names from now, its ring from 0 */
		d->new_period = true;
		d->name_ns = now_ns;
		d->index = 0;
		return verdict(d, NSCAP_ROTATE_NEXT,
			       time_due ? NSCAP_ROTATE_BY_TIME
					: NSCAP_ROTATE_BY_REQUEST);
	}
	d->name_ns = s->period_start_ns;
	next_number(p, s, d);
	return verdict(d, NSCAP_ROTATE_NEXT,
		       size_due ? NSCAP_ROTATE_BY_SIZE
				: NSCAP_ROTATE_BY_REQUEST);
}

void nscap_rotate_same_names(const struct nscap_rotate_policy *p,
			     const struct nscap_rotate_state *s,
			     struct nscap_rotate_decision *d)
{
	next_number(p, s, d);
	d->same_names = true;
}

void nscap_rotate_opened(struct nscap_rotate_state *s,
			 const struct nscap_rotate_decision *d,
			 uint64_t header_bytes)
{
	s->files++;
	s->index = d->index;
	if (d->new_period)
		s->period_start_ns = d->name_ns;
	if (d->new_period && !d->same_names)
		s->period_files = 1;
	else
		s->period_files++;
	s->file_bytes = header_bytes;
	s->file_packets = 0;
}

void nscap_rotate_kept(struct nscap_rotate_state *s,
		       const struct nscap_rotate_decision *d)
{
	s->files++;
	if (d->new_period) {
		s->period_start_ns = d->name_ns;
		s->period_files = 1;
	}
}

void nscap_rotate_wrote(struct nscap_rotate_state *s, uint64_t bytes,
			uint64_t packets)
{
	s->file_bytes = add_sat(s->file_bytes, bytes);
	s->file_packets = add_sat(s->file_packets, packets);
	s->packets = add_sat(s->packets, packets);
}

uint64_t nscap_rotate_deadline(const struct nscap_rotate_policy *p,
			       const struct nscap_rotate_state *s)
{
	uint64_t t = UINT64_MAX;

	if (p->stop_ns)
		t = add_sat(s->start_ns, p->stop_ns);
	if (p->seconds) {
		uint64_t g = add_sat(s->period_start_ns,
				     mul_sat(p->seconds, NS_PER_S));
		if (g < t)
			t = g;
	}
	return t;
}

unsigned int nscap_rotate_width(unsigned int files)
{
	unsigned int c = 0, x = files ? files - 1 : 0;

	while (x > 0) {
		c++;
		x /= 10;
	}
	return c;
}

int nscap_rotate_filename(const char *pattern,
			  const struct nscap_rotate_policy *p,
			  unsigned int index, time_t when, char *buf,
			  size_t len, char *err)
{
	unsigned int width = p->files ? nscap_rotate_width(p->files) : 0;
	size_t n;
	int k;

	if (!*pattern)
		return nscap_seterr(err, 0,
				    "an empty string is not a valid file name");
	if (len == 0)
		return nscap_seterr(err, ENAMETOOLONG,
				    "cannot make a file name from '%s'",
				    pattern);
	if (p->seconds) {
		struct tm tm;

		if (!localtime_r(&when, &tm))
			return nscap_seterr(err, EOVERFLOW,
					    "cannot make a file name from "
					    "'%s'",
					    pattern);
			/* the pattern is not empty: 0 means it did not fit; the
			 * pattern is the user's, as tcpdump's -w with -G */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		n = strftime(buf, len, pattern, &tm);
#pragma GCC diagnostic pop
		if (n == 0)
			return nscap_seterr(err, ENAMETOOLONG,
					    "cannot make a file name from "
					    "'%s'",
					    pattern);
	} else {
		n = strlen(pattern);
		if (n >= len)
			return nscap_seterr(err, ENAMETOOLONG,
					    "cannot make a file name from "
					    "'%s'",
					    pattern);
		memcpy(buf, pattern, n + 1);
	}
	if ((p->seconds && !p->max_bytes) || (index == 0 && width == 0))
		return 0;
	k = snprintf(buf + n, len - n, "%0*u", (int)width, index);
	if (k < 0 || (size_t)k >= len - n) {
		buf[n] = '\0';
		return nscap_seterr(err, ENAMETOOLONG,
				    "cannot make a file name from '%s'",
				    pattern);
	}
	return 0;
}

const char *nscap_rotate_reason_str(enum nscap_rotate_reason r)
{
	switch (r) {
	case NSCAP_ROTATE_BY_NONE:
		break;
	case NSCAP_ROTATE_BY_SIZE:
		return "file size limit (-C) reached";
	case NSCAP_ROTATE_BY_TIME:
		return "rotation time (-G) reached";
	case NSCAP_ROTATE_BY_REQUEST:
		return "rotation requested";
	case NSCAP_STOP_BY_DURATION:
		return "autostop duration reached";
	case NSCAP_STOP_BY_PACKETS:
		return "autostop packet count reached";
	case NSCAP_STOP_BY_FILESIZE:
		return "autostop file size reached";
	case NSCAP_STOP_BY_FILES:
		return "autostop file count reached";
	case NSCAP_STOP_BY_FILE_LIMIT:
		return "maximum file limit (-W) reached";
	}
	return "none";
}
