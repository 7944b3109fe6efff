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

/* A byte as a terminal may show it: a control byte (what a process may put
 * in its own name, or an interface's, to drive the terminal of whoever
 * lists it) becomes '?', as ps shows it. */
static inline char nscap_text_tame(char c)
{
	return (unsigned char)c < 0x20 || c == 0x7f ? '?' : c;
}

/* nscap_text_tame on every byte of s, in place. */
static inline void nscap_text_tame_all(char *s)
{
	for (; *s; s++)
		*s = nscap_text_tame(*s);
}

#endif
