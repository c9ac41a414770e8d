# mk/host32.mk — the simulator on a host with 4-byte pointers, natively:
# the browser lab's engine (web/src/lab.c over the simulator, the pictures,
# the module and Lua 5.4 from web/lua, as mk/web.mk builds them for
# WebAssembly) built for 32-bit x86 with gcc -m32 (Debian's gcc-multilib),
# as build/host32/mmsim-lab32. `make host32-test` compares what it prints
# with the native mmsim's (tests/host32/run.sh): the simulated kernel must
# give the same output on every host (kernel/objsize.h). Skipped, with the
# reason, where gcc cannot build for 32-bit x86. Included by the Makefile
# after mk/web.mk.

H32_DIR   := $(BUILD)/host32
H32_BIN   := $(H32_DIR)/mmsim-lab32
H32_SRC   := $(WEB_SRC) tests/host32/lab32.c
h32_obj    = $(patsubst %,$(H32_DIR)/%.o,$(subst /,-,$(basename $(1))))
H32_OBJ   := $(call h32_obj,$(H32_SRC))
H32_LUA_OBJ := $(call h32_obj,$(WEB_LUA_SRC))
H32_CFLAGS := -m32 -std=c17 -O2 -Iinclude -Isrc -Iweb/lua -Iweb/src -D_GNU_SOURCE \
              -DMMSIM_VERSION='"$(VERSION)"' -MMD -MP $(WARN) $(WERROR)
H32_LUA_CFLAGS := -m32 -std=gnu99 -O2 -Iweb/lua -DLUA_COMPAT_5_3 -DLUA_USE_POSIX -MMD -MP -w

define h32_compile
$(call h32_obj,$(1)): $(1) mk/host32.mk | $(H32_DIR)
	$$(call quiet,CC32,$$<)$(CC) $(2) -c $$< -o $$@
endef
$(foreach s,$(H32_SRC),$(eval $(call h32_compile,$(s),$$(H32_CFLAGS))))
$(foreach s,$(WEB_LUA_SRC),$(eval $(call h32_compile,$(s),$$(H32_LUA_CFLAGS))))

$(H32_DIR):
	@mkdir -p $@

$(H32_BIN): $(H32_OBJ) $(H32_LUA_OBJ) mk/host32.mk
	$(call quiet,LD32,$@)$(CC) -m32 -o $@ $(H32_OBJ) $(H32_LUA_OBJ) -lm

.PHONY: host32 host32-test
host32: $(H32_BIN)

# Skipped, saying why, where gcc -m32 cannot link a program (no
# gcc-multilib: make deps installs it).
host32-test: $(CLI)
	+@bash tests/host32/run.sh "$(MAKE) --no-print-directory -f $(THIS_MAKEFILE) $(H32_BIN)" \
	    $(abspath $(H32_BIN)) $(abspath $(CLI)) "$(CC)"

-include $(H32_OBJ:.o=.d) $(H32_LUA_OBJ:.o=.d)
