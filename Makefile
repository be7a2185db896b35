# madoguchi — one file of commands. `make run` and `make test` set up whatever is missing first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

export RASA_TELEMETRY_ENABLED := false
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export PYTHONDONTWRITEBYTECODE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export MADOGUCHI_HOME ?= $(CURDIR)/var
export MADOGUCHI_TRACKER_DB ?= $(MADOGUCHI_HOME)/tracker.db
export RASA_CACHE_DIRECTORY ?= $(HOME)/.cache/madoguchi/rasa-cache

APP_VENV := .venv
RASA_VENV := .venv-rasa
PY := $(APP_VENV)/bin/python
RASA := $(RASA_VENV)/bin/rasa
E5_DIR := $(MADOGUCHI_HOME)/models/e5-small-st
RASA_MODEL := $(MADOGUCHI_HOME)/models/madoguchi.tar.gz

.PHONY: help system setup run test test-fast bench train validate lint format kb clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

setup: system $(APP_VENV)/.done $(RASA_VENV)/.done $(E5_DIR)/madoguchi-convert.json ## build both environments and the model (idempotent)

system: ## install missing Debian packages (a Japanese font) as root; otherwise say what to install
	@scripts/setup-system.sh

$(APP_VENV)/.done: requirements/app.lock pyproject.toml
	@scripts/setup-venv.sh app $(APP_VENV) requirements/app.lock
	@touch $@

$(RASA_VENV)/.done: requirements/rasa.lock
	@scripts/setup-venv.sh rasa $(RASA_VENV) requirements/rasa.lock
	@touch $@

$(E5_DIR)/madoguchi-convert.json: $(APP_VENV)/.done $(wildcard knowledge/convert/*.py)
	$(PY) -m knowledge.convert $(E5_DIR)

train: $(RASA_VENV)/.done ## train the Rasa model when config.yml, intents/ or the tokenizer changed
	@scripts/train.sh

validate: $(RASA_VENV)/.done ## check the Rasa training data
	PYTHONPATH=$(CURDIR) $(RASA) data validate --config config.yml --domain intents/domain --data intents/nlu intents/rules intents/stories --fail-on-warnings

kb: setup ## import the seed knowledge base into the database (keeps staff edits)
	$(PY) -m bot.cli kb import

run: setup train kb ## run the whole stack: web chat on :8000, Rasa REST on :5005
	$(PY) -m bot.cli run

lint: $(APP_VENV)/.done ## ruff (format and lint) and mypy
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .
	$(PY) -m mypy

format: $(APP_VENV)/.done ## reformat the code
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

test: setup train lint validate ## every check: lint, Rasa data, unit, accuracy and end-to-end tests
	$(PY) -m pytest -q -m "not model and not e2e"
	$(PY) -m pytest -q -m "model or e2e"

test-fast: $(APP_VENV)/.done ## unit tests only (no model, no Rasa)
	$(PY) -m pytest -q -m "not model and not e2e"

bench: setup train kb ## measure accuracy, latency, throughput and memory; writes docs/benchmarks.md
	$(PY) -m bench.run --write docs/benchmarks.md

clean: ## remove environments and generated files (keeps nothing of var/)
	rm -rf $(APP_VENV) $(RASA_VENV) var
