# The two commands README promises: `make run` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# A production install: the app without the dev tools, into the Python at hand. The Dockerfile
# runs this very line (tests/unit/test_deploy.py compares them); `make run` and `make test`
# install the same project into .venv, editable and with the dev tools.
INSTALL_APP := python -m pip install --no-cache-dir .

.PHONY: run test lint format bench demo clean install mutation

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/kyc serve

install:  # into whichever Python is active (the container image's); not needed for `make run`
	$(INSTALL_APP)

test: $(STAMP) lint
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bot handlers scheduler storage

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

demo: $(STAMP)
	$(BIN)/kyc demo

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench $(ARGS)

# Mutation testing (README, Tests): mutmut mutates bot/regimen, bot/services and
# scheduler/sender.py ([tool.mutmut] in pyproject.toml) and runs the fast tests on each mutant.
# Slow: the whole set is hours on two cores; MUTANTS='bot.regimen*' picks a part.
mutation: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[mutation]'
	rm -rf mutants  # the tests may have changed: no stale results
	$(BIN)/mutmut run --max-children 2 $(MUTANTS)
	$(BIN)/mutmut results

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache mutants
