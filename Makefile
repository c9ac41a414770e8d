# mmsim — GNU make, no configure step. `make help` prints this.
#   make            the command build/mmsim, the libraries build/libmmsim.a and
#                   build/libmmsim.so.0.1.0 (exporting mmsim_* only) and the
#                   Lua module build/lua/mmsim.so
#   make test       every suite, each on its own, then each reported passed,
#                   FAILED or skipped; fails if any failed. The suites, also
#                   targets of their own: unit, cli-tests, lua-tests,
#                   install-test, layers (the #include directions of
#                   mk/layers.txt), layers-tests, make-tests, oracle-if-root
#   make check      unit, cli-tests, lua-tests under ASan + UBSan (build/san/)
#   make oracle     the corpus tests/oracle/ against this machine's kernel (mmsim diff)
#   make fuzz-oracle  random scripts against this machine's kernel (FUZZ="--seeds 2000 ...")
#   make fuzz       the trace readers' fuzz targets under libFuzzer (clang) with ASan
#                   and UBSan, FUZZ_TIME seconds each (60), from tests/fuzz-trace/corpus
#   make bench      benchmarks -> build/bench.json (QUICK=1 for a short run)
#   make soak       the swap integrity test with 10^8 operations (SOAK_OPS=n; make test runs 10^6)
#   make run        the tour on the default machine (installs missing packages first)
#   make demo-trace examples/traces/chase.c recorded with mmsim record (a scan and
#                   a pointer chase) and replayed on two machines, side by side
#   make golden     rewrite the golden outputs of the examples from this build
#   make deps       install missing Debian packages (root) or print the apt-get line;
#                   test, check and bench only check and say what is missing
#   make install    into $(DESTDIR)$(PREFIX), /usr/local: command, header, static
#                   and shared library, pkg-config file, Lua module, man page,
#                   and the same for libmmsim-trace (traces; needs libzstd);
#                   make uninstall removes them; make clean removes build/
# Variables: CC, CFLAGS (default $(OPT): -O2 -g), CPPFLAGS, LDFLAGS, LDLIBS
# are yours; the flags the build needs are added apart. WERROR=-Werror is
# the default (CI and make check set it); WERROR= keeps going on warnings.
# V=1 prints full commands. BUILD=dir builds elsewhere (CC=clang BUILD=build/clang);
# new flags in the same BUILD rebuild. PREFIX, BINDIR, INCLUDEDIR, LIBDIR,
# MANDIR, LUA_MODDIR, DESTDIR: where make install puts things.

VERSION    := 0.1.0
SOVERSION  := 0
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
INCLUDEDIR ?= $(PREFIX)/include
LIBDIR     ?= $(PREFIX)/lib
MANDIR     ?= $(PREFIX)/share/man
LUA_MODDIR ?= $(LIBDIR)/lua/5.4
BUILD      ?= build
OBJCOPY    ?= objcopy

# The user's flags. Release builds are optimised; make check passes its own.
OPT        ?= -O2 -g
CFLAGS     ?= $(OPT)
WARN       := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
WERROR     ?= -Werror
SAN        ?=
# The flags the build needs, whatever CFLAGS says: C17; position-independent
# with hidden symbols (the same objects build the libraries, the Lua module
# and the programs; mmsim.h marks the API visible, and no program may replace
# an mmsim_* function inside the library, so its own calls of them stay
# direct and inlinable); dependency files.
MMSIM_CPPFLAGS := -Iinclude -Isrc -D_GNU_SOURCE -DMMSIM_VERSION='"$(VERSION)"' -MMD -MP
MMSIM_CFLAGS   := -std=c17 -fPIC -fvisibility=hidden -fno-semantic-interposition -fno-strict-aliasing
COMPILE     = $(CC) $(MMSIM_CPPFLAGS) $(CPPFLAGS) $(MMSIM_CFLAGS) $(WARN) $(WERROR) $(SAN) $(CFLAGS)
LINK        = $(CC) $(SAN) $(CFLAGS) $(LDFLAGS)

LUA_CFLAGS  := $(shell pkg-config --cflags lua5.4 2>/dev/null || echo -I/usr/include/lua5.4)
LUA_LIBS    := $(shell pkg-config --libs lua5.4 2>/dev/null || echo -llua5.4)
EDIT_CFLAGS := $(shell pkg-config --cflags libedit 2>/dev/null || echo -I/usr/include/editline)
EDIT_LIBS   := $(shell pkg-config --libs libedit 2>/dev/null || echo -ledit)
JSON_LIBS   := $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson)
TEST_LIBS   := $(shell pkg-config --libs criterion 2>/dev/null || echo -lcriterion)
ZSTD_LIBS   := $(shell pkg-config --libs libzstd 2>/dev/null || echo -lzstd)
# ChampSim traces are xz-compressed: libmmsim-trace reads them with liblzma.
ZSTD_LIBS   += $(shell pkg-config --libs liblzma 2>/dev/null || echo -llzma)

# Everything built depends on the flags: building with others (CC, CFLAGS,
# WERROR...) in the same BUILD rebuilds it all.
FLAGS_STAMP := $(BUILD)/flags
flags_now = $(COMPILE) | $(LINK) $(LDLIBS) | $(LUA_CFLAGS) $(EDIT_CFLAGS)
ifneq ($(file <$(FLAGS_STAMP)),$(flags_now))
$(shell mkdir -p $(BUILD))
$(file >$(FLAGS_STAMP),$(flags_now))
endif

# Short lines (CC src/kernel/vma.c); V=1 prints the commands, make -s nothing.
ifeq ($(V),1)
quiet =
else ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
quiet = @
else
quiet = @printf '%s %s\n' '$(1)' '$(2)';
endif

# Every object has a name of its own, the source's path below src/ with '-'
# for '/' (src/kernel/vma.c -> kernel-vma.o), so archive members are unique.
obj = $(patsubst %,$(BUILD)/obj/%.o,$(subst /,-,$(basename $(patsubst src/%,%,$(1)))))

# The library: every file of these layers (src/common.h is a header only).
LIB_SRC   := $(sort $(wildcard src/hw/*.c src/kernel/*.c src/procfs/*.c src/api/*.c src/sim/*.c \
                               src/host/*.c))
TRACE_SRC := $(sort $(wildcard src/trace/*.c))
LUA_SRC   := $(sort $(wildcard src/lua/*.c))
# The pictures (src/draw): above the public API, in the Lua module and the command.
DRAW_SRC  := $(sort $(wildcard src/draw/*.c))
CLI_SRC   := $(sort $(wildcard src/cli/*.c))
TEST_SRC  := $(sort $(wildcard tests/unit/*.c))
BENCH_SRC := $(sort $(wildcard bench/*.c))
# The trace readers' fuzz targets (tests/fuzz-trace): each target's file,
# and what they share (common.c; corpus.c is the driver without libFuzzer).
FUZZT_SRC := $(sort $(wildcard tests/fuzz-trace/*.c))
FUZZT     := reader lackey champsim

LIB_OBJ   := $(call obj,$(LIB_SRC) src/host/helper_blob.S)
TRACE_OBJ := $(call obj,$(TRACE_SRC))
LUA_OBJ   := $(call obj,$(LUA_SRC))
DRAW_OBJ  := $(call obj,$(DRAW_SRC))
CLI_OBJ   := $(call obj,$(CLI_SRC))
TEST_OBJ  := $(call obj,$(TEST_SRC))
BENCH_OBJ := $(call obj,$(BENCH_SRC))

# The installed libraries export the public API only (mmsim_*): the kernel
# keeps Linux's names (kmalloc, find_vma...) inside. The static one is a
# partial link of the library's objects with every other symbol made local;
# the shared one exports mmsim_* by mk/libmmsim.map. The unit tests and the
# benchmarks reach the internals through the internal archive (not installed).
LIB       := $(BUILD)/libmmsim.a
SOLIB     := $(BUILD)/libmmsim.so.$(VERSION)
SONAME    := libmmsim.so.$(SOVERSION)
INTLIB    := $(BUILD)/libmmsim-internal.a
LUAMOD    := $(BUILD)/lua/mmsim.so
# Traces and their replay (src/trace, include/mmsim_trace.h): a library of
# their own because they need libzstd, and libmmsim only the C library.
# Built as libmmsim is: a static one of one partially linked object, and a
# shared one; both export mmsim_* only and use libmmsim through mmsim.h.
TRACE_LIB := $(BUILD)/libmmsim-trace.a
TRACE_SOLIB := $(BUILD)/libmmsim-trace.so.$(VERSION)
TRACE_SONAME := libmmsim-trace.so.$(SOVERSION)
CLI       := $(BUILD)/mmsim
UNIT      := $(BUILD)/unit-tests
BENCHBIN  := $(BUILD)/mmsim-bench
# The host backend's helper (src/host/helper/): no C library, never
# sanitized, built with its own fixed flags; the library embeds it. It has no
# .bss (its last segment is file-backed, as a small PIE's data page is) and
# is linked twice: the second time so that it ends where the simulator's
# five-page image ends (0x555555559000), so the heap starts at the same address.
HELPER     := $(BUILD)/mmsim-host-helper
HELPER_SRC := $(sort $(wildcard src/host/helper/*.c))
HELPER_OBJ := $(call obj,$(HELPER_SRC))
# has_flag F: F if $(CC) takes it (gcc's -fno-tree-loop-distribute-patterns
# keeps memset's loop from becoming a call of memset; clang never does that
# inside memset and has no such flag).
has_flag = $(shell $(CC) -Werror $(1) -E -x c /dev/null >/dev/null 2>&1 && echo $(1))
HELPER_CFLAGS = -std=c17 -O2 -g $(WARN) $(WERROR) -MMD -MP \
             -ffreestanding -fno-builtin -fno-stack-protector -fpie -fvisibility=hidden \
             -fno-asynchronous-unwind-tables $(call has_flag,-fno-tree-loop-distribute-patterns)
HELPER_LDFLAGS := -nostdlib -static -Wl,-z,noexecstack -Wl,-z,max-page-size=4096 \
             -Wl,--build-id=none -Wl,-z,norelro
HELPER_END := 0x555555559000

# The Valgrind tool behind `mmsim record` (tools/valgrind: GPL-2, a program
# of its own that shares nothing with mmsim but the trace format). Built when
# valgrind's static core libraries and headers are installed (make deps
# installs valgrind), as Valgrind builds its tools: static, no C library, at
# Valgrind's fixed text address, never sanitized. $(VG_DIR) is a VALGRIND_LIB
# directory: the tool beside links to valgrind's own files.
VG_CORE    := $(firstword $(wildcard /usr/lib/x86_64-linux-gnu/valgrind/libcoregrind-amd64-linux.a \
                /usr/lib/valgrind/libcoregrind-amd64-linux.a /usr/libexec/valgrind/libcoregrind-amd64-linux.a))
VG_PRELOAD := $(firstword $(wildcard /usr/libexec/valgrind/vgpreload_core-amd64-linux.so \
                /usr/lib/x86_64-linux-gnu/valgrind/vgpreload_core-amd64-linux.so \
                /usr/lib/valgrind/vgpreload_core-amd64-linux.so))
VG_DIR     := $(BUILD)/valgrind
CHASE      := $(BUILD)/examples/chase
VG_TOOL    := $(if $(and $(VG_CORE),$(VG_PRELOAD),$(wildcard /usr/include/valgrind/pub_tool_basics.h)),$(VG_DIR)/mmsim-record-amd64-linux)
VG_CFLAGS  := -std=gnu17 -O2 -g -gdwarf-4 -m64 -Wall -Wextra -Wno-unused-parameter $(WERROR) -fno-stack-protector \
              -fno-builtin -fno-strict-aliasing -fno-omit-frame-pointer -fno-pie -fno-pic \
              -DVGA_amd64 -DVGO_linux -DVGP_amd64_linux -DVGPV_amd64_linux_vanilla -I/usr/include/valgrind
VG_LDFLAGS := -static -nodefaultlibs -nostartfiles -u _start -no-pie -Wl,--build-id=none \
              -Wl,-Ttext-segment=0x58000000

ALL_OBJ := $(LIB_OBJ) $(TRACE_OBJ) $(LUA_OBJ) $(DRAW_OBJ) $(CLI_OBJ) $(TEST_OBJ) $(BENCH_OBJ) $(HELPER_OBJ)
ifneq ($(words $(ALL_OBJ)),$(words $(sort $(ALL_OBJ))))
$(error two sources share an object name: $(sort $(foreach o,$(ALL_OBJ),$(if $(filter-out 1,$(words $(filter $(o),$(ALL_OBJ)))),$(o)))))
endif
# The objects links take: adding or removing a source relinks (a removed
# file's object would stay in an archive or a program otherwise).
SOURCES_STAMP := $(BUILD)/sources
ifneq ($(file <$(SOURCES_STAMP)),$(ALL_OBJ))
$(shell mkdir -p $(BUILD))
$(file >$(SOURCES_STAMP),$(ALL_OBJ))
endif

# Extra malloc baselines loaded with dlopen when installed (jemalloc cannot
# be: it needs static TLS).
BENCH_ALLOCS := $(shell for l in mimalloc; do \
                  [ -e /usr/lib/x86_64-linux-gnu/lib$$l.so ] && echo $$l; done)

# The suites make test runs, in this order, each a target of this file, and
# what it builds first (tests/make/run.sh points both at stubs).
SUITES     := unit cli-tests lua-tests fuzz-tests install-test layers layers-tests make-tests \
              oracle-if-root fuzz-regress-if-root record-tests trace-fuzz-corpus host32-test web-test
TEST_BUILD := all $(UNIT)
# This file, for the sub-makes of the suite runner (it may be included).
THIS_MAKEFILE := $(firstword $(MAKEFILE_LIST))

.PHONY: all help test check bench run deps check-deps install uninstall clean golden
.PHONY: unit cli-tests lua-tests install-test layers layers-tests make-tests oracle oracle-if-root
.PHONY: fuzz-oracle fuzz-tests fuzz-regress fuzz-regress-if-root soak record-tests demo-trace trace-fuzz-corpus fuzz
all: $(LIB) $(SOLIB) $(TRACE_LIB) $(TRACE_SOLIB) $(CLI) $(LUAMOD)

all: $(VG_TOOL)

$(VG_DIR)/mmsim-record-amd64-linux: tools/valgrind/mmsim_record.c $(FLAGS_STAMP)
	@mkdir -p $(VG_DIR)
	$(call quiet,CC,$<)$(CC) $(VG_CFLAGS) -c $< -o $(VG_DIR)/mmsim_record.o
	$(call quiet,LD,$@)$(CC) -o $@ $(VG_DIR)/mmsim_record.o $(VG_LDFLAGS) $(VG_CORE) \
	    $(subst coregrind,vex,$(VG_CORE)) -lgcc
	@for f in $(dir $(VG_PRELOAD))*; do [ -e $(VG_DIR)/$${f##*/} ] || ln -s $$f $(VG_DIR)/; done

# compile SOURCE,EXTRA_FLAGS: the rule of SOURCE's object.
define compile
$(call obj,$(1)): $(1) $(FLAGS_STAMP) | $(BUILD)/obj
	$$(call quiet,CC,$$<)$$(COMPILE) $(2) -c $$< -o $$@
endef
$(foreach s,$(LIB_SRC) $(TRACE_SRC) $(DRAW_SRC) $(TEST_SRC) $(BENCH_SRC),$(eval $(call compile,$(s))))
$(foreach s,$(LUA_SRC),$(eval $(call compile,$(s),$$(LUA_CFLAGS))))
$(foreach s,$(FUZZT_SRC),$(eval $(call compile,$(s))))
$(foreach s,$(CLI_SRC),$(eval $(call compile,$(s),$$(LUA_CFLAGS) $$(EDIT_CFLAGS))))

# The comment at the top of this file.
help:
	@sed -n '1,/^$$/s/^# \{0,1\}//p' $(THIS_MAKEFILE)

$(BUILD)/obj $(BUILD)/lua:
	@mkdir -p $@

$(HELPER_OBJ): $(BUILD)/obj/host-helper-%.o: src/host/helper/%.c $(FLAGS_STAMP) | $(BUILD)/obj
	$(call quiet,CC,$<)$(CC) -Iinclude -Isrc $(HELPER_CFLAGS) -c $< -o $@

$(HELPER): $(HELPER_OBJ)
	$(call quiet,LD,$@)$(CC) $(HELPER_LDFLAGS) -Wl,-Ttext-segment=$(HELPER_END) -o $@.tmp $(HELPER_OBJ) && \
	end=$$(nm $@.tmp | awk '$$3 == "_end" { print "0x" $$1 }') && \
	base=$$(printf '%#x' $$(( 2 * $(HELPER_END) - (($$end + 4095) & ~4095) ))) && \
	$(CC) $(HELPER_LDFLAGS) -Wl,-Ttext-segment=$$base -o $@ $(HELPER_OBJ) && rm -f $@.tmp

$(call obj,src/host/helper_blob.S): src/host/helper_blob.S $(HELPER) | $(BUILD)/obj
	$(call quiet,AS,$<)$(CC) -DHELPER_PATH='"$(HELPER)"' -c $< -o $@

$(INTLIB): $(LIB_OBJ) $(SOURCES_STAMP)
	$(call quiet,AR,$@)rm -f $@ && $(AR) rcs $@ $(filter %.o,$^)

# The partial link keeps each object's sections; --keep-global-symbol makes
# every symbol but mmsim_* local (undefined references stay as they are).
$(BUILD)/libmmsim.o: $(LIB_OBJ) $(SOURCES_STAMP)
	$(call quiet,LD,$@)$(LD) -r -o $@.tmp $(filter %.o,$^) && \
	$(OBJCOPY) --wildcard --keep-global-symbol='mmsim_*' $@.tmp $@ && rm -f $@.tmp

$(LIB): $(BUILD)/libmmsim.o
	$(call quiet,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(SOLIB): $(LIB_OBJ) mk/libmmsim.map $(FLAGS_STAMP) $(SOURCES_STAMP)
	$(call quiet,LD,$@)$(LINK) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=mk/libmmsim.map \
	    -Wl,-z,defs -o $@ $(LIB_OBJ) $(LDLIBS) && \
	ln -sf $(notdir $@) $(BUILD)/$(SONAME) && ln -sf $(notdir $@) $(BUILD)/libmmsim.so

$(BUILD)/libmmsim-trace.o: $(TRACE_OBJ) $(SOURCES_STAMP)
	$(call quiet,LD,$@)$(LD) -r -o $@.tmp $(filter %.o,$^) && \
	$(OBJCOPY) --wildcard --keep-global-symbol='mmsim_*' $@.tmp $@ && rm -f $@.tmp

$(TRACE_LIB): $(BUILD)/libmmsim-trace.o
	$(call quiet,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(TRACE_SOLIB): $(TRACE_OBJ) $(SOLIB) mk/libmmsim.map $(FLAGS_STAMP) $(SOURCES_STAMP)
	$(call quiet,LD,$@)$(LINK) -shared -Wl,-soname,$(TRACE_SONAME) -Wl,--version-script=mk/libmmsim.map \
	    -Wl,-z,defs -o $@ $(TRACE_OBJ) -L$(BUILD) -lmmsim $(ZSTD_LIBS) $(LDLIBS) && \
	ln -sf $(notdir $@) $(BUILD)/$(TRACE_SONAME) && ln -sf $(notdir $@) $(BUILD)/libmmsim-trace.so

# The module for a plain lua5.4 (the interpreter provides Lua itself):
# exports luaopen_mmsim only.
$(LUAMOD): $(LUA_OBJ) $(DRAW_OBJ) $(TRACE_LIB) $(LIB) mk/lmmsim.map $(FLAGS_STAMP) $(SOURCES_STAMP) | $(BUILD)/lua
	$(call quiet,LD,$@)$(LINK) -shared -Wl,--version-script=mk/lmmsim.map -o $@ \
	    $(LUA_OBJ) $(DRAW_OBJ) $(TRACE_LIB) $(LIB) $(ZSTD_LIBS) $(LDLIBS) -lm

# The command uses the public API only: it links the public library.
$(CLI): $(CLI_OBJ) $(LUA_OBJ) $(DRAW_OBJ) $(TRACE_LIB) $(LIB) $(FLAGS_STAMP) $(SOURCES_STAMP)
	$(call quiet,LD,$@)$(LINK) -o $@ $(CLI_OBJ) $(LUA_OBJ) $(DRAW_OBJ) $(TRACE_LIB) $(LIB) \
	    $(LUA_LIBS) $(EDIT_LIBS) $(JSON_LIBS) $(ZSTD_LIBS) $(LDLIBS) -lm

$(UNIT): $(TEST_OBJ) $(TRACE_OBJ) $(INTLIB) $(FLAGS_STAMP) $(SOURCES_STAMP)
	$(call quiet,LD,$@)$(LINK) -o $@ $(TEST_OBJ) $(TRACE_OBJ) $(INTLIB) $(TEST_LIBS) $(ZSTD_LIBS) $(LDLIBS) -lm

$(BENCHBIN): $(BENCH_OBJ) $(TRACE_OBJ) $(INTLIB) $(FLAGS_STAMP) $(SOURCES_STAMP)
	$(call quiet,LD,$@)$(LINK) -o $@ $(BENCH_OBJ) $(TRACE_OBJ) $(INTLIB) $(ZSTD_LIBS) $(LDLIBS) -lm -ldl

# ---- tests -------------------------------------------------------------------
# Each suite prints its own lines and its summary; make test runs them all
# with mk/suites.sh, which reports each and fails at the end if one failed.
# Test binaries find their fixtures relative to the source tree.
# Criterion passes a test whose sandbox process leaks (it ignores the
# sandbox's exit status once the test has reported), so each sandbox writes
# its sanitizer reports (sanitized builds only) into $(BUILD)/sanitizer/, and
# a report there fails the suite, printed after the run.
# UNIT_RUN: the program run (tests/make runs planted ones).
UNIT_RUN ?= $(UNIT)
unit: $(UNIT_RUN)
	@rm -rf $(BUILD)/sanitizer && mkdir -p $(BUILD)/sanitizer
	@echo '$(UNIT_RUN) --jobs=$$(nproc) $(CRITERION_ARGS)'; \
	ASAN_OPTIONS=$${ASAN_OPTIONS:+$$ASAN_OPTIONS:}log_path=$(abspath $(BUILD))/sanitizer/report \
	    $(UNIT_RUN) --jobs=$$(nproc) $(CRITERION_ARGS); rc=$$?; \
	for f in $(BUILD)/sanitizer/report.*; do [ -e "$$f" ] || continue; \
	    echo "== sanitizer report of a test process ($$f):"; cat "$$f"; rc=1; done; \
	if [ $$rc -ne 0 ] && ls $(BUILD)/sanitizer/report.* >/dev/null 2>&1; then \
	    echo "unit: FAILED: a test process's sanitizer report (above)"; fi; \
	exit $$rc

cli-tests: $(CLI)
	MMSIM=$(abspath $(CLI)) bash tests/cli/run.sh

lua-tests: $(CLI)
	MMSIM=$(abspath $(CLI)) bash tests/lua/run.sh

# '+': the script runs make install, in this make's jobserver.
install-test: all
	+bash tests/install/run.sh

# The #include directions of mk/layers.txt, on this tree; the checker's own tests.
layers:
	@bash mk/layers.sh

layers-tests:
	@bash tests/layers/run.sh

# The suite runner and the dependency check, with stub suites.
make-tests:
	@bash tests/make/run.sh

# The oracle corpus: every tests/oracle/*.lua through `mmsim diff`. It runs
# real processes on this machine and its verdicts hold for the kernel they
# were checked on, so `make test` runs it where CI runs, on Linux as root,
# and says that it skipped it elsewhere (`make oracle` runs it as any user;
# tests/oracle/run.sh skips what this host's settings cannot compare).
oracle: all
	MMSIM=$(abspath $(CLI)) bash tests/oracle/run.sh

oracle-if-root:
	@if [ "$$(uname -s)" = Linux ] && [ "$$(id -u)" = 0 ]; then \
	    $(MAKE) --no-print-directory -f $(THIS_MAKEFILE) oracle; \
	else \
	    why="make test runs it on Linux as root, where CI runs (this is $$(uname -s), uid $$(id -u)); make oracle runs it as any user"; \
	    echo "oracle: SKIPPED: $$why"; \
	    if [ -n "$$MMSIM_SUITE_SKIP" ]; then echo "$$why" > "$$MMSIM_SUITE_SKIP"; fi; \
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
	    $(MAKE) --no-print-directory -f $(THIS_MAKEFILE) fuzz-regress; \
	else \
	    why="it needs Linux and root (this is $$(uname -s), uid $$(id -u)); run make fuzz-regress there"; \
	    echo "fuzz-regress: SKIPPED: $$why"; \
	    if [ -n "$$MMSIM_SUITE_SKIP" ]; then echo "$$why" > "$$MMSIM_SUITE_SKIP"; fi; \
	fi

# mmsim record end to end: a small C program recorded under the Valgrind
# tool and replayed (tests/record/run.sh). Exit 77 of the script (no
# valgrind, or no tool built) is a skip, with its reason.
record-tests: all $(CHASE)
	@MMSIM=$(abspath $(CLI)) CC="$(CC)" VG_TOOL="$(VG_TOOL)" CHASE=$(abspath $(CHASE)) bash tests/record/run.sh; rc=$$?; \
	    [ $$rc -eq 77 ] && rc=0; exit $$rc

# The trace readers' fuzz targets (tests/fuzz-trace): make test runs each
# over its corpus without libFuzzer (make check: under ASan and UBSan);
# make fuzz fuzzes them with libFuzzer, which needs clang.
$(BUILD)/fuzz-trace-%: $(call obj,tests/fuzz-trace/%.c tests/fuzz-trace/common.c tests/fuzz-trace/corpus.c) \
                       $(TRACE_OBJ) $(INTLIB) $(FLAGS_STAMP)
	$(call quiet,LD,$@)$(LINK) -o $@ $(filter %.o,$^) $(INTLIB) $(ZSTD_LIBS) $(LDLIBS) -lm

$(BUILD)/libfuzzer-trace-%: $(call obj,tests/fuzz-trace/%.c tests/fuzz-trace/common.c) $(TRACE_OBJ) \
                            $(INTLIB) $(FLAGS_STAMP)
	$(call quiet,LD,$@)$(LINK) -fsanitize=fuzzer -o $@ $(filter %.o,$^) $(INTLIB) $(ZSTD_LIBS) $(LDLIBS) -lm

trace-fuzz-corpus: $(foreach t,$(FUZZT),$(BUILD)/fuzz-trace-$(t))
	@for t in $(FUZZT); do $(BUILD)/fuzz-trace-$$t tests/fuzz-trace/corpus/$$t/* || exit 1; done

FUZZ_TIME ?= 60
fuzz:
	@command -v clang >/dev/null || { echo "fuzz: needs clang (make deps DEPS_EXTRA=clang)"; exit 1; }
	$(MAKE) --no-print-directory -f $(THIS_MAKEFILE) BUILD=build/fuzz CC=clang OPT="-O1 -g" WERROR=-Werror \
	    SAN="-fsanitize=address,undefined,fuzzer-no-link -fno-sanitize-recover=all" \
	    $(foreach t,$(FUZZT),build/fuzz/libfuzzer-trace-$(t))
	@for t in $(FUZZT); do mkdir -p build/fuzz/corpus-$$t && cp -n tests/fuzz-trace/corpus/$$t/* build/fuzz/corpus-$$t/ && \
	    echo "== fuzz $$t ($(FUZZ_TIME) s; new inputs in build/fuzz/corpus-$$t)" && \
	    build/fuzz/libfuzzer-trace-$$t -max_total_time=$(FUZZ_TIME) -print_final_stats=1 build/fuzz/corpus-$$t \
	        tests/fuzz-trace/corpus/$$t || exit 1; done

test: check-deps
	$(if $(strip $(TEST_BUILD)),@$(MAKE) --no-print-directory -f $(THIS_MAKEFILE) $(TEST_BUILD))
	@bash mk/suites.sh "$(MAKE) --no-print-directory -f $(THIS_MAKEFILE)" $(SUITES)

# The sanitizer build lives beside the release build and runs the same
# suites (-Werror on, as in CI). ASan reserves about 15 TiB of shadow address
# space (MAP_NORESERVE), which strict overcommit and an RLIMIT_AS refuse: such
# a host skips it, saying so.
check:
	@if [ "$$(cat /proc/sys/vm/overcommit_memory 2>/dev/null)" = 2 ]; then \
	    echo "check: SKIPPED: vm.overcommit_memory is 2, which refuses ASan's shadow memory (15 TiB of address space)"; \
	elif [ "$$(ulimit -v)" != unlimited ]; then \
	    echo "check: SKIPPED: RLIMIT_AS is $$(ulimit -v) kB (ulimit -v), which refuses ASan's shadow memory (15 TiB of address space)"; \
	else \
	    $(MAKE) --no-print-directory -f $(THIS_MAKEFILE) BUILD=build/san OPT="-O1 -g -fno-omit-frame-pointer" \
	        SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" WERROR=-Werror \
	        SUITES="unit cli-tests lua-tests fuzz-tests trace-fuzz-corpus" TEST_BUILD='$$(CLI) $$(UNIT)' test; \
	fi

# The swap integrity test (tests/unit/test_swap_random.c), long.
SOAK_OPS ?= 100000000
soak: $(UNIT)
	MMSIM_SWAP_SOAK_OPS=$(SOAK_OPS) $(UNIT) --filter 'swap_random/*' --verbose=1 -j1

bench: check-deps $(BENCHBIN) $(CLI)
	MMSIM_BENCH_CLI=$(abspath $(CLI)) $(BENCHBIN) $(if $(QUICK),--quick) --json $(BUILD)/bench.json \
	    $(foreach a,$(BENCH_ALLOCS),--with-$(a) /usr/lib/x86_64-linux-gnu/lib$(a).so)

run: deps all
	$(CLI) run examples/tour.lua

# The traces example: a plain program (never sanitized), recorded under the
# Valgrind tool walking its memory in order and at random, replayed on two
# machines by examples/traces/compare.lua.
$(CHASE): examples/traces/chase.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) -std=c17 -O2 $(WARN) $(WERROR) -o $@ $<

demo-trace: all $(CHASE)
	@[ -n "$(VG_TOOL)" ] || { echo "demo-trace: needs valgrind and its static libraries (make deps), then make"; exit 1; }
	$(CLI) record -o $(BUILD)/examples/seq.mmt -- $(CHASE) seq
	$(CLI) record -o $(BUILD)/examples/rand.mmt -- $(CHASE) rand
	SEQ=$(BUILD)/examples/seq.mmt RAND=$(BUILD)/examples/rand.mmt $(CLI) run examples/traces/compare.lua

# Rewrite the golden outputs of the examples and the demo from this build
# (review the diff: a golden file changes only with a deliberate change).
golden: all
	for f in examples/*.lua; do \
	    $(CLI) run $$f > tests/cli/golden/examples/$$(basename $$f .lua).txt || exit 1; done
	$(CLI) demo > tests/cli/golden/demo.txt
	lua5.4 tests/fuzz/fuzz.lua --print 1 --ops 40 > tests/fuzz/golden/seed-1-40.lua

# make deps installs what is missing (DEPS_EXTRA: more packages, as CI's
# clang); the other targets only check and say what to run.
deps:
	@bash mk/deps.sh $(DEPS_EXTRA)

check-deps:
	@bash mk/deps.sh --check

# ---- install -----------------------------------------------------------------
# The pkg-config file names the directories relative to ${prefix} when they
# are inside it.
pc_dir = $(patsubst $(PREFIX)/%,$${prefix}/%,$(1))

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
	    $(DESTDIR)$(LUA_MODDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(CLI) $(DESTDIR)$(BINDIR)/mmsim
	install -m 644 include/mmsim.h $(DESTDIR)$(INCLUDEDIR)/mmsim.h
	install -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/libmmsim.a
	install -m 644 $(SOLIB) $(DESTDIR)$(LIBDIR)/libmmsim.so.$(VERSION)
	ln -sf libmmsim.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf libmmsim.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libmmsim.so
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(call pc_dir,$(LIBDIR))|g' \
	    -e 's|@INCLUDEDIR@|$(call pc_dir,$(INCLUDEDIR))|g' -e 's|@VERSION@|$(VERSION)|g' \
	    mk/mmsim.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/mmsim.pc
	install -m 644 include/mmsim_trace.h $(DESTDIR)$(INCLUDEDIR)/mmsim_trace.h
	install -m 644 $(TRACE_LIB) $(DESTDIR)$(LIBDIR)/libmmsim-trace.a
	install -m 644 $(TRACE_SOLIB) $(DESTDIR)$(LIBDIR)/libmmsim-trace.so.$(VERSION)
	ln -sf libmmsim-trace.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(TRACE_SONAME)
	ln -sf libmmsim-trace.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libmmsim-trace.so
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(call pc_dir,$(LIBDIR))|g' \
	    -e 's|@INCLUDEDIR@|$(call pc_dir,$(INCLUDEDIR))|g' -e 's|@VERSION@|$(VERSION)|g' \
	    mk/mmsim-trace.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/mmsim-trace.pc
	install -m 755 $(LUAMOD) $(DESTDIR)$(LUA_MODDIR)/mmsim.so
	install -m 644 docs/mmsim.1 $(DESTDIR)$(MANDIR)/man1/mmsim.1
	$(if $(VG_TOOL),install -d $(DESTDIR)$(LIBDIR)/mmsim/valgrind && \
	    install -m 755 $(VG_TOOL) $(DESTDIR)$(LIBDIR)/mmsim/valgrind/ && \
	    for f in $(dir $(VG_PRELOAD))*; do [ -e $(DESTDIR)$(LIBDIR)/mmsim/valgrind/$${f##*/} ] || \
	        ln -s $$f $(DESTDIR)$(LIBDIR)/mmsim/valgrind/; done)

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/mmsim $(DESTDIR)$(INCLUDEDIR)/mmsim.h \
	      $(DESTDIR)$(LIBDIR)/libmmsim.a $(DESTDIR)$(LIBDIR)/libmmsim.so.$(VERSION) \
	      $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libmmsim.so \
	      $(DESTDIR)$(LIBDIR)/pkgconfig/mmsim.pc $(DESTDIR)$(LUA_MODDIR)/mmsim.so \
	      $(DESTDIR)$(INCLUDEDIR)/mmsim_trace.h $(DESTDIR)$(LIBDIR)/libmmsim-trace.a \
	      $(DESTDIR)$(LIBDIR)/libmmsim-trace.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(TRACE_SONAME) \
	      $(DESTDIR)$(LIBDIR)/libmmsim-trace.so $(DESTDIR)$(LIBDIR)/pkgconfig/mmsim-trace.pc \
	      $(DESTDIR)$(MANDIR)/man1/mmsim.1
	rm -rf $(DESTDIR)$(LIBDIR)/mmsim/valgrind
	-rmdir $(DESTDIR)$(LIBDIR)/mmsim 2>/dev/null

clean:
	rm -rf build $(BUILD)

# The browser lab: make web, make web-test.
include mk/web.mk
# The lab's engine for 32-bit x86: make host32-test.
include mk/host32.mk

-include $(ALL_OBJ:.o=.d)
