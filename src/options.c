/*
 * Command-line parsing. tcpdump's letters mean what they mean in tcpdump;
 * parsing only fills struct nscap_options, validation is separate, and
 * nothing is opened here.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "nscap/err.h"
#include "nscap/options.h"

enum {
	OPT_IMMEDIATE = CHAR_MAX + 1,
	OPT_TSTAMP_PRECISION,
	OPT_JSON,
	OPT_NO_DROP,
	OPT_ON_FULL,
};

static const char short_opts[] = ":t:i:w:c:s:pB:UDLF:C:G:W:a:Z:qvVh";

static const struct option long_opts[] = {
	{"target", required_argument, NULL, 't'},
	{"interface", required_argument, NULL, 'i'},
	{"write", required_argument, NULL, 'w'},
	{"count", required_argument, NULL, 'c'},
	{"snapshot-length", required_argument, NULL, 's'},
	{"no-promiscuous-mode", no_argument, NULL, 'p'},
	{"buffer-size", required_argument, NULL, 'B'},
	{"packet-buffered", no_argument, NULL, 'U'},
	{"immediate-mode", no_argument, NULL, OPT_IMMEDIATE},
	{"list-interfaces", no_argument, NULL, 'D'},
	{"list-namespaces", no_argument, NULL, 'L'},
	{"json", no_argument, NULL, OPT_JSON},
	{"file-size", required_argument, NULL, 'C'},
	{"rotate-seconds", required_argument, NULL, 'G'},
	{"file-count", required_argument, NULL, 'W'},
	{"autostop", required_argument, NULL, 'a'},
	{"relinquish-privileges", required_argument, NULL, 'Z'},
	{"no-drop", no_argument, NULL, OPT_NO_DROP},
	{"on-full", required_argument, NULL, OPT_ON_FULL},
	{"format", required_argument, NULL, 'F'},
	{"time-stamp-precision", required_argument, NULL, OPT_TSTAMP_PRECISION},
	{"quiet", no_argument, NULL, 'q'},
	{"verbose", no_argument, NULL, 'v'},
	{"version", no_argument, NULL, 'V'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

void nscap_options_usage(FILE *fp)
{
	fputs("Usage: nscap -t TARGET [-t TARGET...] [options] [filter "
	      "expression]\n"
	      "       nscap -t TARGET [-t TARGET...] -D\n"
	      "       nscap -L [--json]\n"
	      "\n"
	      "Capture the traffic of processes' network namespaces "
	      "(containers')\n"
	      "from the host, into a pcapng or pcap file or a pipe.\n"
	      "\n"
	      "  -t, --target TARGET       whose network namespace to capture; "
	      "repeatable:\n"
	      "                            PID, pid:N, container NAME or ID "
	      "prefix,\n"
	      "                            name:NAME, RUNTIME://ID (docker, "
	      "containerd,\n"
	      "                            cri-o, podman), netns:NAME, or a "
	      "namespace\n"
	      "                            file's path, starting with /, ./ "
	      "or ../ (./ns)\n"
	      "  -i, --interface NAME      interface inside the namespace, or "
	      "its number\n"
	      "                            from -D; 'any', or 'all' for one "
	      "handle per\n"
	      "                            interface, new ones included; "
	      "repeatable\n"
	      "                            (default: the first up, "
	      "non-loopback one)\n"
	      "  -w, --write FILE|-        write packets to FILE, or to stdout "
	      "with -\n"
	      "                            (default: stdout, if it is not a "
	      "terminal)\n"
	      "  -F, --format pcap|pcapng  file format (default: pcapng; pcap "
	      "for a FILE\n"
	      "                            ending in .pcap when one link type "
	      "is captured)\n"
	      "      --time-stamp-precision micro|nano\n"
	      "                            timestamps in pcap output "
	      "(pcapng: always nano)\n"
	      "  -c, --count N             stop after N packets\n"
	      "  -C, --file-size MB        a new file before this one exceeds "
	      "MB million\n"
	      "                            bytes (FILE, FILE1, ...; suffix "
	      "k, m, g: KiB...)\n"
	      "  -G, --rotate-seconds S    a new file every S seconds; FILE "
	      "is a strftime\n"
	      "                            pattern\n"
	      "  -W, --file-count N        with -C: a ring of N files; with -G "
	      "alone: stop\n"
	      "                            after N files (N periods)\n"
	      "  -a, --autostop COND       stop at duration:S, filesize:KB, "
	      "packets:N or\n"
	      "                            files:N; repeatable\n"
	      "  -Z, --relinquish-privileges USER\n"
	      "                            run as USER once capturing "
	      "(default under sudo:\n"
	      "                            the user who ran sudo, except "
	      "with -i all)\n"
	      "      --no-drop             keep root\n"
	      "      --on-full stop|wait   on a full disk: stop (exit 1), or "
	      "count drops\n"
	      "                            until there is space again\n"
	      "  -s, --snapshot-length N   bytes kept of each packet "
	      "(default, 0 and the\n"
	      "                            most: 262144)\n"
	      "  -p, --no-promiscuous-mode do not put the interface into "
	      "promiscuous mode\n"
	      "  -B, --buffer-size KiB     kernel ring per handle (default: "
	      "a 16 MiB budget\n"
	      "                            shared out: 1 to 16 MiB a block "
	      "ring,\n"
	      "                            256 KiB to 2 MiB asked for an "
	      "immediate one,\n"
	      "                            twice that mapped)\n"
	      "  -U, --packet-buffered     write out what was read before "
	      "waiting for more\n"
	      "      --immediate-mode      deliver packets as they arrive, not "
	      "in blocks\n"
	      "  -D, --list-interfaces     list the interfaces in each "
	      "target's "
	      "namespace\n"
	      "  -L, --list-namespaces     list every network namespace on the "
	      "host\n"
	      "      --json                with -L: print JSON\n"
	      "  -q, --quiet               no status lines, notes or "
	      "statistics: only errors,\n"
	      "                            warnings of what was lost, and the "
	      "packets lost\n"
	      "                            (it wins over -v)\n"
	      "  -v, --verbose             more detail on stderr\n"
	      "  -V, --version             print nscap's and libpcap's "
	      "versions and exit\n"
	      "  -h, --help                print this help and exit\n"
	      "\n"
	      "Writing to stdout that is not a regular file (a pipe), or to a "
	      "FIFO,\n"
	      "implies -U and --immediate-mode.\n"
	      "Exit status: 0 success, 1 runtime error, 2 usage error.\n"
	      "Example: nscap -t web -w - | wireshark -k -i -\n",
	      fp);
}

/* A whole decimal number in [min, max]: -ERANGE for a whole number above
 * max (or past what a long holds), -EINVAL for anything else. */
static int parse_num(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (!*s || !(*s >= '0' && *s <= '9'))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end || v < min)
		return -EINVAL;
	if (errno == ERANGE || v > max)
		return -ERANGE;
	if (errno)
		return -EINVAL;
	*out = v;
	return 0;
}

static int join_args(struct nscap_options *o, int argc, char **argv, char *err)
{
	size_t len = 0, pos = 0;
	int i;

	if (argc <= 0)
		return 0;
	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	o->filter = malloc(len);
	if (!o->filter)
		return nscap_seterr(err, ENOMEM, "cannot store filter");
	for (i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);

		memcpy(o->filter + pos, argv[i], n);
		pos += n;
		o->filter[pos++] = i + 1 < argc ? ' ' : '\0';
	}
	return 0;
}

/* Whether name (n bytes) begins two or more long options' names. */
static bool prefix_of_several(const char *name, size_t n)
{
	const struct option *lo;
	int found = 0;

	for (lo = long_opts; lo->name; lo++)
		found += strncmp(lo->name, name, n) == 0;
	return found > 1;
}

/*
 * The message for what getopt_long refused (opterr is 0). A long option
 * is named from its word, which getopt has always moved past (argv[optind
 * - 1]); a short one by optopt. Whether it was long is told by the word:
 * optind moves past a cluster of short options (-qx) only at its last
 * letter, so while getopt is inside one (before == optind) the word is
 * argv[optind], and argv[optind - 1] is the one before, maybe a long
 * option. getopt gives optopt for a short option, and for a long one that
 * takes no value; an unknown long option and an ambiguous prefix have 0.
 */
static int bad_option(char *const *argv, int before, bool missing, char *err)
{
	const char *arg = argv[optind > before ? optind - 1 : optind];
	bool is_long = strncmp(arg, "--", 2) == 0;
	int len = (int)strcspn(arg, "=");

	if (missing && is_long)
		return nscap_seterr(err, 0, "option '%.*s' needs a value", len,
				    arg);
	if (missing)
		return nscap_seterr(err, 0, "option '-%c' needs a value",
				    optopt);
	if (is_long && optopt)
		return nscap_seterr(err, 0, "option '%.*s' takes no value", len,
				    arg);
	if (is_long && prefix_of_several(arg + 2, (size_t)len - 2))
		return nscap_seterr(err, 0,
				    "ambiguous option '%.*s': a prefix of "
				    "several",
				    len, arg);
	if (is_long)
		return nscap_seterr(err, 0, "unknown option '%.*s'", len, arg);
	if (optopt > ' ' && optopt < 0x7f)
		return nscap_seterr(err, 0, "unknown option '-%c'", optopt);
	/* which argument it was in is not known for sure here (getopt
	 * moves words that are not options): the byte, then */
	return nscap_seterr(err, 0,
			    "unknown option: a letter that is not ASCII "
			    "(byte 0x%02x)",
			    (unsigned int)(unsigned char)optopt);
}

/* The name of option c when only a capture takes it (not -t, -i, -w, -c,
 * which -L refuses by name, nor -D, -L, --json, -q, -v), else NULL. */
static const char *capture_only(int c)
{
	static const struct {
		int c;
		const char *name;
	} opts[] = {
		{'s', "-s"},
		{'p', "-p"},
		{'B', "-B"},
		{'U', "-U"},
		{OPT_IMMEDIATE, "--immediate-mode"},
		{'C', "-C"},
		{'G', "-G"},
		{'W', "-W"},
		{'a', "-a"},
		{'Z', "-Z"},
		{OPT_NO_DROP, "--no-drop"},
		{OPT_ON_FULL, "--on-full"},
		{'F', "-F"},
		{OPT_TSTAMP_PRECISION, "--time-stamp-precision"},
	};
	size_t k;

	for (k = 0; k < sizeof(opts) / sizeof(opts[0]); k++)
		if (opts[k].c == c)
			return opts[k].name;
	return NULL;
}

int nscap_options_parse(struct nscap_options *o, int argc, char **argv,
			char *err)
{
	long v;
	int ret;

	memset(o, 0, sizeof(*o));
	o->promisc = true;
	o->snaplen = NSCAP_DEFAULT_SNAPLEN;

	optind = 0; /* glibc: start afresh, so parsing can run twice */
	opterr = 0;
	for (;;) {
		int before = optind;
		int c = getopt_long(argc, argv, short_opts, long_opts, NULL);

		if (c == -1)
			break;
		if (!o->capture_opt)
			o->capture_opt = capture_only(c);
		switch (c) {
		case 't':
			if (o->ntargets == NSCAP_MAX_TARGETS)
				return nscap_seterr(err, 0,
						    "too many targets (at most "
						    "%d)",
						    NSCAP_MAX_TARGETS);
			o->targets[o->ntargets++] = optarg;
			break;
		case 'i':
			if (!*optarg)
				return nscap_seterr(err, 0,
						    "empty interface name");
			if (o->nifaces == NSCAP_MAX_IFACES)
				return nscap_seterr(err, 0,
						    "too many interfaces (at "
						    "most %d)",
						    NSCAP_MAX_IFACES);
			o->ifaces[o->nifaces++] = optarg;
			break;
		case 'w':
			if (!*optarg)
				return nscap_seterr(err, 0,
						    "empty file name for -w");
			o->output = optarg;
			break;
		case 'c':
			ret = parse_num(optarg, 1, LONG_MAX, &v);
			if (ret == -ERANGE)
				return nscap_seterr(err, 0,
						    "packet count '%s' is too "
						    "large",
						    optarg);
			if (ret)
				return nscap_seterr(err, 0,
						    "invalid packet count '%s'",
						    optarg);
			o->count = (unsigned long)v;
			break;
		case 's':
			/* 0 is the default, as in tcpdump; a larger N than
			 * the most, whatever its size, is cut to it, as
			 * libpcap cuts (tcpdump refuses one) */
			ret = parse_num(optarg, 0, NSCAP_DEFAULT_SNAPLEN, &v);
			if (ret == -ERANGE)
				v = 0;
			else if (ret)
				return nscap_seterr(
					err, 0, "invalid snapshot length '%s'",
					optarg);
			o->snaplen = v ? (int)v : NSCAP_DEFAULT_SNAPLEN;
			break;
		case 'p':
			o->promisc = false;
			break;
		case 'B':
			ret = parse_num(optarg, 1, INT_MAX / 1024, &v);
			if (ret == -ERANGE)
				/* libpcap takes the ring's bytes as an int */
				return nscap_seterr(err, 0,
						    "buffer size '%s' is too "
						    "large: at most %d KiB",
						    optarg, INT_MAX / 1024);
			if (ret)
				return nscap_seterr(err, 0,
						    "invalid buffer size '%s'",
						    optarg);
			o->buffer_kib = (int)v;
			break;
		case 'U':
			o->packet_buffered = true;
			break;
		case OPT_IMMEDIATE:
			o->immediate = true;
			break;
		case 'D':
			o->list_interfaces = true;
			break;
		case 'L':
			o->list_namespaces = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case 'C':
			if (nscap_rotate_parse_size(&o->rotate, optarg, err))
				return -EINVAL;
			break;
		case 'G':
			if (nscap_rotate_parse_seconds(&o->rotate, optarg, err))
				return -EINVAL;
			break;
		case 'W':
			if (nscap_rotate_parse_files(&o->rotate, optarg, err))
				return -EINVAL;
			break;
		case 'a':
			if (nscap_rotate_parse_autostop(&o->rotate, optarg,
							err))
				return -EINVAL;
			break;
		case 'Z':
			if (!*optarg)
				return nscap_seterr(err, 0,
						    "empty user for -Z");
			o->user = optarg;
			break;
		case OPT_NO_DROP:
			o->no_drop = true;
			break;
		case OPT_ON_FULL:
			if (strcmp(optarg, "wait") == 0)
				o->on_full_wait = true;
			else if (strcmp(optarg, "stop") == 0)
				o->on_full_wait = false;
			else
				return nscap_seterr(err, 0,
						    "invalid --on-full '%s': "
						    "expected stop or wait",
						    optarg);
			break;
		case 'F':
			if (strcmp(optarg, "pcap") == 0)
				o->format = NSCAP_FORMAT_PCAP;
			else if (strcmp(optarg, "pcapng") == 0)
				o->format = NSCAP_FORMAT_PCAPNG;
			else
				return nscap_seterr(err, 0,
						    "invalid format '%s': "
						    "expected pcap or pcapng",
						    optarg);
			break;
		case OPT_TSTAMP_PRECISION:
			if (strcmp(optarg, "nano") == 0)
				o->nano = true;
			else if (strcmp(optarg, "micro") == 0)
				o->nano = false;
			else
				return nscap_seterr(err, 0,
						    "invalid time stamp "
						    "precision '%s': expected "
						    "micro or nano",
						    optarg);
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'V':
			o->version = true;
			break;
		case 'h':
			o->help = true;
			break;
		case ':':
		default:
			return bad_option(argv, before, c == ':', err);
		}
	}
	return join_args(o, argc - optind, argv + optind, err);
}

int nscap_options_validate(const struct nscap_options *o, char *err)
{
	if (o->help || o->version)
		return 0;
	if (o->json && !o->list_namespaces)
		return nscap_seterr(err, 0, "--json goes with -L");
	if (o->list_namespaces) {
		if (o->ntargets || o->list_interfaces || o->output ||
		    o->nifaces || o->count || o->filter)
			return nscap_seterr(
				err, 0,
				"-L lists every namespace; it takes "
				"no -t, -D, -w, -i, -c or filter");
		/* as -c: a capture's option would be ignored without a word */
		if (o->capture_opt)
			return nscap_seterr(
				err, 0,
				"-L lists every namespace; it takes "
				"no %s",
				o->capture_opt);
		return 0;
	}
	if (o->ntargets == 0)
		return nscap_seterr(err, 0,
				    "no target: name one with -t TARGET");
	if (o->list_interfaces && o->output)
		return nscap_seterr(err, 0,
				    "-D lists interfaces; it does not take -w");
	if (o->user && o->no_drop)
		return nscap_seterr(err, 0, "-Z and --no-drop contradict");
	if (!o->list_interfaces)
		return nscap_rotate_check(
			&o->rotate, o->output && strcmp(o->output, "-") != 0,
			err);
	return 0;
}

void nscap_options_free(struct nscap_options *o)
{
	free(o->filter);
	o->filter = NULL;
}
