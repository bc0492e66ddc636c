# Saduak: `make demo` starts the demo, `make test` runs every check. Both install what
# they need first (a virtual environment in .venv, front-end assets in node_modules).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py

.PHONY: install demo test lint typecheck pytest messages translations bench stack stack-stop stack-test

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Saduak needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json $(wildcard assets/charts/*.mjs)
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Compiled message catalogs (.mo) are built from the committed .po files.
messages: $(VENV)/.installed
	@command -v msgfmt >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq gettext >/dev/null; } || { echo "Install GNU gettext (msgfmt) to build the Thai catalogs"; exit 1; }
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v0

install: $(VENV)/.installed node_modules/.installed messages

demo: install
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) load_areas
	$(MANAGE) load_holidays
	$(MANAGE) seed_demo
	@echo "Uploads are not scanned for viruses in the demo: Debian's clamd has no signatures without freshclam's internet download, so every file says 'Not scanned' (docs/eservices-documents.md, section 4)."
	@echo "Saduak is at http://127.0.0.1:8000  (English: http://127.0.0.1:8000/en/)"
	$(MANAGE) runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run -v0
	$(VENV)/bin/lint-imports

typecheck: install
	$(VENV)/bin/mypy saduak config bench deploy

pytest: install
	$(VENV)/bin/pytest

test: lint typecheck pytest

# Refresh locale/*/LC_MESSAGES/django.po after changing user-facing strings.
translations: install
	$(MANAGE) makemessages -l th -l en --no-obsolete --ignore=.venv --ignore=node_modules --ignore=bench

bench: install
	$(PY) -m bench.run

# The production stack on this machine (deploy/stack.py, docs/operations.md section 15):
# nginx https://127.0.0.1:8443, two gunicorn, two PgBouncers, PostgreSQL primary and
# replica, Redis, Celery worker and beat. `make stack-stop` stops exactly what it started.
stack: install
	$(PY) -m deploy.stack start

stack-stop:
	@if [ -x $(PY) ]; then $(PY) -m deploy.stack stop; else python3 -m deploy.stack stop; fi

# The smoke and limit tests through nginx; the stack is stopped even when they fail.
stack-test: install
	status=0; $(PY) -m deploy.stack start && $(VENV)/bin/pytest -m stack tests/stack \
		|| status=$$?; \
		$(PY) -m deploy.stack stop || status=$$?; exit $$status
