/* The output format policy (see format.h). */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "nscap/err.h"
#include "nscap/format.h"
#include "nscap/output.h"

static bool ends_with(const char *path, const char *ext)
{
	size_t n, e = strlen(ext);

	if (nscap_output_is_stdout(path))
		return false;
	n = strlen(path);
	return n >= e && strcasecmp(path + n - e, ext) == 0;
}

bool nscap_format_pcap_name(const char *path)
{
	return ends_with(path, ".pcap");
}

bool nscap_format_pcapng_name(const char *path)
{
	return ends_with(path, ".pcapng");
}

int nscap_format_choose(enum nscap_format req, const char *path,
			size_t nlinktypes, enum nscap_format *out, char *err)
{
	if (req == NSCAP_FORMAT_PCAP && nlinktypes > 1)
		return nscap_seterr(err, 0,
				    "pcap holds one link type and this "
				    "capture has %zu; use -F pcapng",
				    nlinktypes);
	if (req == NSCAP_FORMAT_PCAP && nlinktypes == 0)
		return nscap_seterr(err, 0,
				    "pcap names its one link type first, and "
				    "no interface is up yet to tell it (-i "
				    "all); use -F pcapng");
	if (req != NSCAP_FORMAT_AUTO) {
		*out = req;
		return 0;
	}
	if (nscap_format_pcap_name(path) && nlinktypes == 1)
		*out = NSCAP_FORMAT_PCAP;
	else
		*out = NSCAP_FORMAT_PCAPNG;
	return 0;
}

const struct nscap_writer_ops *nscap_format_writer(enum nscap_format f)
{
	return f == NSCAP_FORMAT_PCAP ? &nscap_writer_pcap
				      : &nscap_writer_pcapng;
}
