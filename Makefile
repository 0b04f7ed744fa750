# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Local development runs with DEBUG on unless the caller says otherwise.
export DEBUG ?= 1

# Django 6 needs Python >= 3.12: the first interpreter here that has it builds the venv.
find_python = $(shell for c in python3.13 python3.12 "env PYENV_VERSION=3.13.0 python3" \
	"env PYENV_VERSION=3.12.1 python3" python3; do \
	if $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	echo "$$c"; break; fi; done)

.PHONY: run test test-e2e lint bench bench-national bench-province bench-province-report loadtest loadtest-spike setup demo clean

$(VENV)/.installed: pyproject.toml
	@python="$(find_python)"; \
	if [ -z "$$python" ]; then \
	  echo "Cần Python 3.12 trở lên (Django 6). Cài python3.12 hoặc python3.13 (ví dụ: apt-get install python3.13 python3.13-venv, hoặc pyenv install 3.13) rồi chạy lại." >&2; \
	  exit 1; \
	fi; \
	echo "Tạo môi trường ảo bằng: $$python"; \
	$$python -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_divisions
	$(PY) manage.py seed_demo

# The web server and the task worker that renders PDFs; Ctrl+C stops both (scripts/run_dev.py).
run: demo
	$(PY) scripts/run_dev.py $(HOST):$(PORT)

# The suite on every core (pytest-xdist), each worker on its own test database.
test: setup
	$(VENV)/bin/pytest --ignore=tests/e2e -n auto --dist worksteal $(PYTEST_ARGS)

# Browser tests: Debian's chromium at /usr/bin/chromium (apt-get install chromium).
test-e2e: setup
	$(VENV)/bin/pytest tests/e2e -m e2e $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: setup
	$(PY) bench/run.py

# Only the national dataset (database mttq_national) and the three dashboards on it.
bench-national: setup
	$(PY) bench/national.py generate
	$(PY) bench/national.py measure --write

# Only the province summary (tinh/<code>/tong-hop/ and its workbook) on a generated province
# of 120 communes (database mttq_bench_province), with the query count at 1 and 120 communes.
bench-province: setup
	$(PY) bench/province_summary.py --write

# Only the province year report PDF (110 communes, database mttq_bench_province_report) against
# bare WeasyPrint on the same HTML.
bench-province-report: setup
	$(PY) bench/province_report.py --write

# Mixed load on the national dataset: gunicorn + locust on 127.0.0.1 for 60 s, then the
# consistency check; merges loadtest_* into bench/results.json. LOADTEST_ARGS e.g. "--users 600".
loadtest: setup
	$(PY) -c "import locust" 2>/dev/null || $(PY) -m pip install --quiet -e ".[load]"
	$(PY) bench/loadtest.py $(LOADTEST_ARGS)

# A drive's page shared everywhere at once, on a PostgreSQL primary and streaming replica of
# its own (127.0.0.1:55432/55433, made, filled and removed by the run; 5432 is not used):
# merges loadtest_public_spike and loadtest_public_spike_replica_down into bench/results.json.
loadtest-spike: setup
	$(PY) -c "import locust" 2>/dev/null || $(PY) -m pip install --quiet -e ".[load]"
	$(PY) bench/spike.py $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) staticfiles
