# The two commands of the quick start. Both create the virtualenv and install what they need.
VENV ?= .venv
PYTHON ?= python3
STAMP := $(VENV)/.installed-stamp

.PHONY: run test bench lint check proto clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: the whole stack on embedded defaults with sample data (Ctrl-C stops it)
run: $(STAMP)
	$(VENV)/bin/jobmatch up

## test: the whole test suite (unit, integration, e2e) against a real broker and real servers
# In TEST_WORKERS processes (pytest-xdist), a test file's tests on one of them: most tests wait
# on brokers, services and group joins, so three share two cores well. TEST_WORKERS=0: one process.
TEST_WORKERS ?= 3
test: $(STAMP)
	$(VENV)/bin/python -m pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

bench: $(STAMP)
	$(VENV)/bin/python -m bench all

lint: $(STAMP)
	$(VENV)/bin/buf lint proto

## check: the code health gates — ruff, mypy (services/, pydantic plugin), import contracts, buf lint
# `ruff format --check` is on (FORMAT_CHECK=0 leaves it out while a change is being shaped).
FORMAT_CHECK ?= 1
check: $(STAMP)
	$(VENV)/bin/ruff check .
ifeq ($(FORMAT_CHECK),1)
	$(VENV)/bin/ruff format --check .
endif
	$(VENV)/bin/mypy services
	$(VENV)/bin/lint-imports
	$(VENV)/bin/buf lint proto

## proto: regenerate the Python code under jobmatch/ from proto/
proto: $(STAMP)
	$(VENV)/bin/python scripts/gen_proto.py

clean:
	rm -rf $(VENV) data
