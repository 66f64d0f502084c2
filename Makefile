# The two-command quick start: `make run` and `make test`. Both install what they need.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test lint format messages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Reference data, example plans, the sample corpus in the review queue, an administrator
# (password printed once) and the app at http://127.0.0.1:8000 (see `wpstrack demo --help`).
# No WPSTRACK_DATA_DIR here on purpose: the demo's database is the platform default that every
# other command finds from any folder (`wpstrack info` says where).
run: install
	$(VENV)/bin/wpstrack demo

# One worker per core; a test file stays on one worker (its module fixtures are built once).
# Each worker has its own SQLite files and PostgreSQL schemas (tests/conftest.py).
test: install
	$(PY) -m pytest -n auto --dist loadfile

lint: install
	$(VENV)/bin/ruff check src tests bench scripts
	$(VENV)/bin/ruff format --check src tests bench scripts
	$(VENV)/bin/mypy
	PYTHONPATH=src $(VENV)/bin/lint-imports  # the layer contracts, over this checkout's source

format: install
	$(VENV)/bin/ruff check --fix src tests bench scripts
	$(VENV)/bin/ruff format src tests bench scripts

# The interface's messages: refresh the template and the Japanese catalogue from the code
# (then translate every empty msgstr; tests/test_i18n.py fails on one left empty).
messages: install
	$(VENV)/bin/pybabel extract -F babel.cfg --no-location --sort-output -k N_ -o src/wpstrack/locale/messages.pot .
	$(VENV)/bin/pybabel update -i src/wpstrack/locale/messages.pot -d src/wpstrack/locale -D messages --ignore-obsolete
