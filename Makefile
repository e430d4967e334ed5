# ManifoldBench: two commands do everything.
#   make run   installs the Debian packages it needs, builds in release mode, runs the main job
#   make test  installs the same packages and runs the whole test suite
SHELL := /bin/bash
DEB_PACKAGES := libpng-dev libfreetype-dev libopenblas-dev liblapacke-dev zlib1g-dev fonts-dejavu-core pkg-config
MBENCH := .build/release/mbench
# The main job: every figure spec in Experiments/ (results are reused, so a second run takes seconds).
# vs-*.yaml need umap-learn / openTSNE / scikit-learn (optional) and ci-bench.yaml is for `make bench`.
SPECS ?= $(filter-out Experiments/vs-%.yaml Experiments/ci-bench.yaml,$(wildcard Experiments/*.yaml))

.PHONY: run test deps build quick bench clean

deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=""; [ "$$(id -u)" -ne 0 ] && SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# One release build serves every target: `make test` and `make run` use the same flags
# (-enable-testing, so the test build's objects are the ones mbench links), and
# whichever runs second rebuilds nothing.
SWIFT_BUILD_FLAGS := -c release -Xswiftc -enable-testing

build: deps
	swift build $(SWIFT_BUILD_FLAGS) --product mbench

run: build
	$(MBENCH) run $(SPECS)

quick: build
	$(MBENCH) run Experiments/smoke-pca-blobs.yaml

# Tests run in release mode: the numeric tests are far too slow unoptimised, and
# release is what users run. --build-tests also builds mbench, which the command-line
# tests (Tests/mbenchTests) run.
# OPENBLAS_CORETYPE: the test process computes with the same OpenBLAS kernels as every mbench
# process (the determinism contract, Sources/Linalg/NumericEnvironment.swift).
test: deps
	swift build $(SWIFT_BUILD_FLAGS) --build-tests
	OPENBLAS_CORETYPE=Prescott swift test $(SWIFT_BUILD_FLAGS) --skip-build --disable-swift-testing

# Timing benchmark against the committed baseline (single-threaded, calibrated units).
# Exit 3 (a clear regression) fails; 0 (within tolerance) and 4 (improvement only) pass.
# After an intended change: $(MBENCH) bench Experiments/ci-bench.yaml --threads 1 --save-baseline Benchmarks/ci-bench.baseline.json
BENCH_SPEC ?= Experiments/ci-bench.yaml
BENCH_BASELINE ?= Benchmarks/ci-bench.baseline.json
bench: build
	@status=0; $(MBENCH) bench $(BENCH_SPEC) --threads 1 --baseline $(BENCH_BASELINE) || status=$$?; \
	if [ $$status -eq 4 ]; then echo "bench: improvement only (exit 4) - consider refreshing $(BENCH_BASELINE)"; status=0; fi; \
	exit $$status

clean:
	rm -rf .build
