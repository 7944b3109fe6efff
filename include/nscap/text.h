/* Small text checks shared by the modules that parse names and /proc. */
#ifndef NSCAP_TEXT_H
#define NSCAP_TEXT_H

#include <stdbool.h>

/* Is s a non-empty string of decimal digits? */
static inline bool nscap_all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

#endif
