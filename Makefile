# tthc: `make run` serves the app with demo data; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
WORKERS ?= 2
SCALE_DOSSIERS ?= 1000000
export FLASK_APP := wsgi
# The Nu HTML Checker that tests/htmlcheck.py runs: npm's vnu-jar, its JDK download skipped.
VNU_VERSION := 26.9.27
VNU_STAMP := $(VENV)/vnu/.vnu-jar-$(VNU_VERSION)

.PHONY: run test bench setup install translations static secret db demo system-deps vnu extract clean \
	audit lock

run: setup
	@echo
	@echo "  tthc is running at http://$(HOST):$(PORT)/   (Ctrl+C to stop)"
	@$(BIN)/flask demo logins 2>/dev/null || true
	@echo
	TTHC_DEMO=1 TTHC_PLAIN_HTTP=1 $(BIN)/gunicorn -c deploy/gunicorn.conf.py \
		--workers $(WORKERS) --bind $(HOST):$(PORT) wsgi:app

setup: install translations static secret db demo

# Exact versions with their hashes (requirements-test.lock, made by `make lock`): what runs
# is what was audited. The app itself goes on top, without dependencies.
$(BIN)/.installed: setup.cfg pyproject.toml requirements-test.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "tthc needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-test.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

install: $(BIN)/.installed

translations: install
	$(BIN)/pybabel compile -d tthc/translations

# Precompressed copies (.br, .gz) that WhiteNoise serves; generated, not committed.
static: install
	$(BIN)/python -m whitenoise.compress -q static

secret:
	@scripts/secret-key.sh

db: install secret
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask demo load

system-deps:
	@scripts/system-deps.sh

# --ignore-scripts: vnu-jar's post-install step downloads a JDK; Debian's Java runs vnu.jar.
$(VNU_STAMP): | system-deps
	npm install --prefix $(VENV)/vnu --ignore-scripts --no-save --no-audit --no-fund \
		vnu-jar@$(VNU_VERSION)
	@touch $@

vnu: $(VNU_STAMP)

# The whole suite twice: on SQLite (browser tests and the HTML check included), then on the
# throwaway PostgreSQL cluster of tests/postgres.py (the tests marked sqlite_only are left out
# and listed). Both runs always run; either failing fails `make test`.
# The browser tests run in both (their live server serves the run's database). PG_PYTEST_ARGS:
# extra arguments for the PostgreSQL run only, e.g. `make test PG_PYTEST_ARGS='-m "not browser"'`
# to leave out the browser tests there (about 5 minutes of that run).
PG_PYTEST_ARGS ?=
test: install translations static system-deps vnu
	@status=0; \
	$(BIN)/pytest --database=sqlite || status=1; \
	$(BIN)/pytest --database=postgres $(PG_PYTEST_ARGS) || status=1; \
	exit $$status

# Known vulnerabilities in the locked versions (docs/security.md). --strict: a package the
# advisory service could not look up fails the audit (without it pip-audit skips it and
# passes). AUDIT_SERVICE=osv asks OSV instead of PyPI.
AUDIT_SERVICE ?= pypi
audit: install
	@$(BIN)/pip-audit --strict --require-hashes --disable-pip -r requirements.lock \
		--vulnerability-service $(AUDIT_SERVICE) || { \
	  echo "make audit FAILED (see above): a locked package has a known vulnerability, or a" >&2; \
	  echo "package could not be looked up ($(AUDIT_SERVICE) unreachable?): not audited." >&2; \
	  exit 1; }

# Re-pin after changing setup.cfg's install_requires or the test extra (pip-tools).
lock: install
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --extra redis -o requirements.lock setup.cfg
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --extra test -o requirements-test.lock setup.cfg

# Budgets users feel (bench/README.md): page weight and the keystroke in Chromium
# (bench/run.py), then capacity on a Monday morning with locust (bench/capacity.py, ≤ 8 min).
bench: setup
	@scripts/system-deps.sh bench
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/run.py
	$(BIN)/python bench/capacity.py
	$(BIN)/python bench/scale.py --dossiers $(SCALE_DOSSIERS)  # a year of a large city: ~15 min to fill

# Refresh the message catalogues after changing user-facing text.
extract: install
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ --sort-by-file --no-wrap \
		--project tthc -o tthc/translations/messages.pot .
	$(BIN)/pybabel update -i tthc/translations/messages.pot -d tthc/translations --no-wrap

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis
	find . -name __pycache__ -prune -exec rm -rf {} +
	find static \( -name '*.br' -o -name '*.gz' \) -delete
