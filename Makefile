# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo site test lint install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/newsmd crawl qq --channels finance,tech --pages 2 --mirror demo/mirror -o output

# The demo crawl fed to a Hugo site: output/site/public/ is the built site.
site: install
	test -f output/site/hugo.toml || $(BIN)/newsmd site init output/site
	$(BIN)/newsmd crawl qq --channels finance,tech --pages 2 --mirror demo/mirror -o output/site/content/posts
	$(BIN)/hugo --source output/site --logLevel warn
	@echo "built site: output/site/public/index.html"

test: install
	$(BIN)/python -m pytest

# The linter and the type checker, configured in pyproject.toml; .ci/run runs them.
lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info
