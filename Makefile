# SPDX-License-Identifier: MIT
# The two commands of the quick start, and the rest of the workflow.
#   make run    install what is missing, build, start kizuki serve
#   make test   install, build, run every test (last line: N passed, N failed)
#   make fuzz   run each libFuzzer harness for FUZZ_SECONDS
#   make bench  run the benchmarks against their peers (bench/README.md)
#   make data   fetch the IP -> ASN and country data into var/data

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
KIZUKI_DB  ?= var/kizuki.db
LISTEN     ?= 127.0.0.1:8080
FUZZ_SECONDS ?= 60
# Debian's python3, which has python3-pytest and the other test modules.
PYTHON     ?= /usr/bin/python3
KIZUKI     := $(BUILD)/src/cli/kizuki

.PHONY: all deps build kizuki run test unit fuzz bench format clean data

all: build

deps:
	@scripts/install-deps build test

$(BUILD)/build.ninja:
	meson setup $(BUILD) --buildtype=debugoptimized -Dwerror=true

build: deps $(BUILD)/build.ninja
	@ninja -C $(BUILD)

# Only the program, for make run: the tests are built by make test.
kizuki: deps $(BUILD)/build.ninja
	@ninja -C $(BUILD) src/cli/kizuki

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) --buildtype=debug -Dwerror=true \
	    -Db_sanitize=address,undefined -Db_lundef=false

# The first start creates an admin and prints its one-time password.
run: kizuki
	@mkdir -p $(dir $(KIZUKI_DB))
	@$(KIZUKI) --db $(KIZUKI_DB) init
	@echo
	@echo "kizuki is ready. The command line works beside the server:"
	@echo "  export KIZUKI_DB=$(KIZUKI_DB)"
	@echo "  $(KIZUKI) incident new --title 'Phishing site imitating a bank' --category phishing"
	@echo "  $(KIZUKI) incident list"
	@echo "  $(KIZUKI) user add tanaka --role handler"
	@echo
	@exec $(KIZUKI) --db $(KIZUKI_DB) serve --init-admin --listen $(LISTEN)

test: build $(ASAN_BUILD)/build.ninja
	@ninja -C $(ASAN_BUILD) > $(ASAN_BUILD)/ninja.log 2>&1 || \
	    { grep -v '^\[' $(ASAN_BUILD)/ninja.log; exit 1; }
	@$(PYTHON) tests/run.py --build $(BUILD) --asan-build $(ASAN_BUILD)

fuzz:
	@scripts/install-deps build fuzz
	@test -f $(FUZZ_BUILD)/build.ninja || CC=clang meson setup $(FUZZ_BUILD) \
	    --buildtype=debugoptimized -Dfuzz=true -Db_sanitize=address,undefined \
	    -Dc_args=-fsanitize=fuzzer-no-link \
	    -Db_lundef=false
	@ninja -C $(FUZZ_BUILD)
	@scripts/fuzz-all $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: build
	@scripts/install-deps build bench
	@bench/run.sh $(BUILD)

data:
	@scripts/fetch-data var/data

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
