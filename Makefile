# guidebuilder: `make install` once, then `make pdf`. `make help` lists everything.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
OUT    ?= build

N ?= 50 200 400 1000
# make pdf GUIDE=xinyongka-zhaiwu EDITION=huaxin ARTICLE=yuqi-houguo CLUSTER=tcp://host:8786; make import SRC=saved/ AS_OF=2026-11-29
GUIDE   ?=
EDITION ?=
ARTICLE ?=
SRC     ?=
AS_OF   ?=
CLUSTER ?=
PORT    ?= 8000
BUILD_ARGS = $(GUIDE) $(if $(EDITION),--edition $(EDITION)) $(if $(ARTICLE),--article $(ARTICLE)) \
             $(if $(CLUSTER),--cluster $(CLUSTER)) --out $(OUT)

.PHONY: help install system-packages pdf epub all check list lint test goldens bench clean import serve init

help:
	@echo "make install   install everything (system packages, fonts, Python environment)"
	@echo "make pdf       build every guide in guides/ as build/<guide>.pdf"
	@echo "                 GUIDE=name: only that guide; EDITION=slug: only that client edition;"
	@echo "                 ARTICLE=slug: a proof of that article only (with GUIDE)"
	@echo "                 CLUSTER=tcp://host:8786: lay out on that Dask cluster (README)"
	@echo "make epub      build every guide in guides/ as build/<guide>.epub (GUIDE=, EDITION= too)"
	@echo "make all       both, reading the articles once"
	@echo "make serve     preview the guides in a browser at http://127.0.0.1:8000 (PORT=...)"
	@echo "make import    SRC=saved/ [AS_OF=YYYY-MM-DD]: turn saved web pages into articles"
	@echo "make init      DIR=folder: start a new project there"
	@echo "make check     check every article and guide without building"
	@echo "make list      list the guides and the article categories"
	@echo "make test      lint (ruff), then run the test suite"
	@echo "make lint      only the lint step of make test"
	@echo "make goldens   rewrite the importer's expected outputs (tests/expected/); review with git diff"
	@echo "make bench     benchmark against one WeasyPrint pass at N=50 200 400 1000 articles (make bench N=200)"
	@echo "make clean     remove build/ and the layout cache (.cache/)"

install: system-packages $(VENV)/.installed

system-packages:
	sh scripts/install-system-packages.sh

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,cluster]'
	@# bytecode once, as pip writes it for any other package: where PYTHONDONTWRITEBYTECODE
	@# is set, every process of a build would compile guidebuilder from its source again
	$(BIN)/python -m compileall -q src
	touch $@

pdf: $(VENV)/.installed
	$(BIN)/guidebuilder build --format pdf $(BUILD_ARGS)

epub: $(VENV)/.installed
	$(BIN)/guidebuilder build --format epub $(BUILD_ARGS)

all: $(VENV)/.installed
	$(BIN)/guidebuilder build --format all $(BUILD_ARGS)

serve: $(VENV)/.installed
	$(BIN)/guidebuilder serve --port $(PORT)

import: $(VENV)/.installed
	@test -n "$(SRC)" || { echo "say which pages: make import SRC=saved/ [AS_OF=2026-11-29]" >&2; exit 2; }
	$(BIN)/guidebuilder import $(SRC) $(if $(AS_OF),--as-of $(AS_OF))

init: $(VENV)/.installed
	@test -n "$(DIR)" || { echo "say where: make init DIR=../my-guides" >&2; exit 2; }
	$(BIN)/guidebuilder init $(DIR)

check list: $(VENV)/.installed
	$(BIN)/guidebuilder $@

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests bench

test: lint
	$(BIN)/python -m pytest -n auto --dist loadfile

goldens: $(VENV)/.installed
	GUIDEBUILDER_GOLDENS=rewrite $(BIN)/python -m pytest -q -m golden
	git status --short -- tests/expected

bench: $(VENV)/.installed
	sh scripts/install-system-packages.sh --bench
	$(BIN)/python bench/run.py --articles $(N) --out $(OUT)/bench
	$(BIN)/python bench/import_bench.py --rounds 5

clean:
	rm -rf $(OUT) .cache
