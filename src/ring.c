/* Ring sizes and gathering (see ring.h). */
#include "nscap/ring.h"

#define GATHER_US_PER_PACKET 4
#define GATHER_MAX_US 1000
/* gather no longer than it takes to fill 1/GATHER_RING_SHARE of the ring */
#define GATHER_RING_SHARE 4

size_t nscap_ring_bytes(size_t nhandles, int buffer_kib, bool immediate)
{
	size_t per, max = immediate ? NSCAP_RING_MAX_IMMEDIATE : NSCAP_RING_MAX;
	size_t min = immediate ? NSCAP_RING_MIN_IMMEDIATE : NSCAP_RING_MIN;

	if (buffer_kib > 0)
		return (size_t)buffer_kib << 10;
	if (nhandles == 0)
		nhandles = 1;
	per = NSCAP_RING_BUDGET / nhandles;
	if (per > max)
		per = max;
	if (per < min)
		per = min;
	return per;
}

uint64_t nscap_ring_gather_us(uint64_t last, uint64_t rate, size_t ring_bytes,
			      int snaplen)
{
	uint64_t share = nscap_ring_immediate_slots(ring_bytes, snaplen) /
			 GATHER_RING_SHARE;
	uint64_t us;

	if (last < NSCAP_RING_GATHER_MIN || share == 0)
		return 0;
	us = last * GATHER_US_PER_PACKET;
	if (us > GATHER_MAX_US)
		us = GATHER_MAX_US;
	if (rate) {
		uint64_t fill_us = share * 1000000u / rate;

		if (us > fill_us)
			us = fill_us;
	}
	return us;
}

/* SETTLE's fallback outlasts two of the longest block timeouts */
_Static_assert(2 * (uint64_t)NSCAP_GEAR_BULK_TIMEOUT_MAX_MS * 1000000u <
		       NSCAP_GEAR_SETTLE_NS,
	       "SETTLE must outlast two block timeouts");

int nscap_gear_bulk_timeout_ms(size_t n)
{
	if (n < NSCAP_GEAR_BULK_TIMEOUT_MS)
		return NSCAP_GEAR_BULK_TIMEOUT_MS;
	if (n > NSCAP_GEAR_BULK_TIMEOUT_MAX_MS)
		return NSCAP_GEAR_BULK_TIMEOUT_MAX_MS;
	return (int)n;
}

void nscap_gear_init(struct nscap_gear *g, uint64_t now_ns,
		     enum nscap_gear_kind kind)
{
	g->kind = kind;
	g->since_ns = now_ns;
	g->packets = 0;
	g->peek_ns = 0;
	g->fresh = kind == NSCAP_GEAR_BULK;
	g->hold = false;
}

enum nscap_gear_step nscap_gear_next(struct nscap_gear *g, uint64_t now_ns,
				     uint64_t packets)
{
	uint64_t span;

	switch (g->kind) {
	case NSCAP_GEAR_LIGHT:
		/* a wake-up for other handles: not this one's */
		if (packets == 0)
			return NSCAP_GEAR_STAY;
		/* since its last wake-up: the rate those packets came at */
		span = now_ns > g->since_ns ? now_ns - g->since_ns : 0;
		g->since_ns = now_ns;
		if (packets < NSCAP_GEAR_UP_PACKETS &&
		    (packets < NSCAP_GEAR_UP_BURST ||
		     packets * 1000000000u < NSCAP_GEAR_UP_PPS * span))
			return NSCAP_GEAR_STAY;
		nscap_gear_busy(g, now_ns);
		return NSCAP_GEAR_UP;
	case NSCAP_GEAR_BULK:
		if (g->fresh && packets < NSCAP_GEAR_UP_PACKETS && g->hold) {
			/* the first wake-up, and light, but a burst may follow
			 * at once: hold a moment */
			g->kind = NSCAP_GEAR_HOLD;
			g->since_ns = now_ns + NSCAP_GEAR_HOLD_NS;
			g->packets = 0;
			g->fresh = false;
			return NSCAP_GEAR_STAY;
		}
		if (g->fresh && packets < NSCAP_GEAR_UP_PACKETS) {
			/* the first wake-up, and light: no need for a window */
			nscap_gear_settle(g, now_ns);
			return NSCAP_GEAR_DOWN;
		}
		g->fresh = false;
		if (packets >= NSCAP_GEAR_UP_PACKETS) {
			/* busy now: the quiet window starts again (the first
			 * wake-up of a burst after a long silence must not
			 * look quiet over the whole window) */
			g->since_ns = now_ns;
			g->packets = 0;
			return NSCAP_GEAR_STAY;
		}
		g->packets += packets;
		if (now_ns < g->since_ns ||
		    now_ns - g->since_ns < NSCAP_GEAR_WINDOW_NS)
			return NSCAP_GEAR_STAY;
		span = now_ns - g->since_ns;
		if (span > 1000000000000u) /* 1000 s: no overflow below */
			span = 1000000000000u;
		g->since_ns = now_ns;
		/* packets / span < DOWN_PPS, without a division */
		if (g->packets * 1000000000u >= NSCAP_GEAR_DOWN_PPS * span) {
			g->packets = 0;
			return NSCAP_GEAR_STAY;
		}
		nscap_gear_settle(g, now_ns);
		return NSCAP_GEAR_DOWN;
	case NSCAP_GEAR_HOLD:
		if (packets >= NSCAP_GEAR_UP_PACKETS) {
			/* the burst came: a whole window before going down */
			nscap_gear_busy(g, now_ns);
			return NSCAP_GEAR_STAY;
		}
		if (now_ns < g->since_ns)
			return NSCAP_GEAR_STAY;
		nscap_gear_settle(g, now_ns);
		return NSCAP_GEAR_DOWN;
	case NSCAP_GEAR_SETTLE:
	default:
		if (now_ns < g->since_ns)
			return NSCAP_GEAR_STAY;
		nscap_gear_init(g, now_ns, NSCAP_GEAR_LIGHT);
		return NSCAP_GEAR_SETTLED;
	}
}

void nscap_gear_busy(struct nscap_gear *g, uint64_t now_ns)
{
	nscap_gear_init(g, now_ns, NSCAP_GEAR_BULK);
	g->fresh = false;
}

void nscap_gear_settle(struct nscap_gear *g, uint64_t now_ns)
{
	g->kind = NSCAP_GEAR_SETTLE;
	g->since_ns = now_ns + NSCAP_GEAR_SETTLE_NS;
	g->peek_ns = now_ns + NSCAP_GEAR_PEEK_NS;
	g->packets = 0;
	g->fresh = false;
}

void nscap_gear_end_settle(struct nscap_gear *g, uint64_t now_ns)
{
	if (g->kind == NSCAP_GEAR_SETTLE)
		nscap_gear_init(g, now_ns, NSCAP_GEAR_LIGHT);
}

bool nscap_gear_peek(struct nscap_gear *g, uint64_t now_ns)
{
	if (g->kind != NSCAP_GEAR_SETTLE || now_ns < g->peek_ns)
		return false;
	g->peek_ns = 0;
	return true;
}

uint64_t nscap_gear_deadline(const struct nscap_gear *g)
{
	if (g->kind == NSCAP_GEAR_SETTLE && g->peek_ns)
		return g->peek_ns;
	return g->kind == NSCAP_GEAR_SETTLE || g->kind == NSCAP_GEAR_HOLD
		       ? g->since_ns
		       : UINT64_MAX;
}
