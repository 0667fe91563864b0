# e-Jamkesda. Two commands: `make run` (demo on SQLite) and `make test` (every check and test,
# browser journeys included when Chromium is installed).
# `make run` shows what a newcomer sees (DEBUG off: styled error pages, static files served
# by WhiteNoise); `make dev` is the same demo with DEBUG on, for developers.
# Everything is installed into the project folder (.tools/ for uv, .venv/ for Python packages)
# from the lock file, so a fresh machine needs only python3.

SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
PY := .venv/bin/python
PORT ?= 8000
export EJAMKESDA_ENV ?= development

.PHONY: setup run dev serve test lint typecheck pytest e2e migrate demo messages benchmark clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: pyproject.toml uv.lock | $(UV)
	UV_PYTHON=$(PYTHON) $(UV) sync --frozen --quiet
	touch $@

setup: .venv/.synced

migrate: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

demo: migrate
	$(PY) manage.py seed_demo --if-empty

run: demo
	@$(MAKE) --no-print-directory serve DEBUG=0

dev: demo
	@$(MAKE) --no-print-directory serve DEBUG=1

serve:
	@echo ""
	@echo "e-Jamkesda berjalan di http://127.0.0.1:$(PORT)/  (DEBUG=$(DEBUG); Ctrl+C untuk berhenti)"
	@$(PY) manage.py demo_logins
	@trap 'kill 0' EXIT; DEBUG=$(DEBUG) $(PY) manage.py db_worker --queue-name '*' --no-reload & \
	DEBUG=$(DEBUG) $(PY) manage.py runserver 127.0.0.1:$(PORT) --noreload

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: setup
	$(PY) -m mypy

pytest: setup
	EJAMKESDA_ENV=test $(PY) -m pytest -n 2

# Browser journeys (tests/e2e/) in Debian's Chromium: skipped, and said so, when it is not
# installed, unless E2E_REQUIRED=1 (CI). One process: the live server and Chromium already
# use both cores.
CHROMIUM ?= $(shell command -v chromium 2>/dev/null)
e2e: setup
	@if [ -n "$(CHROMIUM)" ] && [ -x "$(CHROMIUM)" ]; then \
		echo "Uji peramban (Chromium: $(CHROMIUM))"; \
		E2E_CHROMIUM="$(CHROMIUM)" EJAMKESDA_ENV=test $(PY) -m pytest -p no:xdist -m e2e tests/e2e; \
	elif [ "$(E2E_REQUIRED)" = "1" ]; then \
		echo "Chromium tidak ditemukan, padahal E2E_REQUIRED=1" >&2; exit 1; \
	else \
		echo "Chromium tidak ditemukan: uji peramban dilewati (pasang paket chromium lalu jalankan make e2e)"; \
	fi

test: lint typecheck pytest e2e

messages: setup
	sh ejamkesda/locale/update_catalogues.sh

benchmark: setup
	$(PY) benchmarks/import_participants.py
	$(PY) benchmarks/jaspel.py
	$(PY) benchmarks/matching.py
	$(PY) benchmarks/eligibility.py

clean:
	rm -rf .venv .tools var
