# The README's two commands: `make run` and `make test`. Each installs what is missing, then builds.
SWIFT ?= swift
FLOWLM_RELEASE := .build/release/flowlm
DEFAULT_MODEL ?= checkpoints/shakespeare-flowlm

.PHONY: setup build release test run bench fixtures fuzz clean

setup:
	@bash Tools/setup.sh

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release --product flowlm

test: setup
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	FLOWLM_BIN=.build/debug/flowlm bash Tools/tui_e2e.sh

run: release
	@$(FLOWLM_RELEASE) info $(DEFAULT_MODEL)

fixtures:
	bash Tools/make_fixtures.sh

fuzz:
	bash Tools/fuzz.sh

clean:
	rm -rf .build
