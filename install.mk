# SPDX-License-Identifier: MIT
# install.mk: the project's version, `make install` and `make uninstall`.
# Included from the top-level Makefile after every component's fragment
# (it names their programs and libraries).  The layout, and why:
# docs/install.md.
#
#   make install   [PREFIX=/usr/local] [DESTDIR=]   build, then copy
#   make uninstall [PREFIX=/usr/local] [DESTDIR=]   remove what install put
#
# Every file install writes is recorded, by its final path, in
# $(XRC_DATA)/installed-files; uninstall removes exactly the files that list
# names (and the list), then the project's own folders if they are empty.
# A second install into the same place keeps the earlier list's entries
# that are still there, so that uninstall also removes a file a newer
# install no longer ships.

# ---- the version: one place, the file VERSION ----
XRC_VERSION := $(strip $(file <VERSION))
ifeq ($(shell printf '%s' '$(XRC_VERSION)' | grep -qxE '[0-9A-Za-z.+~-]+' && echo ok),)
$(error VERSION must hold one line of [0-9A-Za-z.+~-], not '$(XRC_VERSION)')
endif

# The runner prints it (xrc-conformance --version); only options.c reads
# it, and it is rebuilt when VERSION changes.
XRC_VERSION_OBJS := $(foreach v,$(BUILD) $(BUILD)/asan $(BUILD)/tsan $(BUILD)/planted,\
	$(call objs,$(v),conformance/suite/runner/options.c))
$(XRC_VERSION_OBJS): VERSION
$(XRC_VERSION_OBJS): BASE_CFLAGS += -DXRC_VERSION='"$(XRC_VERSION)"'

# ---- where things go: all given on the command line; PREFIX and DESTDIR
# also from the environment (the other names are too common there) ----
PREFIX       ?= /usr/local
DESTDIR      ?=
BINDIR        = $(PREFIX)/bin
LIBDIR        = $(PREFIX)/lib
INCLUDEDIR    = $(PREFIX)/include
LIBEXECDIR    = $(PREFIX)/libexec
DATADIR       = $(PREFIX)/share
MANDIR        = $(DATADIR)/man
PKGCONFIGDIR  = $(LIBDIR)/pkgconfig
# The project's own folders under those.
XRC_LIBEXEC  := $(LIBEXECDIR)/xenrestrict
XRC_DATA     := $(DATADIR)/xenrestrict
XRC_MANIFEST := $(XRC_DATA)/installed-files

# ---- what is installed ----
# The programs xrc runs (into XRC_LIBEXEC): the runner, the named-world
# tool (xrc sim), the CUSE daemon, and what xrc dm starts.
INSTALL_PROGS := $(XRC_BIN) $(WORLD_TOOL) $(CUSE_BIN) $(IOREQ_TOOL) \
		 $(DM_TOOLSTACK) $(DM_REPORT) $(XRC_HTML_BIN)
INSTALL_ARCHIVES := $(BUILD)/lib/libxensim.a $(LIBFIXTURE)
# The public headers: <xensim/*.h>; the stand-in for the kernel-internal
# <xen/interface/xen.h> that linux-libc-dev's <xen/privcmd.h> includes,
# kept in a folder of its own (xensim.pc adds it to the include path) so
# that it never shadows libxen-dev's headers; <xrc/libfixture.h>.
INSTALL_XENSIM_H  := $(sort $(wildcard sim/include/xensim/*.h))
INSTALL_COMPAT_H  := sim/include/compat/xen/interface/xen.h
INSTALL_FIXTURE_H := conformance/clients/libfixture/include/xrc/libfixture.h
# xrc's subcommands and the data they read, at their paths in the tree
# under XRC_DATA (xrc's XRC_ROOT when installed).
INSTALL_DATA := $(sort $(wildcard scripts/xrc-lib/*.sh scripts/xrc-lib/*.awk)) \
		conformance/suite/tests/fidelity.known
INSTALL_MAN1 := docs/man/xrc.1
INSTALL_MAN7 := docs/man/xensim.7

# make check installs into temporary folders (scripts/suites/install.sh):
# built beforehand, not in the middle of the tests.
CHECK_DEPS += $(INSTALL_PROGS) $(INSTALL_ARCHIVES) $(PRELOAD_SO)

INSTALL_GEN := $(BUILD)/gen/install
INSTALL_PC  := $(INSTALL_GEN)/xensim.pc $(INSTALL_GEN)/xrc-fixture.pc
INSTALL_XRC := $(INSTALL_GEN)/xrc

# Paths are written into xrc and the .pc files, and handed to the shell:
# one word each, absolute, of characters that need no quoting.
install_vars := PREFIX BINDIR LIBDIR INCLUDEDIR LIBEXECDIR DATADIR MANDIR PKGCONFIGDIR
install_bad  := $(strip $(foreach v,DESTDIR $(install_vars),\
	$(if $(or $(word 2,$($(v))),$(findstring ',$($(v)))),$(v))))
# (A phony prerequisite of everything install makes, so that the generated
# files are also made afresh each time: they hold the paths given.)
install-check-dirs:
	$(if $(install_bad),@echo "install: $(install_bad): each must be one word without quotes" >&2; exit 2)
	$(Q)for v in '$(DESTDIR)' $(foreach v,$(install_vars),'$($(v))'); do \
		case $$v in \
		*[!A-Za-z0-9_./+@:=,-]*) \
			echo "install: '$$v': a path may hold only A-Za-z0-9_./+@:=,-" >&2; \
			exit 2 ;; \
		esac; \
	done; \
	for v in $(foreach v,$(install_vars),'$($(v))'); do \
		case $$v in \
		/*) ;; \
		*) echo "install: '$$v' is not an absolute path" >&2; exit 2 ;; \
		esac; \
	done

# The installed xrc: the tree's, with its installed-layout lines filled in
# (scripts/xrc, "where things are").  Each must be there exactly once.
$(INSTALL_XRC): scripts/xrc VERSION install-check-dirs
	@mkdir -p $(dir $@)
	$(Q)for v in VERSION LIBEXEC LIBDIR DATA; do \
		n=$$(grep -c "^XRC_INSTALLED_$$v=\$$" scripts/xrc); \
		[ "$$n" = 1 ] || { echo "install: scripts/xrc has $$n lines XRC_INSTALLED_$$v= (want 1)" >&2; exit 2; }; \
	done
	$(Q)sed -e "s|^XRC_INSTALLED_VERSION=\$$|XRC_INSTALLED_VERSION='$(XRC_VERSION)'|" \
		-e "s|^XRC_INSTALLED_LIBEXEC=\$$|XRC_INSTALLED_LIBEXEC='$(XRC_LIBEXEC)'|" \
		-e "s|^XRC_INSTALLED_LIBDIR=\$$|XRC_INSTALLED_LIBDIR='$(LIBDIR)'|" \
		-e "s|^XRC_INSTALLED_DATA=\$$|XRC_INSTALLED_DATA='$(XRC_DATA)'|" \
		scripts/xrc >$@.tmp && mv $@.tmp $@

# The pkg-config files: their templates with the final paths.
$(INSTALL_GEN)/%.pc: VERSION install-check-dirs
	@mkdir -p $(dir $@)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(XRC_VERSION)|g' \
		$(filter %.pc.in,$^) >$@.tmp && mv $@.tmp $@
$(INSTALL_GEN)/xensim.pc: sim/xensim.pc.in
$(INSTALL_GEN)/xrc-fixture.pc: conformance/clients/libfixture/xrc-fixture.pc.in

.PHONY: install uninstall install-check-dirs

install: $(INSTALL_PROGS) $(INSTALL_ARCHIVES) $(PRELOAD_SO) $(INSTALL_XRC) $(INSTALL_PC) install-check-dirs
	$(Q)set -e; d='$(DESTDIR)'; m='$(XRC_MANIFEST)'; \
	list=$$(mktemp); trap 'rm -f "$$list"' EXIT; \
	put() { \
		install -D -m "$$1" "$$2" "$$d$$3"; \
		echo "$$3" >>"$$list"; \
		echo "  INSTALL $$d$$3"; \
	}; \
	put 755 $(INSTALL_XRC) '$(BINDIR)/xrc'; \
	for f in $(INSTALL_PROGS); do put 755 "$$f" "$(XRC_LIBEXEC)/$${f##*/}"; done; \
	for f in $(INSTALL_ARCHIVES); do put 644 "$$f" "$(LIBDIR)/$${f##*/}"; done; \
	put 755 $(PRELOAD_SO) '$(LIBDIR)/libxensim-preload.so'; \
	for f in $(INSTALL_XENSIM_H); do put 644 "$$f" "$(INCLUDEDIR)/xensim/$${f##*/}"; done; \
	put 644 $(INSTALL_COMPAT_H) '$(INCLUDEDIR)/xensim/compat/xen/interface/xen.h'; \
	put 644 $(INSTALL_FIXTURE_H) '$(INCLUDEDIR)/xrc/libfixture.h'; \
	for f in $(INSTALL_PC); do put 644 "$$f" "$(PKGCONFIGDIR)/$${f##*/}"; done; \
	for f in $(INSTALL_DATA); do put 644 "$$f" "$(XRC_DATA)/$$f"; done; \
	put 644 $(INSTALL_MAN1) '$(MANDIR)/man1/xrc.1'; \
	put 644 $(INSTALL_MAN7) '$(MANDIR)/man7/xensim.7'; \
	if [ -f "$$d$$m" ]; then \
		while IFS= read -r f; do \
			[ ! -e "$$d$$f" ] || echo "$$f" >>"$$list"; \
		done <"$$d$$m"; \
	fi; \
	sort -u "$$list" >"$$d$$m.tmp"; mv "$$d$$m.tmp" "$$d$$m"; chmod 644 "$$d$$m"; \
	echo "  INSTALL $$d$$m ($$(wc -l <"$$d$$m") files)"

# Exactly what the list names, then the project's folders that are left
# empty (never bin/, lib/ and the like: they are not ours).
uninstall: install-check-dirs
	$(Q)set -e; d='$(DESTDIR)'; m='$(XRC_MANIFEST)'; \
	if [ ! -f "$$d$$m" ]; then \
		echo "uninstall: nothing installed in $(PREFIX) ($$d$$m is missing)" >&2; \
		exit 2; \
	fi; \
	while IFS= read -r f; do \
		case $$f in /*) ;; *) echo "uninstall: bad entry '$$f' in $$d$$m" >&2; exit 2 ;; esac; \
		if [ -e "$$d$$f" ] || [ -L "$$d$$f" ]; then \
			rm -f "$$d$$f"; echo "  RM      $$d$$f"; \
		fi; \
	done <"$$d$$m"; \
	rm -f "$$d$$m"; echo "  RM      $$d$$m"; \
	for dir in '$(XRC_LIBEXEC)' '$(XRC_DATA)' '$(INCLUDEDIR)/xensim' '$(INCLUDEDIR)/xrc'; do \
		[ ! -d "$$d$$dir" ] || find "$$d$$dir" -depth -type d -empty -delete; \
	done
