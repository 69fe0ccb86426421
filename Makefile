# The two commands: `make run` opens filtop, `make test` runs every test.
# Both install missing system packages first (scripts/deps.sh).

SWIFT ?= swift
export PATH := $(PATH):/opt/swift/usr/bin

.PHONY: run test build release deps bench-content bench-offers bench-console bench-network clean

run: deps release
	./.build/release/filtop $(ARGS)

test: deps
	$(SWIFT) build
	FILTOP_INTEROP_PYTHON="$$(./scripts/interop-venv.sh)" $(SWIFT) test

deps:
	@./scripts/deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product filtop

bench-content: deps release
	python3 ./scripts/bench_content.py ./.build/release/filtop --memory-size $$((4 << 30))

bench-offers: deps release
	./.build/release/filtop bench offers

bench-console: deps release
	./.build/release/filtop bench console
	python3 ./scripts/bench_console.py ./.build/release/filtop

bench-network: deps release
	./.build/release/filtop bench network

clean:
	rm -rf .build
