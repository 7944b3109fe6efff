/* Small text checks shared by the modules that parse names and /proc. */
#ifndef NSCAP_TEXT_H
#define NSCAP_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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
 * lists it) becomes '?', as ps shows it. The C1 controls past 0x7f need
 * the bytes around them: nscap_text_tame_all. */
static inline char nscap_text_tame(char c)
{
	return (unsigned char)c < 0x20 || c == 0x7f ? '?' : c;
}

/* The length of the valid UTF-8 sequence that starts at s (2 to 4) within
 * the avail bytes there (SIZE_MAX: up to the NUL that ends s, which no
 * sequence holds), or 0: no overlong forms, no surrogates, nothing above
 * U+10FFFF. */
static inline size_t nscap_text_utf8_len(const unsigned char *s, size_t avail)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (len > avail || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/*
 * nscap_text_tame on every byte of s, in place, and the C1 controls as
 * well: a terminal in UTF-8 mode takes U+0080 to U+009F (0xc2 0x80 to 0xc2
 * 0x9f) as controls, U+009B as an escape, and one in 8-bit mode the bytes
 * 0x80 to 0x9f. Each such byte that is not inside another UTF-8 sequence
 * becomes '?'; other UTF-8 (an interface named in Greek) stays.
 */
static inline void nscap_text_tame_all(char *s)
{
	unsigned char *p = (unsigned char *)s;

	while (*p) {
		size_t n = nscap_text_utf8_len(p, SIZE_MAX);

		if (n == 2 && p[0] == 0xc2 && p[1] <= 0x9f) {
			p[0] = '?';
			p[1] = '?';
		} else if (n == 0) {
			*p = (unsigned char)nscap_text_tame((char)*p);
			if (*p >= 0x80 && *p <= 0x9f)
				*p = '?';
			n = 1;
		}
		p += n;
	}
}

/* s as a terminal may show it (a name from the target's namespace, control
 * bytes and all), copied into buf of len bytes (cut there); returns buf. */
static inline char *nscap_text_tame_copy(const char *s, char *buf, size_t len)
{
	snprintf(buf, len, "%s", s);
	nscap_text_tame_all(buf);
	return buf;
}

#endif
