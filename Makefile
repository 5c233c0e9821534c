# Two commands do everything on a fresh machine with Python 3.10+ and make:
#   make board   create .venv, install, board chapters/ into out/
#   make test    the same setup if needed, then the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: board test golden bench bench-targets eval eval-camera clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

board: $(STAMP)
	$(BIN)/novel2board chapters/ --out out

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Refresh the golden files after an intended change; review the diff.
golden: $(STAMP)
	$(BIN)/python -m tests.golden

bench: $(STAMP)
	$(BIN)/python bench/bench_novel.py ../shared/data/litbank/novels/1342_pride_and_prejudice.txt

# The two speed targets alone (a few minutes; `make bench` does it all).
bench-targets: $(STAMP)
	$(BIN)/python bench/bench_targets.py ../shared/data/litbank/novels/1342_pride_and_prejudice.txt --formats json
	$(BIN)/python bench/bench_targets.py ../shared/data/litbank/novels/1342_pride_and_prejudice.txt --formats all

eval: $(STAMP)
	$(BIN)/python bench/eval_litbank.py ../shared/data/litbank

# What the board's words say (#13): docs/camera.md.  Measures, never fails on a figure.
eval-camera: $(STAMP)
	$(BIN)/python bench/eval_camera.py chapters/ --litbank ../shared/data/litbank

clean:
	rm -rf $(VENV) out .pytest_cache
