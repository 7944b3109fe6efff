# nscap: see README.md. `make` builds build/nscap; `make test` installs what
# is missing (scripts/deps.sh) and runs every test.
VERSION := 0.1.0
CC ?= cc
PKG_CONFIG ?= pkg-config

PCAP_CFLAGS := $(shell $(PKG_CONFIG) --cflags libpcap 2>/dev/null)
PCAP_LIBS := $(shell $(PKG_CONFIG) --libs libpcap 2>/dev/null || echo -lpcap)
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2
CPPFLAGS += -D_GNU_SOURCE -DNSCAP_VERSION=\"$(VERSION)\" -Iinclude $(PCAP_CFLAGS)
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 $(WARN) -pthread
LDLIBS += $(PCAP_LIBS) -pthread

SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

CAPTURE_SRC := capture/ns.c capture/iface.c capture/handle.c capture/fanout.c \
	capture/watch.c
HOST_SRC := src/options.c src/target.c src/output.c src/writer_pcap.c \
	src/cgroup.c src/runtime.c src/json.c src/nslist.c \
	src/format.c src/session.c src/ring.c \
	src/stats.c src/loop.c src/writer_pcapng.c \
	src/rotate.c src/privdrop.c src/procfs.c
MODULE_SRC := $(CAPTURE_SRC) $(HOST_SRC)
MAIN_SRC := src/main.c
HEADERS := $(wildcard include/nscap/*.h)

UNIT_TESTS := test_ring test_loop test_options test_target test_stats test_writer_pcap \
	test_format \
	test_iface test_output test_writer_pcapng \
	test_cgroup test_resolve test_nslist \
	test_rotate test_privdrop test_counts test_fanout test_watch
UNIT_BINS := $(addprefix build/tests/,$(UNIT_TESTS))
NS_TEST_BIN := build/tests/test_nsthread

B := build
OBJ := $(patsubst %.c,$(B)/obj/%.o,$(MODULE_SRC) $(MAIN_SRC))
ASAN_OBJ := $(patsubst %.c,$(B)/asan/%.o,$(MODULE_SRC) $(MAIN_SRC))
ASAN_MODULES := $(patsubst %.c,$(B)/asan/%.o,$(MODULE_SRC))

.PHONY: all asan test unit integration valgrind lint format check-format \
	headers clean demo install bench

all: $(B)/nscap

$(B)/nscap: $(OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/obj/%.o: %.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The sanitizer build: what the integration tests run.
asan: $(B)/asan/nscap

$(B)/asan/nscap: $(ASAN_OBJ)
	$(CC) $(CFLAGS) $(SAN) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/asan/%.o: %.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SAN) -c -o $@ $<

# Unit tests link the modules without main.o.
$(B)/tests/%: tests/unit/%.c $(ASAN_MODULES) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SAN) -o $@ $< $(ASAN_MODULES) \
		$(LDLIBS) $(CMOCKA_LIBS)

$(B)/tests/test_nsthread: tests/integration/test_nsthread.c $(ASAN_MODULES) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SAN) -o $@ $< $(ASAN_MODULES) \
		$(LDLIBS) $(CMOCKA_LIBS)

# Target resolution and nscap -L through the module API, for
# tests/integration/t_targets.sh and t_podman.sh.
$(B)/tests/resolve_probe: tests/integration/resolve_probe.c $(ASAN_MODULES) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(SAN) -o $@ $< $(ASAN_MODULES) $(LDLIBS)

$(B)/udpgen: scripts/udpgen.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $<

# Every header compiles on its own.
headers:
	@mkdir -p $(B)/headers
	@for h in $(HEADERS); do \
		echo "#include \"$${h#include/}\"" > $(B)/headers/one.c; \
		$(CC) $(CPPFLAGS) $(CFLAGS) -fsyntax-only $(B)/headers/one.c \
			|| exit 1; \
	done; echo "headers: each compiles alone"

unit: $(UNIT_BINS)
	@scripts/run-unit.sh $(UNIT_BINS)

integration: $(B)/asan/nscap $(B)/nscap $(NS_TEST_BIN) $(B)/udpgen \
		$(B)/tests/resolve_probe $(B)/tests/test_writer_pcapng
	@NSCAP=$(CURDIR)/$(B)/asan/nscap NSCAP_PLAIN=$(CURDIR)/$(B)/nscap \
		NS_TEST_BIN=$(CURDIR)/$(NS_TEST_BIN) \
		RESOLVE_PROBE=$(CURDIR)/$(B)/tests/resolve_probe \
		UDPGEN=$(CURDIR)/$(B)/udpgen tests/integration/run.sh

lint: headers check-format
	cppcheck --quiet --error-exitcode=1 --enable=warning,style,performance,portability \
		--std=c11 --inline-suppr --suppress=missingIncludeSystem \
		-Iinclude -D_GNU_SOURCE $(MODULE_SRC) $(MAIN_SRC)
	clang-tidy --quiet $(MODULE_SRC) $(MAIN_SRC) -- $(CPPFLAGS) -std=c11
	@echo "lint: cppcheck and clang-tidy clean"

check-format:
	clang-format --dry-run --Werror $(MODULE_SRC) $(MAIN_SRC) $(HEADERS) \
		tests/unit/*.c tests/integration/*.c scripts/*.c
	@echo "format: clean"

format:
	clang-format -i $(MODULE_SRC) $(MAIN_SRC) $(HEADERS) tests/unit/*.c \
		tests/integration/*.c scripts/*.c

test:
	scripts/deps.sh
	$(MAKE) all asan
	$(MAKE) lint
	$(MAKE) unit
	$(MAKE) integration

demo:
	scripts/demo.sh

# make install [PREFIX=/usr/local] [DESTDIR=...]: the binary (a tool for
# root, so sbin, as tcpdump's is) and the man page
PREFIX ?= /usr/local
install: $(B)/nscap
	install -D -m 0755 $(B)/nscap $(DESTDIR)$(PREFIX)/sbin/nscap
	install -D -m 0644 nscap.1 $(DESTDIR)$(PREFIX)/share/man/man1/nscap.1

clean:
	rm -rf $(B)

# The benchmark against tcpdump and dumpcap (scripts/bench.sh, as root;
# docs/BENCHMARKS.md). Results in bench/: results.json, bench.png.
# Options through BENCH_ARGS, e.g. make bench BENCH_ARGS="-r 5".
BENCH_TOOLS := $(B)/bench_run $(B)/bench_latency $(B)/bench_sink \
	$(B)/bench_floor

$(B)/bench_%: scripts/bench_%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $<

# the floor reads packets with libpcap
$(B)/bench_floor: scripts/bench_floor.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(PCAP_LIBS)

# The build's packages first where libpcap is not found (a fresh machine
# has no libpcap-dev; make runs again to find it), then the build;
# bench.sh installs the tools it runs.
bench:
	$(PKG_CONFIG) --exists libpcap 2>/dev/null || scripts/deps.sh build
	$(MAKE) --no-print-directory $(B)/nscap $(B)/udpgen $(BENCH_TOOLS)
	scripts/bench.sh $(BENCH_ARGS)
