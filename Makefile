# lawgov: `make run` to try it, `make test` to check it. See README.md.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-fast lint format check setup demo worker beat clean bench-import bench-progress bench-api bench-report bench-assessment bench-bulk bench-search bench-sweep bench-smoke

$(BIN)/python:
	@$(PY) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3 -m venv failed: installing python3-venv (Debian/Ubuntu)"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q python3-venv; \
	  else sudo apt-get update -q && sudo apt-get install -y -q python3-venv; fi; \
	  $(PY) -m venv $(VENV); }

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo

## Set up and serve on http://127.0.0.1:8000 with the embedded defaults (SQLite, in-process Celery).
## The day's sweep (warnings, reminders) runs at once, then from the web process each day (LAWGOV_EMBEDDED_SWEEP).
run: demo
	$(BIN)/python manage.py sweep_daily
	@echo "lawgov 已启动: http://$(HOST):$(PORT)/  (Ctrl+C 停止)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## The whole suite. Tests that need Redis or Chromium say so when those are missing
## (LAWGOV_REQUIRE_SERVICES=1 turns that into a failure, as CI does).
test: setup
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

## Everything but the slow tests (fuzzing, browser, Celery worker), on every core: the edit-test loop.
test-fast: setup
	$(BIN)/pytest -m "not slow" -n auto $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: setup
	LAWGOV_ENV=production LAWGOV_SECRET_KEY=check-only-$$(date +%s)-$$(hostname)-not-a-real-secret-key-xxxxxxxx \
	LAWGOV_ALLOWED_HOSTS=lawgov.example.gov.cn $(BIN)/python manage.py check --deploy --fail-level WARNING

worker: setup
	$(BIN)/celery -A lawgov worker --loglevel=INFO

beat: setup
	$(BIN)/celery -A lawgov beat --loglevel=INFO

clean:
	rm -rf $(VENV) db.sqlite3 .test-db* staticfiles .pytest_cache

# Benchmarks run on PostgreSQL, each in its own database, migrated before it runs (created if missing; the
# big data sets are reused when present, since building them takes minutes). SMOKE=1 shrinks every benchmark
# to a few rows in a fresh database of its own: `make bench-smoke` (run by CI) proves each command still works.
BENCH_PG ?= postgres://postgres@127.0.0.1:5432
BENCH_SUFFIX = $(if $(SMOKE),_smoke,)
BENCH_FLAGS = $(if $(SMOKE),--smoke,)
define bench_db
	$(if $(SMOKE),psql "$(BENCH_PG)/postgres" -qc "DROP DATABASE IF EXISTS $(1)$(BENCH_SUFFIX)",)
	-psql "$(BENCH_PG)/postgres" -qc "CREATE DATABASE $(1)$(BENCH_SUFFIX)" 2>/dev/null
	DATABASE_URL=$(BENCH_PG)/$(1)$(BENCH_SUFFIX) $(BIN)/python manage.py migrate --noinput -v0
endef
BENCH_RUN = DATABASE_URL=$(BENCH_PG)/$(1)$(BENCH_SUFFIX) $(BIN)/python manage.py $(2) $(BENCH_FLAGS)

bench-import: setup
	$(BIN)/python manage.py import_plan --benchmark $(BENCH_FLAGS)

bench-progress: setup
	$(call bench_db,lawgov_bench_progress)
	$(call BENCH_RUN,lawgov_bench_progress,bench_progress)

bench-api: setup
	$(call bench_db,lawgov_bench_api)
	$(call BENCH_RUN,lawgov_bench_api,bench_api)

bench-report: setup
	$(call bench_db,lawgov_bench_report)
	$(call BENCH_RUN,lawgov_bench_report,bench_report)

bench-assessment: setup
	$(call bench_db,lawgov_bench_assessment)
	$(call BENCH_RUN,lawgov_bench_assessment,bench_assessment)

bench-bulk: setup
	$(call bench_db,lawgov_bench_bulk)
	$(call BENCH_RUN,lawgov_bench_bulk,bench_bulk)

bench-search: setup
	$(call bench_db,lawgov_bench_search)
	$(call BENCH_RUN,lawgov_bench_search,bench_search)

bench-sweep: setup
	$(call bench_db,lawgov_bench_sweep)
	$(call BENCH_RUN,lawgov_bench_sweep,bench_sweep)

## Every benchmark on a few rows, each in a fresh database: CI runs this so none of them can silently break.
bench-smoke:
	$(MAKE) SMOKE=1 bench-import bench-progress bench-api bench-report bench-assessment bench-bulk bench-search bench-sweep
