# Hull: `make demo` sets up a fresh Debian 12 machine (as root) and runs a container;
# `make test` runs the whole test suite. Everything else is a step of those two.

SHELL := /bin/bash
TOP := $(CURDIR)
BUILD := $(TOP)/build
# The first JDK 25 found: $JAVA_HOME if it is one, else under /usr/lib/jvm.
JDK ?= $(shell for d in "$$JAVA_HOME" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25*; do \
          [ -x "$$d/bin/java" ] && "$$d/bin/java" -version 2>&1 | grep -q 'version "25' && { echo "$$d"; break; }; done)
MVN := JAVA_HOME=$(JDK) MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow" mvn -B -q
DEBS := gcc make maven busybox-static libseccomp2 runc hyperfine iproute2 util-linux procps apparmor skopeo umoci zstd tini
# The container engines PodmanIT and ContainerdIT drive Hull with: installed when apt can, else
# those tests skip and say why.
CLIENT_DEBS := podman containerd
RUNTIME_JAR := runtime/target/hull-runtime.jar
ENGINE_JAR := engine/target/hull-engine.jar
DEMO := $(BUILD)/demo-bundle
# the demo's and the engine tests' image: the demo bundle's root filesystem as a tarball (`hull import`)
IMAGE_TAR := $(BUILD)/busybox-rootfs.tar

.PHONY: all deps jdk build aot demo test unit bench v2-smoke lsm-smoke clean

all: build

jdk:
	@if [ -z "$(JDK)" ]; then \
	  echo "Hull needs a JDK 25 (FFM API, AOT cache). None found in JAVA_HOME or /usr/lib/jvm." >&2; \
	  echo "Install Temurin 25 (https://adoptium.net) and set JAVA_HOME, then run make again." >&2; \
	  exit 1; fi

# Debian packages the build, the demo and the tests use; installed only when missing.
deps: jdk
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@missing=""; for p in $(CLIENT_DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing \
	    || echo "warning: cannot install$$missing: PodmanIT/ContainerdIT will skip" >&2; \
	fi

build: jdk
	$(MVN) -DskipTests package
	@mkdir -p $(BUILD)
	@ln -sfn $(JDK) $(BUILD)/jdk
	@{ echo "HULL_JAVA=$(BUILD)/jdk/bin/java"; \
	   echo "HULL_CP=$(TOP)/$(RUNTIME_JAR):$$(ls $(TOP)/runtime/target/lib/*.jar | tr '\n' ':' | sed 's/:$$//')"; \
	   echo "HULL_ENGINE_CP=$(TOP)/$(ENGINE_JAR):$$(ls $(TOP)/engine/target/lib/*.jar | tr '\n' ':' | sed 's/:$$//')"; \
	   echo "HULL_EXECUTOR=$(TOP)/native/target/hull-exec"; } > $(BUILD)/env
	@$(MAKE) --no-print-directory aot

# The JDK 25 AOT cache (JEP 483/514): classes loaded and linked by a training run of real
# commands are mapped at start-up. Training needs root (it runs containers); without it the
# runtime simply starts without the cache.
aot: $(DEMO)/config.json $(IMAGE_TAR)
	@rm -f $(BUILD)/hull-runtime.aot
	@if [ "$$(id -u)" = 0 ]; then \
	  . $(BUILD)/env; \
	  $$HULL_EXECUTOR --front -- $$HULL_JAVA -XX:AOTCacheOutput=$(BUILD)/hull-runtime.aot -Xlog:aot=off -Xlog:cds=off \
	    -XX:+UseSerialGC -Xint --enable-native-access=ALL-UNNAMED \
	    -Dhull.executor=$$HULL_EXECUTOR -cp $$HULL_CP dev.hull.runtime.cli.Train $(DEMO) >/dev/null \
	  || echo "warning: AOT training failed; hull-runtime will start without the cache" >&2; \
	else echo "not root: skipping the AOT cache"; fi
	@rm -f $(BUILD)/hull.aot
	@if [ "$$(id -u)" = 0 ]; then \
	  . $(BUILD)/env; \
	  $$HULL_EXECUTOR --front -- $$HULL_JAVA -XX:AOTCacheOutput=$(BUILD)/hull.aot -Xlog:aot=off -Xlog:cds=off \
	    -XX:+UseSerialGC -Xint -XX:-UsePerfData -Xss1m --enable-native-access=ALL-UNNAMED \
	    --sun-misc-unsafe-memory-access=allow \
	    -Dhull.executor=$$HULL_EXECUTOR -cp $$HULL_ENGINE_CP dev.hull.engine.cli.Train $(IMAGE_TAR) >/dev/null 2>&1 \
	  || echo "warning: AOT training of hull failed; hull will start without the cache" >&2; fi

# A bundle with the host's static busybox as its root filesystem.
$(DEMO)/config.json:
	@rm -rf $(DEMO) && mkdir -p $(DEMO)/rootfs/{bin,proc,sys,dev,tmp,etc,root}
	@cp /bin/busybox $(DEMO)/rootfs/bin/busybox
	@for a in $$(/bin/busybox --list); do [ "$$a" = busybox ] || ln -sf busybox $(DEMO)/rootfs/bin/$$a; done
	@printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > $(DEMO)/rootfs/etc/passwd
	@printf 'root:x:0:\nnogroup:x:65534:\n' > $(DEMO)/rootfs/etc/group
	@cd $(DEMO) && $(TOP)/bin/hull-runtime spec >/dev/null 2>&1 || \
	  (. $(BUILD)/env && $$HULL_JAVA -cp $$HULL_CP dev.hull.runtime.cli.Main spec)
	@sed -i 's/"terminal": true/"terminal": false/; s/^\(\s*\)"sh"$$/\1"sh", "-c", "echo hello from a Hull container: hostname $$(hostname), uid $$(id -u), $$(grep CapEff \/proc\/self\/status)"/' $(DEMO)/config.json

$(IMAGE_TAR): $(DEMO)/config.json
	tar -C $(DEMO)/rootfs --numeric-owner -cf $@ .

demo: deps build
	@echo "--- hull-runtime: running the OCI bundle $(DEMO)"
	cd $(DEMO) && $(TOP)/bin/hull-runtime run demo-$$$$
	@echo "--- hull: importing $(IMAGE_TAR) as the image busybox (once), running a container from it"
	@$(TOP)/bin/hull image inspect busybox >/dev/null 2>&1 || $(TOP)/bin/hull import $(IMAGE_TAR) busybox
	$(TOP)/bin/hull run --rm busybox sh -c 'echo hello from hull: hostname $$(hostname), $$(id), $$(grep CapEff /proc/self/status)'

test: deps build
	$(MVN) verify
	@# verify packaged the jars again: train the AOT caches anew, or the CLIs would run without them
	@$(MAKE) --no-print-directory aot
	tests/v2-smoke.sh
	tests/lsm-smoke.sh

unit: jdk
	$(MVN) -DskipITs test

# the cgroup v2 checks, in the v2 guest of ../shared/tools/v2vm (skipped where it is absent)
v2-smoke: build
	tests/v2-smoke.sh

# AppArmor (which this host's kernel lacks), in the same guest
lsm-smoke: build
	tests/lsm-smoke.sh

bench: build
	@for p in crun hyperfine; do dpkg -s $$p >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$p; done
	bench/run.sh

clean:
	$(MVN) clean
	rm -rf $(BUILD)
