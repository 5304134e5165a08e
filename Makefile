# Pigsty installer and packaging: build, bundle, test, benchmark.
# The two set-up commands (see README.md): `make pkg` (the main job) and `make test`.

SHELL      := /bin/bash
JAR        := builder/target/pigsty.jar
# the target OS code: its definition bundles/$(OS).yml unless DEF names one (make demo OS=d13);
# the codes are those of bundles/os.yml (docs/os.md)
OS         ?= d12
DEF        ?= bundles/$(OS).yml
DIST       ?= dist
MVN        ?= mvn -B -q
PIGSTY     := java -jar $(JAR)
# product version: the bundle definition's version (release and bundle carry the same one)
VERSION    ?= $(shell sed -n 's/^version: *"\{0,1\}\([^" ]*\)"\{0,1\}.*/\1/p' $(DEF))
# the definition's os code, target os and arch name the bundle and choose our own package's format
DEF_NAME   := $(shell sed -n 's/^name: *\([a-z0-9]*\).*/\1/p' $(DEF))
DEF_OS     := $(shell sed -n 's/^target: *{ *os: *\([a-z]*\).*/\1/p' $(DEF))
DEF_ARCH   := $(shell sed -n 's/^target:.*arch: *\([a-z0-9_]*\).*/\1/p' $(DEF))
BUNDLE     := $(DIST)/pigsty-pkg-$(VERSION).$(DEF_NAME).$(DEF_ARCH).tgz
RELEASE    := $(DIST)/pigsty-$(VERSION).tgz
# our own .deb/.rpm, added to every bundle's repo (pigsty build --add-deb / --add-rpm);
# release.sh reuses the .deb (same files; times from SOURCE_DATE_EPOCH or the jar's build time)
SELF_DEB   := $(DIST)/pigsty_$(VERSION)_all.deb
SELF_RPM   := $(DIST)/pigsty-$(VERSION)-1.noarch.rpm
DEB_DEF    := $(filter debian ubuntu,$(DEF_OS))
SELF_PKG   := $(if $(DEB_DEF),$(SELF_DEB),$(SELF_RPM))
ADD_SELF   := $(if $(DEB_DEF),--add-deb,--add-rpm) $(SELF_PKG)
# release site baked into dist/get as its default (placeholder; PIGSTY_SITE overrides at run time)
SITE       ?= https://pigsty.invalid
TESTS      := tests
# real EL repodata and RPMs for the RPM tests, beside the checkout only (see ../shared/fixtures/el/SOURCES.md);
# empty when absent: the tests that need them then fail naming the path they expected
PIGSTY_FIXTURES_EL ?= $(wildcard $(abspath $(CURDIR)/../shared/fixtures/el))
export PIGSTY_FIXTURES_EL
# Debian packages the tests and benchmark call as oracles or helpers
HOST_TOOLS := gpgv gpg gpg-agent dpkg-dev apt-utils mmdebstrap rpm dnf createrepo-c xz-utils curl bc time python3 systemd-container iproute2 openssh-server openssh-client postgresql-client openjdk-17-jdk-headless packer vagrant vagrant-libvirt haproxy patroni postgresql-15 vip-manager

.PHONY: all build pkg test unit hostile image-check release-check e2e e2e-demo e2e-demo-d13 e2e-demo4 rootfs-check bench bench-el tools clean help release sandbox sandbox-clean demo docker-up sandbox-test demo4

all: build

help:
	@echo "make build   - build $(JAR)"
	@echo "make pkg     - build the offline bundle of $(DEF) into $(DIST)/"
	@echo "make test    - host tools, unit+integration tests, hostile battery, apt oracle end-to-end, then make demo in a sandbox"
	@echo "make hostile - the hostile battery: tests/hostile.sh, one line per case (docs/security.md)"
	@echo "make image-check - render every spec x os x provider; vagrant validate, terraform fmt -check, packer validate"
	@echo "make bench   - benchmark against apt on the same machine and data"
	@echo "make release - build $(DIST)/pigsty-$(VERSION).tgz (configure, Makefile, jar, templates, jlinked jre),"
	@echo "              our .deb/.rpm, get, SHA256SUMS + SHA256SUMS.asc + pigsty.gpg"
	@echo "make release-check - get against a 127.0.0.1 server; our .deb/.rpm via apt-get/dnf in a chroot"
	@echo "make sandbox - boot an air-gapped node 10.10.10.10, copy release + bundle in, configure, make install"
	@echo "make sandbox-clean - remove the sandbox and the docker nodes and network (ALL=1: also their cached images)"
	@echo "make docker-up - docker.io installed and dockerd running; the node image pigsty-node:bookworm built"
	@echo "make sandbox-test - docker-up, then the four-node docker sandbox's system tests (mvn -Psandbox)"
	@echo "make demo4   - demo4 on four docker nodes: configure, install over SSH twice, pg-test under Patroni,"
	@echo "              switchover and failover with a writing client (KEEP=1 keeps the nodes, KILLS=N kills)"
	@echo "make e2e-demo4 - make demo4, then the nodes removed and our dockerd stopped (part of make test)"
	@echo "make e2e-demo-d13 - make demo OS=d13, then the node removed (part of make test)"
	@echo "make demo    - jar + bundle + release + sandbox + install twice + health report"
	@echo "              (OS=d13: the Debian 13 bundle and a trixie node; default OS=d12)"
	@echo "make rootfs-check - build the appliance rootfs offline from the bundle, boot it air-gapped, configure, install, health report"
	@echo "make clean   - remove build output and $(DIST)/"

build: $(JAR)

# the jar also carries bundles/extensions.yml, bundles/os.yml and spec/ (builder/pom.xml's resources)
$(JAR): pom.xml repo/pom.xml builder/pom.xml $(shell find repo/src/main builder/src/main -type f 2>/dev/null) \
  bundles/extensions.yml bundles/os.yml $(wildcard spec/*.yml)
	$(MVN) package -DskipTests
	@test -f $(JAR)

pkg: build $(SELF_PKG)
	$(PIGSTY) build $(DEF) --out $(DIST) $(ADD_SELF)

$(SELF_DEB): $(JAR) configure box/Makefile
	$(PIGSTY) package deb --version $(VERSION) -o $(DIST)

$(SELF_RPM): $(JAR) configure box/Makefile
	$(PIGSTY) package rpm --version $(VERSION) -o $(DIST)

tools:
	@missing=""; for p in $(HOST_TOOLS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing host tools:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

unit: tools
	mvn -B verify

# the hostile battery (docs/security.md): broken and hostile bundles, pigsty.yml values,
# renderings, loopback mirrors that cut, stall, flood or fail, and faults; each case with its exit
# code and a check that nothing was changed or left behind
hostile: tools build
	bash $(TESTS)/hostile.sh $(JAR)

# every `pigsty image` rendering through the real validators (terraform validate for aws with the
# local provider mirror /opt/tf-plugins; aliyun: fmt only, its provider cannot be fetched); see docs/images.md
image-check: tools build
	bash $(TESTS)/image-validate.sh $(JAR)

e2e: tools build $(SELF_DEB)
	bash $(TESTS)/sandbox-lib-test.sh
	bash $(TESTS)/apt-oracle-selftest.sh
	$(PIGSTY) build $(DEF) --out $(DIST) --add-deb $(SELF_DEB)
	bash $(TESTS)/apt-oracle.sh $(JAR) $(DEF) "$$(ls -t $(DIST)/pigsty-pkg-*.tgz | head -1)"

# the main job end to end: jar, bundle, release, air-gapped node, configure, make install twice,
# health report; the node is removed afterwards whatever happened
e2e-demo: tools
	PIGSTY_FLOOR=0 $(MAKE) --no-print-directory demo; rc=$$?; $(MAKE) --no-print-directory sandbox-clean; exit $$rc

# the same on Debian 13: the d13 bundle built from trixie, a trixie node, PostgreSQL 17
e2e-demo-d13: tools
	PIGSTY_FLOOR=0 $(MAKE) --no-print-directory demo OS=d13; rc=$$?; $(MAKE) --no-print-directory sandbox-clean; exit $$rc

# the download path and our own packages: get against 127.0.0.1, .deb by apt-get in an offline
# chroot, .rpm by dnf into an installroot
release-check: tools build
	bash $(TESTS)/get-test.sh $(JAR)
	bash $(TESTS)/selfpkg-test.sh $(JAR)

# the offline appliance image (docs/appliance.md): `pigsty image rootfs` under `unshare --net`,
# booted air-gapped with systemd-nspawn (own netns pigsty-appliance), ./configure -n -m demo,
# make install, make status; everything removed afterwards whatever happened
rootfs-check: tools $(BUNDLE) $(RELEASE)
	bash $(TESTS)/rootfs-test.sh $(JAR) $(BUNDLE) $(RELEASE)

test: unit hostile image-check release-check e2e e2e-demo e2e-demo-d13 e2e-demo4 rootfs-check

bench: tools build
	bash $(TESTS)/bench.sh $(JAR) $(DEF)
	@echo "== configure to PostgreSQL in the sandbox, by phase, beside the apt floor"
	$(MAKE) --no-print-directory demo > $(DIST)/bench-demo.log 2>&1; rc=$$?; \
	  $(MAKE) --no-print-directory sandbox-clean >/dev/null 2>&1; \
	  grep -E '^(phase_[a-z]+|configure_to_pg_ready|install_(apt|services|health)|second_install_seconds|idempotent|floor_[a-z_]+)=' $(DIST)/bench-demo.log; \
	  [ $$rc = 0 ] || exit $$rc
	@echo "== demo4 on four docker nodes: bring-up, switchover write pause, failover RTO over 5 kills"
	$(MAKE) --no-print-directory demo4 KILLS=5 > $(DIST)/bench-demo4.log 2>&1; rc=$$?; \
	  bash $(TESTS)/docker-clean.sh >/dev/null 2>&1; bash $(TESTS)/docker-down.sh >/dev/null 2>&1; \
	  grep -E '^(demo4_[a-z_]+=|switchover_[a-z_]+=|failover_[a-z_]+=|failover [a-z0-9]+:|rejoin_seconds=|(\[10\.10\.10\.1[0-9]\] )?seconds:)' $(DIST)/bench-demo4.log; \
	  exit $$rc

# EL figures alone (no network: real cs9 repodata and fixture RPMs, beside dnf and createrepo_c)
bench-el: tools build
	bash $(TESTS)/bench-el.sh $(JAR)

clean:
	-$(MVN) clean
	rm -rf $(DIST)

release: build
	PIGSTY_SITE=$(SITE) bash box/release.sh $(JAR) $(VERSION) $(DIST)

# the release as a file, for targets that only need one made from the current jar and box files
$(RELEASE): $(JAR) configure box/Makefile box/release.sh box/get
	PIGSTY_SITE=$(SITE) bash box/release.sh $(JAR) $(VERSION) $(DIST)

$(BUNDLE): $(JAR) $(DEF) $(SELF_PKG)
	$(PIGSTY) build $(DEF) --out $(DIST) $(ADD_SELF)

sandbox: tools
	@test -f $(RELEASE) || { echo "no $(RELEASE): run 'make release' (or 'make demo')" >&2; exit 1; }
	@test -f $(BUNDLE) || { echo "no $(BUNDLE): run 'make pkg' (or 'make demo')" >&2; exit 1; }
	bash $(TESTS)/sandbox.sh $(RELEASE) $(BUNDLE)

sandbox-clean:
	bash $(TESTS)/sandbox-clean.sh $(if $(ALL),--all)
	bash $(TESTS)/rootfs-test.sh --clean
	bash $(TESTS)/docker-clean.sh $(if $(ALL),--all)

# the multi-node sandbox's engine and node image (docs/testing.md): Debian's docker.io, dockerd
# started when not running (tests/docker-down.sh stops it), pigsty-node:bookworm built with mmdebstrap
docker-up:
	bash $(TESTS)/docker-up.sh
	bash $(TESTS)/docker-node-image.sh

# four nodes on pigsty-demo4 through Testcontainers (*SystemIT in builder, failsafe); the unit
# tests are not run here (mvn verify runs them, without docker)
sandbox-test: docker-up
	mvn -B -Psandbox -pl builder -am verify -Dit.test=DockerNodesSystemIT

# demo4 on four docker nodes: the release and bundle copied to .10, ./configure -n -m demo4,
# make install twice (the other nodes over SSH), pg-test checked under Patroni, HAProxy and the VIP
# (Demo4SystemIT; KEEP=1 leaves the nodes up)
demo4: tools build docker-up
	$(MAKE) --no-print-directory $(BUNDLE) release
	mvn -B -Psandbox -pl builder -am verify -Dit.test=Demo4SystemIT \
	  -Dpigsty.release=$(abspath $(RELEASE)) -Dpigsty.bundle=$(abspath $(BUNDLE)) \
	  $(if $(KEEP),-Dpigsty.keep=true) $(if $(KILLS),-Dpigsty.kills=$(KILLS))

# demo4 as make test runs it: afterwards the nodes and network are removed and the dockerd that
# docker-up started is stopped, whatever happened (the node image stays cached)
e2e-demo4: tools
	$(MAKE) --no-print-directory demo4; rc=$$?; \
	  bash $(TESTS)/docker-clean.sh; bash $(TESTS)/docker-down.sh; exit $$rc

demo: tools build
	$(MAKE) --no-print-directory $(BUNDLE) release
	bash $(TESTS)/sandbox-demo.sh $(RELEASE) $(BUNDLE)
