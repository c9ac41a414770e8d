# mmsim — GNU make, no configure step.
#   make            library build/libmmsim.a and command build/mmsim
#   make test       every test (installs missing Debian packages first)
#   make lua-tests  the Lua API tests (tests/lua/*.lua, run with mmsim run)
#   make check      the same suite under ASan + UBSan (build/san/)
#   make oracle     the corpus tests/oracle/ against this machine's kernel (mmsim diff)
#   make fuzz-oracle  random scripts against this machine's kernel (FUZZ="--seeds 2000 ...")
#   make bench      benchmarks -> build/bench.json (QUICK=1 for a short run)
#   make run        the tour on the default machine
#   make deps       install missing Debian packages (root) or print the apt-get line
#   make install    PREFIX=/usr/local (command, header, library, pkg-config file, man page)

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BUILD     ?= build
CC        ?= cc
# Release builds are optimised; the sanitizer build passes its own flags.
OPT       ?= -O2 -g
SAN       ?=
CPPFLAGS  += -Iinclude -Isrc -D_GNU_SOURCE -DMMSIM_VERSION='"$(VERSION)"'
# Position-independent with hidden symbols: the same objects build the Lua
# module (a shared object exporting only luaopen_mmsim) and the programs.
CFLAGS    += -std=c17 $(OPT) $(SAN) -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -fno-strict-aliasing -fPIC -fvisibility=hidden -MMD -MP
LDFLAGS   += $(SAN)
LUA_CFLAGS := $(shell pkg-config --cflags lua5.4 2>/dev/null || echo -I/usr/include/lua5.4)
LUA_LIBS   := $(shell pkg-config --libs lua5.4 2>/dev/null || echo -llua5.4)
EDIT_CFLAGS := $(shell pkg-config --cflags libedit 2>/dev/null || echo -I/usr/include/editline)
EDIT_LIBS   := $(shell pkg-config --libs libedit 2>/dev/null || echo -ledit)
JSON_LIBS   := $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson)
LUA_MODDIR  ?= $(PREFIX)/lib/lua/5.4

LIB_SRC   := $(sort $(wildcard src/hw/*.c src/kernel/*.c src/procfs/*.c src/api/*.c src/host/*.c))
LUA_SRC   := $(sort $(wildcard src/lua/*.c))
CLI_SRC   := $(sort $(wildcard src/cli/*.c))
TEST_SRC  := $(sort $(wildcard tests/unit/*.c))
BENCH_SRC := $(sort $(wildcard bench/*.c))

LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/src/host/helper_blob.o
LUA_OBJ   := $(LUA_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_OBJ  := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)
BENCH_OBJ := $(BENCH_SRC:%.c=$(BUILD)/obj/%.o)

LIB       := $(BUILD)/libmmsim.a
LUAMOD    := $(BUILD)/lua/mmsim.so
CLI       := $(BUILD)/mmsim
UNIT      := $(BUILD)/unit-tests
BENCHBIN  := $(BUILD)/mmsim-bench
# The host backend's helper (src/host/helper/): no C library, never
# sanitized; the library embeds it. It has no .bss (its last segment is
# file-backed, as a small PIE's data page is) and is linked twice: the second
# time so that it ends where the simulator's five-page image ends
# (0x555555559000), so the heap starts at the same address.
HELPER     := $(BUILD)/mmsim-host-helper
HELPER_SRC := $(sort $(wildcard src/host/helper/*.c))
HELPER_OBJ := $(HELPER_SRC:%.c=$(BUILD)/obj/%.o)
HELPER_CFLAGS := -std=c17 -O2 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -ffreestanding -fno-builtin -fno-stack-protector -fpie -fvisibility=hidden \
             -fno-asynchronous-unwind-tables -fno-tree-loop-distribute-patterns \
             -MMD -MP
HELPER_LDFLAGS := -nostdlib -static -no-pie -Wl,-z,noexecstack -Wl,-z,max-page-size=4096 \
             -Wl,--build-id=none -Wl,-z,norelro
HELPER_END := 0x555555559000

TEST_LIBS := $(shell pkg-config --libs criterion 2>/dev/null || echo -lcriterion)
# Extra malloc baselines loaded with dlopen when installed (jemalloc cannot
# be: it needs static TLS).
BENCH_ALLOCS := $(shell for l in mimalloc; do \
                  [ -e /usr/lib/x86_64-linux-gnu/lib$$l.so ] && echo $$l; done)

.PHONY: all test check bench run deps install uninstall clean unit cli-tests lua-tests install-test golden
.PHONY: oracle oracle-if-root fuzz-oracle fuzz-tests fuzz-regress fuzz-regress-if-root
all: $(LIB) $(CLI) $(LUAMOD)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/src/lua/%.o: src/lua/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(LUA_CFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/src/cli/%.o: src/cli/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(LUA_CFLAGS) $(EDIT_CFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/obj/src/host/helper/%.o: src/host/helper/%.c
	@mkdir -p $(dir $@)
	$(CC) -Iinclude -Isrc $(HELPER_CFLAGS) -c $< -o $@

$(HELPER): $(HELPER_OBJ)
	$(CC) $(HELPER_LDFLAGS) -Wl,-Ttext-segment=$(HELPER_END) -o $@.tmp $(HELPER_OBJ)
	end=$$(nm $@.tmp | awk '$$3 == "_end" { print "0x" $$1 }') && \
	base=$$(printf '%#x' $$(( 2 * $(HELPER_END) - (($$end + 4095) & ~4095) ))) && \
	$(CC) $(HELPER_LDFLAGS) -Wl,-Ttext-segment=$$base -o $@ $(HELPER_OBJ)
	rm -f $@.tmp

$(BUILD)/obj/src/host/helper_blob.o: src/host/helper_blob.S $(HELPER)
	@mkdir -p $(dir $@)
	$(CC) -DHELPER_PATH='"$(HELPER)"' -c $< -o $@

# The module for a plain lua5.4: the interpreter provides Lua itself.
$(LUAMOD): $(LUA_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -shared -o $@ $(LUA_OBJ) $(LIB) -lm

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(CLI): $(CLI_OBJ) $(LUA_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LUA_OBJ) $(LIB) $(LUA_LIBS) $(EDIT_LIBS) $(JSON_LIBS) -lm

$(UNIT): $(TEST_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(TEST_OBJ) $(LIB) $(TEST_LIBS) -lm

$(BENCHBIN): $(BENCH_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(BENCH_OBJ) $(LIB) -lm -ldl

# Test binaries find their fixtures relative to the source tree.
unit: $(UNIT)
	$(UNIT) --jobs=$$(nproc) $(CRITERION_ARGS)

cli-tests: $(CLI)
	MMSIM=$(abspath $(CLI)) bash tests/cli/run.sh

lua-tests: $(CLI)
	MMSIM=$(abspath $(CLI)) bash tests/lua/run.sh

install-test: all
	bash tests/install/run.sh

# The oracle corpus: every tests/oracle/*.lua through `mmsim diff`. It runs
# real processes on this machine and its verdicts hold for the kernel they
# were checked on, so `make test` runs it where CI runs, on Linux as root,
# and says that it skipped it elsewhere (`make oracle` still runs anywhere).
oracle: all
	MMSIM=$(abspath $(CLI)) bash tests/oracle/run.sh

oracle-if-root:
	@if [ "$$(uname -s)" = Linux ] && [ "$$(id -u)" = 0 ]; then \
	    $(MAKE) --no-print-directory oracle; \
	else \
	    echo "oracle: SKIPPED: it needs Linux and root (this is $$(uname -s), uid $$(id -u)); run make oracle there"; \
	fi

# The differential fuzzer (tests/fuzz/, docs/oracle.md#make-fuzz-oracle):
# random scripts from seeds through `mmsim diff`, the first difference
# reduced. Options in FUZZ, e.g. make fuzz-oracle FUZZ="--seeds 2000 --keep-going".
# Exit 3 of the fuzzer (this host cannot compare) is a skip, not a failure.
fuzz-oracle: all
	@MMSIM=$(abspath $(CLI)) lua5.4 tests/fuzz/fuzz.lua --out $(BUILD)/fuzz-oracle $(FUZZ); \
	    rc=$$?; [ $$rc -eq 3 ] && rc=0; exit $$rc

# The fuzzer's own tests, without the host (part of make test).
fuzz-tests: $(CLI)
	MMSIM=$(abspath $(CLI)) lua5.4 tests/fuzz/selftest.lua

# The seeds of tests/fuzz/regress-seeds, which agreed when they were chosen,
# as a regression check; `make test` runs it where it runs the corpus.
fuzz-regress: all
	@MMSIM=$(abspath $(CLI)) lua5.4 tests/fuzz/fuzz.lua --quiet --no-reduce --name fuzz-regress --seed-list tests/fuzz/regress-seeds \
	    --out $(BUILD)/fuzz-regress; rc=$$?; [ $$rc -eq 3 ] && rc=0; exit $$rc

fuzz-regress-if-root:
	@if [ "$$(uname -s)" = Linux ] && [ "$$(id -u)" = 0 ]; then \
	    $(MAKE) --no-print-directory fuzz-regress; \
	else \
	    echo "fuzz-regress: SKIPPED: it needs Linux and root (this is $$(uname -s), uid $$(id -u)); run make fuzz-regress there"; \
	fi

test: deps
	$(MAKE) --no-print-directory all $(UNIT)
	$(MAKE) --no-print-directory unit cli-tests lua-tests fuzz-tests install-test
	$(MAKE) --no-print-directory oracle-if-root
	$(MAKE) --no-print-directory fuzz-regress-if-root

# The sanitizer build lives beside the release build and runs the same suite.
check: deps
	$(MAKE) --no-print-directory BUILD=build/san OPT="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" unit cli-tests lua-tests fuzz-tests

bench: deps $(BENCHBIN)
	$(BENCHBIN) $(if $(QUICK),--quick) --json $(BUILD)/bench.json \
	    $(foreach a,$(BENCH_ALLOCS),--with-$(a) /usr/lib/x86_64-linux-gnu/lib$(a).so)

run: deps all
	$(CLI) run examples/tour.lua

# Rewrite the golden outputs of the examples and the demo from this build
# (review the diff: a golden file changes only with a deliberate change).
golden: all
	for f in examples/*.lua; do \
	    $(CLI) run $$f > tests/cli/golden/examples/$$(basename $$f .lua).txt || exit 1; done
	$(CLI) demo > tests/cli/golden/demo.txt
	lua5.4 tests/fuzz/fuzz.lua --print 1 --ops 40 > tests/fuzz/golden/seed-1-40.lua

deps:
	@bash mk/deps.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 $(CLI) $(DESTDIR)$(PREFIX)/bin/mmsim
	install -m 644 include/mmsim.h $(DESTDIR)$(PREFIX)/include/mmsim.h
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/libmmsim.a
	install -d $(DESTDIR)$(LUA_MODDIR)
	install -m 755 $(LUAMOD) $(DESTDIR)$(LUA_MODDIR)/mmsim.so
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' mk/mmsim.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/mmsim.pc
	if [ -f docs/mmsim.1 ]; then install -d $(DESTDIR)$(PREFIX)/share/man/man1 && \
	    install -m 644 docs/mmsim.1 $(DESTDIR)$(PREFIX)/share/man/man1/mmsim.1; fi

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/mmsim $(DESTDIR)$(PREFIX)/include/mmsim.h \
	      $(DESTDIR)$(PREFIX)/lib/libmmsim.a $(DESTDIR)$(PREFIX)/lib/pkgconfig/mmsim.pc \
	      $(DESTDIR)$(LUA_MODDIR)/mmsim.so \
	      $(DESTDIR)$(PREFIX)/share/man/man1/mmsim.1

clean:
	rm -rf build

-include $(HELPER_OBJ:.o=.d)
-include $(LIB_OBJ:.o=.d) $(LUA_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d) $(BENCH_OBJ:.o=.d)
