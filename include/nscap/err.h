/*
 * Error reporting shared by every module: a module never prints and never
 * exits; it fills the caller's buffer with one message and returns a negative
 * errno. main.c prefixes "nscap: " and prints it.
 */
#ifndef NSCAP_ERR_H
#define NSCAP_ERR_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Size of every caller-provided error buffer. */
#define NSCAP_ERRBUF 1024

/*
 * Fill err with the formatted message, followed by ": strerror(errnum)" when
 * errnum is not 0. Returns -errnum, or -EINVAL when errnum is 0.
 */
__attribute__((format(printf, 3, 4))) static inline int
nscap_seterr(char *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(err, NSCAP_ERRBUF, fmt, ap);
	va_end(ap);
	if (errnum && n >= 0 && n < NSCAP_ERRBUF)
		snprintf(err + n, NSCAP_ERRBUF - (size_t)n, ": %s",
			 strerror(errnum));
	return errnum ? -errnum : -EINVAL;
}

/*
 * As nscap_seterr with the message what, after "name: " when name is not
 * NULL (a writer's messages name the file they write).
 */
static inline int nscap_seterr_in(char *err, int errnum, const char *name,
				  const char *what)
{
	if (name)
		return nscap_seterr(err, errnum, "%s: %s", name, what);
	return nscap_seterr(err, errnum, "%s", what);
}

/* Put "name: " before the message already in err (which of several
 * interfaces or targets, or which file, it is about); name NULL: none. */
static inline void nscap_err_prefix(char *err, const char *name)
{
	char what[NSCAP_ERRBUF];

	snprintf(what, sizeof(what), "%s", err);
	(void)nscap_seterr_in(err, 0, name, what);
}

/* Add to the end of the message already in err (a hint). */
__attribute__((format(printf, 2, 3))) static inline void
nscap_err_add(char *err, const char *fmt, ...)
{
	size_t used = strlen(err);
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(err + used, NSCAP_ERRBUF - used, fmt, ap);
	va_end(ap);
}

#endif
