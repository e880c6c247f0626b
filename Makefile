# Parvis — the two commands are `make run` and `make test`.
# With DATABASE_URL / REDIS_URL unset, embedded PostgreSQL (and, for tests, Redis) start from
# pip packages and keep their data in .var/ (git-ignored).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: install run worker test a11y lint migrate demo messages translations totp stop clean bench

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	# Reference implementation the counting engine is compared with, in tests and benchmarks only
	# (GPL, never imported by the platform). Its 1.2.3 wheel lists gurobipy: installed without dependencies.
	$(BIN)/python -m pip install --quiet --no-deps "pabutools==1.2.3"
	touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	@$(BIN)/python -m shared_apps.core.translations

migrate: install
	$(BIN)/python manage.py migrate_schemas --executor=standard

demo: migrate
	$(BIN)/python manage.py seed_demo

run: demo
	@echo "Control plane: http://localhost:$(PORT)/  Cities: http://villeneuve.localhost:$(PORT)/  http://agglo-lac.localhost:$(PORT)/"
	@if [ -z "$$REDIS_URL" ]; then echo "REDIS_URL is unset: background tasks run in-process. E-mails are printed below."; fi
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

worker: install
	$(BIN)/celery -A config worker --beat --loglevel=INFO

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: install lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Needs Chromium (Debian: apt-get install chromium); CHROMIUM_PATH points elsewhere if needed.
a11y: install
	PARVIS_TEST_DATABASE=test_parvis_a11y $(BIN)/python -m pytest -m a11y $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m benchmarks

messages: install
	cd $(CURDIR) && $(BIN)/python manage.py makemessages --locale fr --locale en --ignore ".venv/*" --ignore ".var/*" --no-obsolete
	$(MAKE) translations

totp: install
	@$(BIN)/python manage.py demo_totp

stop:
	-@$(BIN)/python -m config.devservices stop

clean: stop
	rm -rf .var staticfiles
