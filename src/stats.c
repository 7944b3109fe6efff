/* tcpdump's closing statistics, formatted by a pure function. */
#include <inttypes.h>
#include <stdio.h>

#include "nscap/stats.h"

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

int nscap_stats_format(const struct nscap_stats *s, char *buf, size_t len)
{
	int n;

	n = snprintf(buf, len,
		     "%" PRIu64 " packet%s captured\n"
		     "%" PRIu64 " packet%s received by filter\n"
		     "%" PRIu64 " packet%s dropped by kernel\n",
		     s->captured, plural(s->captured), s->received,
		     plural(s->received), s->dropped, plural(s->dropped));
	if (n >= 0 && s->ifdropped) {
		size_t used = (size_t)n < len ? (size_t)n : len;
		int m = snprintf(buf + used, len - used,
				 "%" PRIu64 " packet%s dropped by interface\n",
				 s->ifdropped, plural(s->ifdropped));
		n = m < 0 ? m : n + m;
	}
	return n;
}
