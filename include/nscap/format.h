/* Which file format to write: a pure choice, made once the link types of
 * the opened handles are known. */
#ifndef NSCAP_FORMAT_H
#define NSCAP_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include "nscap/options.h"
#include "nscap/writer.h"

/*
 * The -F choice; without one, pcapng, except pcap when path names a file
 * ending in ".pcap" and one link type is captured. Returns 0 and *out
 * (never NSCAP_FORMAT_AUTO), or -EINVAL with err set when pcap is asked for
 * several link types, or for none yet (-i all with nothing up).
 */
int nscap_format_choose(enum nscap_format req, const char *path,
			size_t nlinktypes, enum nscap_format *out, char *err);

/* Does path name a file ending in ".pcap", or ".pcapng" (not stdout; in
 * any case: ".PCAP" too)? */
bool nscap_format_pcap_name(const char *path);
bool nscap_format_pcapng_name(const char *path);

/* The writer of a format (not NSCAP_FORMAT_AUTO). */
const struct nscap_writer_ops *nscap_format_writer(enum nscap_format f);

#endif
