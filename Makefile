# Two commands do all the set-up: `make book` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
VENDOR := vendor/.stamp
HTML   := _build/html/index.html

.PHONY: book test lab clean timings browser vendor lint

# PyPI's Linux torch is the CUDA build (several GB). For the CPU build, name PyTorch's
# CPU index: `make test TORCH_INDEX=https://download.pytorch.org/whl/cpu`. The pinned
# torch is then installed from that index alone, before the other pins.
TORCH_INDEX ?=

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(if $(TORCH_INDEX),grep -E '^torch==' requirements.txt \
	    | $(BIN)/python -m pip install -q --index-url $(TORCH_INDEX) -r /dev/stdin)
	$(BIN)/python -m pip install -q -r requirements.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	@touch $(STAMP)

# MathJax, require.js and the ipywidgets manager, vendored from npm so pages render offline.
$(VENDOR): scripts/vendor_js.sh
	bash scripts/vendor_js.sh

vendor: $(VENDOR)

## Build the HTML book, every notebook executed at full size (cached between runs).
book: $(STAMP) $(VENDOR)
	$(BIN)/python scripts/exec_cache.py
	BOOK_RUN_MODE=full $(BIN)/jupyter-book build . -W -n --keep-going
	@echo "Open file://$(CURDIR)/$(HTML)"

## Run the whole test suite: nbval runs every chapter once at full size, then the
## unit tests, the book built from those runs, browser and Colab checks.
## .ci/run calls exactly this.
test: $(STAMP) $(VENDOR)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	BOOK_RUN_MODE=full $(BIN)/python -m pytest --nbval-lax --nbval-current-env --durations=20

## Install headless Chromium (Debian package) for the browser tests.
browser:
	bash scripts/install_browser.sh

## Re-measure each notebook's run time (full and smoke) into tutorial_utils/timings.json.
# Executed notebooks are cached by code only: drop the caches so time cards update.
timings: $(STAMP)
	$(BIN)/python scripts/measure_timings.py
	rm -rf _build/.jupyter_cache _build/smoke/.jupyter_cache

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf _build .pytest_cache .ruff_cache
