# The README's two commands: `make run` and `make test`. Each installs what is missing, then builds.
SWIFT ?= swift
FLOWLM_RELEASE := .build/release/flowlm
DEFAULT_MODEL ?= checkpoints/shakespeare-flowlm
# Sampler settings come from the model folder's flowlm_sampler.json (docs/SHAKESPEARE.md); flags here override them.
# make run opens repair mode: a famous line damaged (20 % substitutions, 10 % masks, the --repair defaults) for the
# model to correct, the clearest picture of corruption-and-correction (docs/SHAKESPEARE.md §3). `e` leaves it for
# free generation from a prompt; RUN_ARGS= opens generation directly.
RUN_ARGS ?= --repair 'ROMEO. But soft! what light through yonder window breaks? It is the east, and Juliet is the sun.'

.PHONY: setup build release test run bench fixtures fuzz clean eval experiment-models test-faults

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
	@$(FLOWLM_RELEASE) tui --model $(DEFAULT_MODEL) $(RUN_ARGS)

fixtures:
	bash Tools/make_fixtures.sh

# The experiment of research_idea.md: every table of §5 from the shipped checkpoints (11 minutes on 2 cores, measured).
eval: release
	bash Tools/run_eval.sh

# Retrains the 27 synthetic-task models that `make eval` reads (about an hour on 2 cores; finished ones are kept).
experiment-models: release
	bash Tools/train_experiment.sh

test-faults:
	bash Tools/test_faults.sh

fuzz:
	bash Tools/fuzz.sh --seconds $${FUZZ_SECONDS:-300}

clean:
	rm -rf .build

# The PyTorch scale-out trainer's tests (python/). Not part of `make test`: they need Python + torch and take ~2 min.
PYTHON_VENV ?= .venv-python
.PHONY: test-python
$(PYTHON_VENV)/.installed: python/pyproject.toml python/requirements.txt
	python3 -m venv --system-site-packages --without-pip $(PYTHON_VENV)
	# --without-pip: the venv uses the system pip and setuptools (a venv's own bundled setuptools may be too old
	# for an offline --no-build-isolation editable install).
	$(PYTHON_VENV)/bin/python -m pip install --quiet --no-build-isolation -r python/requirements.txt -e 'python/[test]'
	touch $@

test-python: $(PYTHON_VENV)/.installed
	cd python && ../$(PYTHON_VENV)/bin/python -m pytest -q tests
