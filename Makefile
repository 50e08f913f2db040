# The two commands the README shows:
#   make demo   set everything up, load the bundled lists, screen the bundled customers
#   make test   run the whole test suite (what .ci/run calls)
.PHONY: demo test lint bench

DATA_DIR ?= $(CURDIR)/.stopship-data
SS = uv run --frozen stopship --data-dir $(DATA_DIR)

demo:
	./scripts/bootstrap.sh
	$(SS) lists load --bundled
	$(SS) lists show
	mkdir -p out
	$(SS) screen examples/customers.csv --output out/customers-report.html --format html
	$(SS) screen examples/customers.csv --output out/customers-hits.jsonl --format jsonl
	@echo "report: out/customers-report.html"

test:
	./scripts/bootstrap.sh --test-services
	uv run --frozen ruff check src tests bench
	uv run --frozen mypy
	uv run --frozen pytest -n 2 --dist loadgroup

lint:
	uv run --frozen ruff check src tests bench
	uv run --frozen mypy

bench:
	uv run --frozen python -m bench
