/* The output format policy (see format.h). */
#include <errno.h>
#include <string.h>

#include "nscap/err.h"
#include "nscap/format.h"
#include "nscap/output.h"

bool nscap_format_pcap_name(const char *path)
{
	size_t n;

	if (nscap_output_is_stdout(path))
		return false;
	n = strlen(path);
	return n >= 5 && strcmp(path + n - 5, ".pcap") == 0;
}

int nscap_format_choose(enum nscap_format req, const char *path,
			size_t nlinktypes, enum nscap_format *out, char *err)
{
	if (req == NSCAP_FORMAT_PCAP && nlinktypes > 1)
		return nscap_seterr(err, 0,
				    "pcap holds one link type and this "
				    "capture has %zu; use -F pcapng",
				    nlinktypes);
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
