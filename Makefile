# Entry points. `make demo` runs the main job end to end on SQLite; `make test` runs every test.
# Both work on a fresh machine: `setup` brings Node 24 (from the npm registry) when the machine's
# node is older, and `postgres` installs PostgreSQL from Debian packages when it is missing.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

TOOLS_NODE := $(CURDIR)/.tools/node_modules/node
export PATH := $(TOOLS_NODE)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
# Native addons compile against the headers of the Node that runs them, not the machine's.
NODE_HEADERS := $(firstword $(wildcard $(TOOLS_NODE)/node_modules/node-linux-*))
ifneq ($(NODE_HEADERS),)
export npm_config_nodedir := $(NODE_HEADERS)
endif
# Some dependencies are ES modules only (e.g. cookie 2, used by fastify's inject); jest loads them
# through Node's VM modules.
JEST := NODE_OPTIONS="--experimental-vm-modules --disable-warning=ExperimentalWarning" jest --ci

.PHONY: _npm-ci help setup build generate check-generated lint typecheck format postgres chromium pulumi-cli fuzz-tools test test-unit test-e2e test-contract test-feature test-fuzz bench demo serve clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 18

setup: node_modules/.installed ## Node >= 22 and the npm dependencies

node_modules/.installed: package.json package-lock.json scripts/setup-node.sh
	bash scripts/setup-node.sh
	$(MAKE) --no-print-directory _npm-ci
	touch $@

_npm-ci:
	npm ci --no-audit --no-fund --loglevel=error

build: setup ## Compile TypeScript to dist/ (and the SDK package to sdk/dist/)
	tsc -p tsconfig.build.json
	tsc -p sdk/tsconfig.json

generate: build ## Rebuild generated artifacts (server/openapi.json, schema.json, docs/resources.md, sdk/src/generated/, sdk/src/index.ts)
	node dist/server/scripts/generate-openapi.js
	node dist/provider/scripts/generate-schema.js
	node dist/provider/scripts/generate-docs.js
	node dist/sdk/scripts/generate.js
	biome check --write sdk/src/generated sdk/src/index.ts
	tsc -p sdk/tsconfig.json  # sdk/dist from the SDK just written

check-generated: generate ## Fail when a generated artifact differs from the committed one
	@git diff --exit-code -- server/openapi.json || { echo "server/openapi.json is out of date: run 'make generate' and commit it." >&2; exit 1; }
	@git diff --exit-code -- schema.json || { echo "schema.json is out of date: run 'make generate' and commit it." >&2; exit 1; }
	@git diff --exit-code -- docs/resources.md || { echo "docs/resources.md is out of date: run 'make generate' and commit it." >&2; exit 1; }
	@git diff --exit-code -- sdk/src/generated sdk/src/index.ts && test -z "$$(git ls-files --others --exclude-standard -- sdk/src/generated)" || { echo "sdk/src/generated or sdk/src/index.ts is out of date: run 'make generate' and commit it." >&2; exit 1; }

typecheck: setup
	tsc -p tsconfig.json --noEmit

lint: setup typecheck ## Type-check, lint and check formatting
	biome check .

format: setup ## Fix formatting and safe lint findings
	biome check --write .

postgres: ## Install PostgreSQL from Debian packages when missing (tests start their own cluster)
	bash scripts/ensure-postgres.sh

chromium: ## Install Debian's Chromium when missing (the browser feature tests drive it)
	bash scripts/ensure-chromium.sh

pulumi-cli: setup ## The Pulumi CLI in .tools/pulumi/bin: yours when v3.200+, else built from tools/pulumi-cli (reused)
	bash scripts/ensure-pulumi.sh

# The fuzz tier's schemathesis, pinned, from PyPI into a venv of this work tree (git-ignored).
SCHEMATHESIS_VERSION := 4.32.5
FUZZ_VENV := $(CURDIR)/.venv-fuzz

fuzz-tools: ## schemathesis (pinned) in .venv-fuzz, from PyPI
	bash scripts/ensure-fuzz-tools.sh $(FUZZ_VENV) $(SCHEMATHESIS_VERSION)

test: setup lint check-generated postgres chromium pulumi-cli fuzz-tools ## Every test: unit, contract, feature, end-to-end (real Pulumi engine) and fuzz tiers; ends with "tests: N passed, N failed, N skipped"
	rm -f test-output/jest-results.json test-output/fuzz-counts.json
	$(JEST) --json --outputFile=test-output/jest-results.json
	node dist/scripts/fuzz/api.js
	node dist/scripts/test-counts.js jest fuzz

test-unit: build
	$(JEST) --selectProjects unit

test-contract: build postgres
	$(JEST) --selectProjects contract

test-feature: build postgres chromium
	$(JEST) --selectProjects feature

test-e2e: build pulumi-cli
	$(JEST) --selectProjects e2e

test-fuzz: build fuzz-tools ## schemathesis on every operation of the management API (FUZZ_SEED, FUZZ_MAX_EXAMPLES)
	node dist/scripts/fuzz/api.js

bench: build postgres pulumi-cli ## Benchmarks (figures and side-by-side ratios)
	node dist/bench/management-api.js && node dist/bench/oauth-flows.js && node dist/bench/provider-overhead.js && node dist/bench/pulumi-engine.js && node dist/bench/goals.js

demo: build pulumi-cli ## The main job end to end on SQLite: apply examples/basic with the real Pulumi CLI, sign in, preview a change, detect drift
	node dist/scripts/demo.js

serve: build ## Run the server on .data/inbound-oauth.db, port 8080
	node dist/server/src/cli.js serve

clean:
	rm -rf dist .data coverage bench/results test-output
