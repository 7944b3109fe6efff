/*
 * Minimal JSON: escaping for nscap's own output, and a key finder for the
 * few values nscap reads from container runtime CLIs (see json.h). Pure
 * functions, unit-tested in tests/unit/test_nslist.c and test_resolve.c.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nscap/json.h"
#include "nscap/text.h"

/*
 * The JSON text for the character at s: sets *out and *outlen (out may
 * point into s, or into tmp) and returns the bytes of s it stands for.
 * Bytes that are not valid UTF-8 become U+FFFD, so the output always is.
 */
static size_t piece(const char *s, char tmp[8], const char **out,
		    size_t *outlen)
{
	unsigned char c = (unsigned char)*s;

	*out = tmp;
	switch (c) {
	case '"':
		*out = "\\\"";
		break;
	case '\\':
		*out = "\\\\";
		break;
	case '\b':
		*out = "\\b";
		break;
	case '\f':
		*out = "\\f";
		break;
	case '\n':
		*out = "\\n";
		break;
	case '\r':
		*out = "\\r";
		break;
	case '\t':
		*out = "\\t";
		break;
	default:
		if (c < 0x20 || c == 0x7f) {
			snprintf(tmp, 8, "\\u%04x", c);
		} else if (c < 0x80) {
			*out = s;
			*outlen = 1;
			return 1;
		} else {
			size_t n = nscap_text_utf8_len((const unsigned char *)s,
						       SIZE_MAX);

			if (n > 0) {
				*out = s;
				*outlen = n;
				return n;
			}
			snprintf(tmp, 8, "\\ufffd");
		}
		break;
	}
	*outlen = strlen(*out);
	return 1;
}

size_t nscap_json_escape(char *dst, size_t len, const char *src)
{
	size_t need = 0, used = 0;
	int full = len == 0;
	char tmp[8];

	while (*src) {
		const char *p;
		size_t n;

		src += piece(src, tmp, &p, &n);
		/* stop at the last whole character or escape that fits */
		if (!full && used + n < len) {
			memcpy(dst + used, p, n);
			used += n;
		} else {
			full = 1;
		}
		need += n;
	}
	if (len)
		dst[used] = '\0';
	return need;
}

int nscap_json_put_string(FILE *f, const char *s)
{
	char tmp[8];

	if (!s) {
		fputs("null", f);
		return ferror(f) ? -EIO : 0;
	}
	putc('"', f);
	while (*s) {
		const char *p;
		size_t n;

		s += piece(s, tmp, &p, &n);
		fwrite(p, 1, n, f);
	}
	putc('"', f);
	return ferror(f) ? -EIO : 0;
}

/* End of the string token starting at s (on its opening quote): the
 * position after the closing quote, or the terminating NUL. */
static const char *skip_string(const char *s)
{
	for (s++; *s && *s != '"'; s++)
		if (*s == '\\' && s[1])
			s++;
	return *s ? s + 1 : s;
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

const char *nscap_json_find(const char *from, const char *key)
{
	size_t klen = strlen(key);
	const char *s = from;

	while (*s) {
		const char *start, *end, *after;

		if (*s != '"') {
			s++;
			continue;
		}
		start = s + 1;
		end = skip_string(s);
		after = skip_blanks(end);
		if (*after == ':' && end > start &&
		    (size_t)(end - 1 - start) == klen &&
		    memcmp(start, key, klen) == 0)
			return skip_blanks(after + 1);
		s = end;
	}
	return NULL;
}

int nscap_json_string(const char *v, char *out, size_t len)
{
	size_t n = 0;

	if (len == 0)
		return -EINVAL;
	out[0] = '\0';
	if (!v || *v != '"')
		return -EINVAL;
	for (v++; *v && *v != '"'; v++) {
		char c = *v;

		if (c == '\\') {
			v++;
			switch (*v) {
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case 'u':
				c = '?';
				if (strspn(v + 1, "0123456789abcdefABCDEF") < 4)
					goto bad;
				v += 4;
				break;
			case '"':
			case '\\':
			case '/':
				c = *v;
				break;
			default:
				goto bad;
			}
		}
		if (n + 1 >= len)
			goto bad;
		out[n++] = c;
	}
	if (*v != '"')
		goto bad;
	out[n] = '\0';
	return 0;
bad:
	out[0] = '\0';
	return -EINVAL;
}

int nscap_json_int(const char *v, long long *out)
{
	char *end;
	long long x;

	if (!v || !(*v == '-' || (*v >= '0' && *v <= '9')))
		return -EINVAL;
	errno = 0;
	x = strtoll(v, &end, 10);
	if (errno || end == v)
		return -EINVAL;
	*out = x;
	return 0;
}
