# Two commands on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test bench docs clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "stat3sim needs Python >= 3.11; run e.g. 'make PYTHON=python3.11 $(MAKECMDGOALS)'"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(STAMP_TEST): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(STAMP)

## the main job: the tnbc scenario with every standard arm -> results/tnbc/ (report.html,
## time courses, figures, summary.json); then the IL-6 time course of the tumor cell in
## out/ and the signaling claims (the TME and therapy claims and the translation table
## are in the report)
run: $(STAMP)
	$(BIN)/stat3sim run tnbc --out results/tnbc
	mkdir -p out
	$(BIN)/stat3sim simulate --cell tumor --stimulus IL6=1nM --minutes 240 \
		--out out/tumor_IL6_timecourse.csv --plot out/tumor_IL6_timecourse.png
	$(BIN)/stat3sim validate --area signaling

## the test suite
test: $(STAMP_TEST)
	$(BIN)/python -m pytest -q -n 2 --durations=15

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_signaling.py
	$(BIN)/python benchmarks/bench_tme.py

## the generated pages of docs/ (model.md, tme-parameters.md, observables.md, pharmacokinetics.md)
## and the generated blocks of claims.md, drugs.md, performance.md
docs: $(STAMP_TEST)
	$(BIN)/python -m stat3sim.report.docs docs/
	$(BIN)/python -m sphinx -q -b html docs/api docs/api/_build/html

clean:
	rm -rf $(VENV) out .pytest_cache
