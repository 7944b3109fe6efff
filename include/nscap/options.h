/*
 * Command line: parsing fills a plain struct and has no side effects;
 * validation is separate. Nothing here opens a file or a namespace.
 */
#ifndef NSCAP_OPTIONS_H
#define NSCAP_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "nscap/rotate.h"

#define NSCAP_MAX_TARGETS 64
#define NSCAP_MAX_IFACES 64
#define NSCAP_DEFAULT_SNAPLEN 262144

/* Exit codes, documented in README.md and nscap.1. */
#define NSCAP_EXIT_OK 0
#define NSCAP_EXIT_RUNTIME 1
#define NSCAP_EXIT_USAGE 2

enum nscap_format {
	NSCAP_FORMAT_AUTO, /* pcapng, or pcap for FILE.pcap with one link type
			    */
	NSCAP_FORMAT_PCAP,
	NSCAP_FORMAT_PCAPNG,
};

struct nscap_options {
	const char *targets[NSCAP_MAX_TARGETS]; /* -t, as the user wrote them */
	int ntargets;
	const char *ifaces[NSCAP_MAX_IFACES]; /* -i */
	int nifaces;
	const char *output;   /* -w; NULL: stdout if it is not a terminal */
	unsigned long count;  /* -c; 0: no limit */
	int snaplen;	      /* -s; 0 on the command line means the default */
	bool promisc;	      /* cleared by -p */
	int buffer_kib;	      /* -B; 0: libpcap's default */
	bool packet_buffered; /* -U */
	bool immediate;	      /* --immediate-mode */
	bool list_interfaces; /* -D */
	bool list_namespaces; /* -L */
	bool json;	      /* --json, with -L */
	enum nscap_format format; /* -F */
	bool nano; /* --time-stamp-precision=nano (pcap output) */
	struct nscap_rotate_policy rotate; /* -C, -G, -W, -a */
	const char *user;		   /* -Z */
	bool no_drop;			   /* --no-drop */
	bool on_full_wait;		   /* --on-full=wait */
	bool quiet;			   /* -q */
	int verbose;			   /* -v, repeatable */
	bool help;
	bool version;
	char *filter; /* the remaining arguments joined by spaces, or NULL */
	/* the first option given that only a capture takes (-s, -C, -Z...),
	 * by its name, for -L's refusal; NULL: none */
	const char *capture_opt;
};

/*
 * Parse argv into o (reset first). Returns 0, or -EINVAL with a usage message
 * in err, or -ENOMEM. o->filter must be released with nscap_options_free().
 */
int nscap_options_parse(struct nscap_options *o, int argc, char **argv,
			char *err);

/* Check the combination of options. Returns 0 or -EINVAL with err set. */
int nscap_options_validate(const struct nscap_options *o, char *err);

/* Release what parsing allocated; o may be reused afterwards. */
void nscap_options_free(struct nscap_options *o);

/* The --help text. */
void nscap_options_usage(FILE *fp);

#endif
