# ftjobs — every target runs inside .venv, which `make venv` builds from pyproject.toml.
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
export PATH := $(BIN):$(PATH)

SPEC := openapi/fine_tuning_jobs.yaml
REDOCLY := npx --yes @redocly/cli@2.77.0

.PHONY: venv run-venv generate check-generated lint spec-lint pytest test contract contract-variants serve bench sdk-tests clean

venv: $(VENV)/.installed
run-venv: $(VENV)/.installed-run

PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
# Two steps, each rebuilt whenever pyproject.toml changes: what `make contract` and `make serve` need (ftjobs with
# its server and contract extras: about 30 s on a first run), then the dev tools (about two minutes more).
# Both install under the dev extra's exact pins (scripts/pins.py), so every target runs the versions tested.
$(VENV)/.installed-run: pyproject.toml scripts/pins.py
	@echo "make: installing ftjobs with its server and contract extras into $(VENV) (about 30 s the first time)"
	$(PYTHON) -m venv $(VENV)
	$(PYTHON) scripts/pins.py pyproject.toml > $(VENV)/constraints.txt
	$(PIP) -c $(VENV)/constraints.txt -e '.[server,contract]'
	touch $@

$(VENV)/.installed: $(VENV)/.installed-run
	@echo "make: installing the dev tools into $(VENV) (generator, linters, the openai SDK: about two minutes the first time)"
	$(PIP) -c $(VENV)/constraints.txt -e '.[dev]'
	touch $@

# Two generated trees: generated/ from the fragment, and the sync client (overlays/ftjobs/_sync) from the async one.
generate: venv
	$(BIN)/python scripts/generate.py
	$(BIN)/python scripts/make_sync.py

check-generated: venv
	$(BIN)/python scripts/generate.py --check
	$(BIN)/python scripts/make_sync.py --check

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

spec-lint: venv
	$(BIN)/openapi-spec-validator $(SPEC)
	$(REDOCLY) lint --config openapi/redocly.yaml $(SPEC)

# Three workers on two cores: much of the tests' time is spent waiting on servers, clocks and subprocesses, so a
# third worker fills it (a fresh clone's `make test`: 10 min 25 s with two, 9 min 33 s with three); tests that
# share a folder are grouped (xdist_group) onto one.
pytest: venv
	$(BIN)/pytest -n 3 --dist loadgroup

# The checks and pytest at once (the tests spend much of their time waiting on servers and clocks, so the linters
# fit in beside them); their lines interleave, each line whole.
test: venv
	@$(MAKE) --no-print-directory -j4 --output-sync=line check-generated lint spec-lint pytest

# The openai SDK's own tests, on the SDK and on ftjobs after the import swap (scripts/sdk_tests.py): downloads
# openai 3.57.0's sdist (pinned by hash) and builds build/sdk-tests/venv; Prism (npx) mocks OpenAI's spec
# (SPEC_OPENAI=…, default ../shared/reference/upstream/openai-openapi.full.yaml). Not part of `make test`.
sdk-tests: venv
	$(BIN)/python scripts/sdk_tests.py $(if $(SPEC_OPENAI),--spec $(SPEC_OPENAI))

# The contract suite: against the embedded reference server, or BASE_URL=… API_KEY=… [AUTH=bearer|api-key] [SAFE=1].
# Keys travel in the environment, never on a command line that make would print.
ifdef API_KEY
export FTJOBS_CONTRACT_API_KEY := $(API_KEY)
export FTJOBS_SERVE_API_KEY := $(API_KEY)
endif
AUTH ?= bearer
# ftjobs contract exits 0 (conforms), 1 (does not conform) or 2 (could not test); make can only exit 0 or 2,
# so the outcome is the last line printed. CI should call `ftjobs contract` itself.
contract: run-venv
	@$(BIN)/ftjobs contract --auth $(AUTH) $(if $(BASE_URL),--base-url "$(BASE_URL)") $(if $(SAFE),--safe) $(if $(SEED),--seed $(SEED)) $(CONTRACT_ARGS); \
	code=$$?; echo "make contract: outcome $$code ($$(case $$code in 0) echo conforms;; 1) echo does not conform;; 2) echo could not test;; *) echo interrupted;; esac))"; exit $$code

# Every server variant (broken and conforming) under five seeds: the long proof that the suite gives no
# false verdict. About 15 minutes on 2 cores; not part of `make test`.
contract-variants: venv
	$(BIN)/pytest tests/contract/test_variants.py --variant-seeds 5 -q

# The reference server on loopback until Ctrl-C: make serve [PORT=8000] [API_KEY=...] [STEP_SECONDS=5]
PORT ?= 8000
STEP_SECONDS ?= 5
serve: run-venv
	$(BIN)/ftjobs serve --host 127.0.0.1 --port $(PORT) --step-seconds $(STEP_SECONDS)

# ftjobs against the official openai SDK; writes bench/results.json and the README table. Not part of `make test`.
bench: venv
	$(BIN)/python bench/bench.py $(PARTS)

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache .pytest_cache .hypothesis
