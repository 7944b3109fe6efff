/*
 * nscap_watch_matters (include/nscap/watch.h): which rtnetlink messages
 * make -i all list a namespace's interfaces again. A promiscuity count's
 * change does not (each capture socket's open and close sends one: a
 * stream's immediate rings rang the doorbell once each); a new, deleted,
 * renamed, or up or down link does, and so does any other message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "nscap/watch.h"

/* Messages as the kernel sends them, one after another in buf. */
struct msgs {
	union {
		struct nlmsghdr nh;
		char buf[1024];
	} u;
	size_t len;
};

static void add(struct msgs *m, uint16_t type, unsigned int change)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)(m->u.buf + m->len);
	struct ifinfomsg *ifi = NLMSG_DATA(nh);

	memset(nh, 0, NLMSG_SPACE(sizeof(*ifi)));
	nh->nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
	nh->nlmsg_type = type;
	ifi->ifi_index = 2;
	ifi->ifi_flags = IFF_UP | IFF_PROMISC;
	ifi->ifi_change = change;
	m->len += NLMSG_SPACE(sizeof(*ifi));
}

static void test_promiscuity_only(void **state)
{
	struct msgs m = {.len = 0};

	(void)state;
	add(&m, RTM_NEWLINK, IFF_PROMISC);
	assert_false(nscap_watch_matters(m.u.buf, m.len));
	add(&m, RTM_NEWLINK, IFF_PROMISC);
	assert_false(nscap_watch_matters(m.u.buf, m.len));
	assert_false(nscap_watch_matters(m.u.buf, 0));
}

static void test_changes_that_matter(void **state)
{
	static const struct {
		uint16_t type;
		unsigned int change;
	} cases[] = {
		{RTM_NEWLINK, 0xffffffffu},	     /* a new link */
		{RTM_NEWLINK, 0},		     /* renamed */
		{RTM_NEWLINK, IFF_UP},		     /* up or down */
		{RTM_NEWLINK, IFF_UP | IFF_PROMISC}, /* both at once */
		{RTM_DELLINK, 0},		     /* gone */
		{RTM_DELLINK, IFF_PROMISC},	     /* gone, whatever */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct msgs m = {.len = 0};

		add(&m, cases[i].type, cases[i].change);
		assert_true(nscap_watch_matters(m.u.buf, m.len));
		/* behind a promiscuity change in one read too */
		m.len = 0;
		add(&m, RTM_NEWLINK, IFF_PROMISC);
		add(&m, cases[i].type, cases[i].change);
		assert_true(nscap_watch_matters(m.u.buf, m.len));
	}
}

/* A message too short to hold its ifinfomsg is not taken for one. */
static void test_short_message(void **state)
{
	struct msgs m = {.len = 0};

	(void)state;
	add(&m, RTM_NEWLINK, IFF_PROMISC);
	m.u.nh.nlmsg_len = NLMSG_LENGTH(0);
	m.len = NLMSG_SPACE(0);
	assert_true(nscap_watch_matters(m.u.buf, m.len));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_promiscuity_only),
		cmocka_unit_test(test_changes_that_matter),
		cmocka_unit_test(test_short_message),
	};

	return cmocka_run_group_tests_name("watch", tests, NULL, NULL);
}
