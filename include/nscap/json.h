/*
 * Just enough JSON for nscap: writing escaped strings (nscap -L --json) and
 * picking a few values out of what container runtime CLIs print (`podman
 * inspect`, `crictl ps -o json`). Not a parser: the reader finds keys by
 * walking the text token by token, so a key inside a string value is never
 * mistaken for a key.
 */
#ifndef NSCAP_JSON_H
#define NSCAP_JSON_H

#include <stddef.h>
#include <stdio.h>

/*
 * Escape src as the inside of a JSON string (no quotes) into dst of size
 * len, always NUL-terminated when len > 0. Returns the length the full
 * escaped text needs (as snprintf does); dst holds all of it when that is
 * less than len. Control characters become \uXXXX; valid UTF-8 is copied
 * as it is, and each byte that is not valid UTF-8 (a process may give
 * itself any name) becomes \ufffd, so the output is always valid JSON.
 */
size_t nscap_json_escape(char *dst, size_t len, const char *src);

/* Write s to f as a JSON string, quotes included; NULL writes null.
 * Returns 0, or -EIO when f reports an error. */
int nscap_json_put_string(FILE *f, const char *s);

/*
 * Find the next object key named key at or after from (a position inside
 * json, at a token boundary: the start of json or a value returned before).
 * Returns a pointer to its value (after the colon and blanks), or NULL.
 */
const char *nscap_json_find(const char *from, const char *key);

/*
 * Copy the JSON string value at v into out (size len), unescaping \" \\ \/
 * \b \f \n \r \t; \uXXXX becomes '?'. Returns 0, or -EINVAL when v is not a
 * string or does not fit; out is then "".
 */
int nscap_json_string(const char *v, char *out, size_t len);

/* Read the JSON integer at v. Returns 0, or -EINVAL (out untouched). */
int nscap_json_int(const char *v, long long *out);

#endif
