# ManifoldBench: two commands do everything.
#   make run   installs the Debian packages it needs, builds in release mode, runs the main job
#   make test  installs the same packages and runs the whole test suite
SHELL := /bin/bash
DEB_PACKAGES := libpng-dev libfreetype-dev libopenblas-dev liblapacke-dev zlib1g-dev fonts-dejavu-core libfftw3-dev pkg-config
MBENCH := .build/release/mbench
# The main job: every spec in Experiments/ (results are reused, so a second run takes seconds).
SPECS ?= Experiments/*.yaml

.PHONY: run test deps build quick clean

deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

build: deps
	swift build -c release --product mbench

run: build
	$(MBENCH) run $(SPECS)

quick: build
	$(MBENCH) run Experiments/smoke-pca-blobs.yaml

# Tests run in release mode (with -enable-testing): the numeric tests are
# far too slow unoptimised, and release is what users run.
test: deps
	swift build -c release -Xswiftc -enable-testing --build-tests
	swift test -c release -Xswiftc -enable-testing --skip-build --disable-swift-testing

clean:
	rm -rf .build
