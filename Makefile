# guidebuilder: `make install` once, then `make pdf`. `make help` lists everything.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
OUT    ?= build

N ?= 200

.PHONY: help install system-packages pdf epub all check list test bench clean

help:
	@echo "make install   install everything (system packages, fonts, Python environment)"
	@echo "make pdf       build every guide in guides/ as build/<guide>.pdf"
	@echo "make epub      build every guide in guides/ as build/<guide>.epub"
	@echo "make all       both, reading the articles once"
	@echo "make check     check every article and guide without building"
	@echo "make list      list the guides and the article categories"
	@echo "make test      run the test suite"
	@echo "make bench     benchmark on a synthetic corpus (N=200 articles; make bench N=1000)"
	@echo "make clean     remove build/ and the layout cache (.cache/)"

install: system-packages $(VENV)/.installed

system-packages:
	sh scripts/install-system-packages.sh

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

pdf: $(VENV)/.installed
	$(BIN)/guidebuilder build --format pdf --out $(OUT)

epub: $(VENV)/.installed
	$(BIN)/guidebuilder build --format epub --out $(OUT)

all: $(VENV)/.installed
	$(BIN)/guidebuilder build --format all --out $(OUT)

check list: $(VENV)/.installed
	$(BIN)/guidebuilder $@

test: $(VENV)/.installed
	$(BIN)/python -m pytest

bench: $(VENV)/.installed
	$(BIN)/python bench/run.py --articles $(N) --out $(OUT)/bench

clean:
	rm -rf $(OUT) .cache
