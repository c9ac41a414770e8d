# mk/web.mk — the browser lab (docs/lab.md): libmmsim, the Lua module, the
# pictures and Lua 5.4 itself (vendored in web/lua, MIT) built for
# WebAssembly with Debian's emscripten, and a static page: `make web` makes
# web/dist, which any static server can serve. `make web-test` loads it in
# headless Chromium (tests/web). Included by the Makefile.

EMCC        ?= emcc
WEB_DIST    := web/dist
WEB_OBJDIR  := $(BUILD)/web
# Debian's emscripten runs its JavaScript tools with node and finds their
# modules (acorn...) among Debian's node packages.
WEB_ENV     := NODE_PATH=/usr/share/nodejs$(if $(NODE_PATH),:$(NODE_PATH))
# The simulator, the API, the pictures and the module; the host backend
# has no kernel under it in a browser (web/src/host_none.c says so).
WEB_SRC     := $(filter-out src/host/%,$(LIB_SRC)) $(DRAW_SRC) $(LUA_SRC) $(sort $(wildcard web/src/*.c))
WEB_LUA_SRC := $(sort $(wildcard web/lua/*.c))
web_obj      = $(patsubst %,$(WEB_OBJDIR)/%.o,$(subst /,-,$(basename $(1))))
WEB_OBJ     := $(call web_obj,$(WEB_SRC))
WEB_LUA_OBJ := $(call web_obj,$(WEB_LUA_SRC))
WEB_CFLAGS  := -std=c17 -O2 -Iinclude -Isrc -Iweb/lua -D_GNU_SOURCE -DMMSIM_VERSION='"$(VERSION)"' \
               -MMD -MP $(WARN) $(WERROR)
WEB_LUA_CFLAGS := -std=gnu99 -O2 -Iweb/lua -DLUA_COMPAT_5_3 -MMD -MP -w
WEB_EXPORTS := _lab_reset,_lab_exec,_lab_start,_lab_step,_lab_line,_lab_result,_malloc,_free
WEB_LDFLAGS := -O2 -sMODULARIZE=1 -sEXPORT_NAME=createMmsim -sALLOW_MEMORY_GROWTH=1 \
               -sMAXIMUM_MEMORY=2GB -sTOTAL_STACK=8MB -sENVIRONMENT=web,node \
               -sFORCE_FILESYSTEM=1 -sEXPORTED_FUNCTIONS=$(WEB_EXPORTS) \
               -sEXPORTED_RUNTIME_METHODS=UTF8ToString,stringToUTF8,lengthBytesUTF8,FS
WEB_STATIC  := $(addprefix $(WEB_DIST)/,index.html lab.css lab.js sw.js)
WEB_EXAMPLES := $(sort $(wildcard examples/*.lua))

define web_compile
$(call web_obj,$(1)): $(1) mk/web.mk | $(WEB_OBJDIR)
	$$(call quiet,EMCC,$$<)$(WEB_ENV) $(EMCC) $(2) -c $$< -o $$@
endef
$(foreach s,$(WEB_SRC),$(eval $(call web_compile,$(s),$$(WEB_CFLAGS))))
$(foreach s,$(WEB_LUA_SRC),$(eval $(call web_compile,$(s),$$(WEB_LUA_CFLAGS))))

$(WEB_OBJDIR) $(WEB_DIST):
	@mkdir -p $@

.PHONY: web web-check web-test
# Say what is missing instead of a compiler's error.
web-check:
	@command -v $(EMCC) >/dev/null 2>&1 || { echo "make web: emcc not found: install Debian's emscripten (make deps)" >&2; exit 1; }
	@command -v node >/dev/null 2>&1 || { echo "make web: node not found (make deps)" >&2; exit 1; }

web: web-check
	@$(MAKE) --no-print-directory -f $(THIS_MAKEFILE) $(WEB_DIST)/mmsim.js $(WEB_DIST)/examples.js $(WEB_STATIC)

$(WEB_DIST)/mmsim.js: $(WEB_OBJ) $(WEB_LUA_OBJ) mk/web.mk | $(WEB_DIST)
	$(call quiet,EMLD,$@)$(WEB_ENV) $(EMCC) $(WEB_LDFLAGS) $(WEB_OBJ) $(WEB_LUA_OBJ) -o $@

# The examples, for the page's menu (the tour's chapters, each seed walkthrough).
$(WEB_DIST)/examples.js: $(WEB_EXAMPLES) web/tools/examples.mjs | $(WEB_DIST)
	$(call quiet,GEN,$@)node web/tools/examples.mjs $(WEB_EXAMPLES) >$@.tmp && mv $@.tmp $@

$(WEB_DIST)/%: web/static/% | $(WEB_DIST)
	$(call quiet,CP,$@)cp $< $@

# The page in headless Chromium: skipped, with the reason, where emscripten,
# Chromium or the test runner (tests/web/node_modules, make deps) are
# missing. Part of make test. `make web web-test` builds once: web-test
# then waits for web (its own make web finds everything done).
web-test: $(filter web,$(MAKECMDGOALS))
	+@bash tests/web/run.sh "$(MAKE) --no-print-directory -f $(THIS_MAKEFILE) web"

-include $(WEB_OBJ:.o=.d) $(WEB_LUA_OBJ:.o=.d)
