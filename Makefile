# Kaikukanta: two commands do all set-up. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MUNICIPALITIES ?= ../shared/data/municipalities-2021.csv
HOST ?= 127.0.0.1:8000

.PHONY: run test install migrate demo lint bench-counter bench-stats bench-public bench-import messages clean

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || test -n "$(PYTHON)" || { echo "Python 3.11 not found; run: make PYTHON=/path/to/python3.11 $(MAKECMDGOALS)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Kaikukanta needs Python 3.11+; $(PYTHON) is " + sys.version.split()[0] + ". Run: make PYTHON=/path/to/python3.11 $(MAKECMDGOALS)")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	@if [ -f "$(MUNICIPALITIES)" ]; then $(PY) manage.py load_municipalities "$(MUNICIPALITIES)"; \
	else echo "No municipality file at $(MUNICIPALITIES); the demo creates the municipalities it needs."; fi
	$(PY) manage.py seed_demo

run: demo
	@echo "Kaikukanta: http://$(HOST)/  (demo logins in README.md, password: $${DEMO_PASSWORD:-kaikukanta-demo};"
	@echo "  two-factor code of koordinaattori and alue-tampere: $(PY) manage.py demo_totp alue-tampere)"
	DEBUG=$${DEBUG:-1} $(PY) manage.py runserver $(HOST)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

# Counter benchmark (DESIGN §9): generates 1M cards / 10M uses once in BENCH_DATABASE_URL (default
# postgres://postgres@127.0.0.1:5432/kk_bench, never DATABASE_URL), then granian as docker-compose runs it, on 127.0.0.1, at 1, 8, 32 clients
# without think time and at pairs due at a steady 100 and 200 per second (the target's measure), then the floor.
bench-counter: install
	$(PY) bench/counter.py $(BENCH_ARGS)

# Statistics benchmark (DESIGN §9): same data as bench-counter (kk_bench), then the rollup rebuild, the
# national dashboard (target <= 300 ms) and a streamed 1M-row uses CSV with its peak memory.
bench-stats: install
	$(PY) bench/stats.py $(BENCH_ARGS)

# Public catalogue benchmark (issue 13): its own database BENCH_PUBLIC_DATABASE_URL (default
# postgres://postgres@127.0.0.1:5432/kk_bench_public), 2,000 venues and 20,000 offers generated once, then filtered
# "Where the card works" pages through the Django test client: p50/p95 and queries (target p95 <= 150 ms).
bench-public: install
	$(PY) bench/public.py $(BENCH_ARGS)

# Card import benchmark (issue 15): its own database BENCH_IMPORT_DATABASE_URL (default
# postgres://postgres@127.0.0.1:5432/kk_bench_import), Redis BENCH_REDIS_URL (default redis://127.0.0.1:6379/13) and a
# real Celery worker; a 100,000-row CSV and XLSX validated and written; rows/s, wall time, worker peak RSS, queries.
bench-import: install
	$(PY) bench/import_.py $(BENCH_ARGS)

messages: install
	$(PY) manage.py makemessages -l fi -l sv -l en --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
