# The two commands: `make run` opens filtop, `make test` runs every test.
# Both install missing system packages first (scripts/deps.sh).

SWIFT ?= swift
export PATH := $(PATH):/opt/swift/usr/bin

.PHONY: run test build release deps bench-content bench-offers bench-console bench-network bench-paych bench-gateway bench-retrieval clean

run: deps release
	./.build/release/filtop $(ARGS)

test: deps
	$(SWIFT) build
	FILTOP_INTEROP_PYTHON="$$(./scripts/interop-venv.sh)" $(SWIFT) test

deps:
	@./scripts/deps.sh

build: deps
	$(SWIFT) build

# The release binary carries the Swift runtime inside (--static-swift-stdlib) and is
# linked by lld with the console's code laid out together (scripts/filtop.order, made by
# scripts/order-file.sh), identical functions folded, compact relative relocations
# (glibc 2.36+) and no exported symbols: the console touches fewer pages, so it holds
# less memory (docs/BENCHMARKS.md, Console). Without lld it links as before, unordered.
LLD := $(shell PATH="$(PATH)" command -v ld.lld 2>/dev/null)
RELEASE_FLAGS := -c release --product filtop --static-swift-stdlib
ifneq ($(LLD),)
RELEASE_FLAGS += -Xswiftc -use-ld=lld -Xlinker --icf=safe -Xlinker -z -Xlinker pack-relative-relocs \
	-Xlinker --no-export-dynamic -Xlinker --symbol-ordering-file=$(CURDIR)/scripts/filtop.order \
	-Xlinker --no-warn-symbol-ordering
endif

release: deps
	@[ ! scripts/filtop.order -nt .build/release/filtop ] || rm -f .build/release/filtop  # relink on a new order
	$(SWIFT) build $(RELEASE_FLAGS)

bench-content: deps release
	python3 ./scripts/bench_content.py ./.build/release/filtop --memory-size $$((4 << 30))

bench-offers: deps release
	./.build/release/filtop bench offers

bench-console: deps release
	./.build/release/filtop bench console
	python3 ./scripts/bench_console.py ./.build/release/filtop

bench-network: deps release
	./.build/release/filtop bench network

bench-paych: deps release
	./.build/release/filtop bench paych

bench-gateway: deps release
	./.build/release/filtop bench gateway

bench-retrieval: deps release
	./.build/release/filtop bench retrieval

clean:
	rm -rf .build
