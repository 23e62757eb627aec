# Two commands are enough on a fresh machine:
#   make run    set up, migrate, seed demo data on first run, serve on http://127.0.0.1:5000
#   make test   set up and run the whole test suite (SQLite; `make test-postgres` for PostgreSQL)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app core
STAMP  := $(VENV)/.installed
MO     := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

.PHONY: install system-deps run test test-postgres bench crowd translations messages update-messages check-plugins clean

install: system-deps $(STAMP) translations

# Debian packages (chromium for the browser test, WeasyPrint's libraries):
# installed when run as root, otherwise listed with the command to run.
system-deps:
	@scripts/system-deps.sh

# Re-installs when pyproject.toml changes (new dependency, new entry point).
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version))."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || \
		{ echo "Cannot create a virtual environment: on Debian, apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

# Catalogues are compiled by the build, never committed.
translations: $(MO)
%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

run: install
	$(FLASK) db upgrade
	PERMANENCE_DEMO=1 $(FLASK) demo seed
	PERMANENCE_DEMO=1 $(FLASK) run --host 127.0.0.1 --port 5000

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The same suite against a throw-away PostgreSQL server (needs PostgreSQL installed).
test-postgres: install
	.ci/with-postgres.sh $(BIN)/python -m pytest $(PYTEST_ARGS)

# Not part of `make test`: seeds up to 100,000 cases on SQLite and PostgreSQL and loads
# gunicorn with wrk for several minutes; prints each figure against a baseline of the same run.
#   make bench BENCH_ARGS="--cases 1000 --databases sqlite"
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Not part of `make test` either: 50 volunteers for 60 s on a real server, SQLite then PostgreSQL;
# fails unless there is no error, no lost entry, no orphan file and every chain verifies.
#   make crowd CROWD_ARGS="--users 20 --seconds 20"
crowd: install
	$(BIN)/python bench/crowd.py --database sqlite $(CROWD_ARGS)
	.ci/with-postgres.sh $(BIN)/python bench/crowd.py --database postgresql $(CROWD_ARGS)

check-plugins: install
	$(FLASK) plugins check

# For contributors: after changing a user-facing string.
messages: $(STAMP)
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k _l -o translations/messages.pot .
update-messages: messages
	$(BIN)/pybabel update --no-fuzzy-matching -i translations/messages.pot -d translations -l fr --width 100 --ignore-obsolete
	$(BIN)/python scripts/fill_catalogues.py

clean:
	rm -rf $(VENV) .pytest_cache translations/*/LC_MESSAGES/*.mo
