# Two commands on a fresh machine with Python 3.11+:
#   make site   - set up .venv, build the briefs and the site into site/
#   make test   - set up .venv with the test tools, run the tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test serve deploy briefs clean

$(BIN)/briefs: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

briefs: $(BIN)/briefs
	$(BIN)/briefs build

site: briefs
	$(BIN)/mkdocs build --strict

test: $(BIN)/briefs
	$(BIN)/pytest

serve: $(BIN)/briefs
	$(BIN)/mkdocs serve

deploy: $(BIN)/briefs
	$(BIN)/mkdocs gh-deploy --force

clean:
	rm -rf site .pytest_cache
