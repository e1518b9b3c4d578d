# Headway: `make run` starts the whole stack, `make test` proves it works.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

HEADSCALE_VERSION ?= v0.29.2
# The older Headscale the tests also run against (hstest.WithVersion).
HEADSCALE_OLD_VERSION ?= v0.28.0
# The Tailscale client the tests run (the version HEADSCALE_VERSION requires).
TAILSCALE_VERSION ?= v1.101.0-pre
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
GO_LDFLAGS := -s -w -X headway/backend/version.Version=$(VERSION)
HEADSCALE_BIN := .cache/bin/headscale-$(HEADSCALE_VERSION)
HEADSCALE_OLD_BIN := .cache/bin/headscale-$(HEADSCALE_OLD_VERSION)
TAILSCALED_BIN := .cache/bin/tailscaled-$(TAILSCALE_VERSION)
TAILSCALE_BIN := .cache/bin/tailscale-$(TAILSCALE_VERSION)
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/public frontend/vite.config.ts frontend/tsconfig*.json -type f 2>/dev/null)
GO_SOURCES := $(shell find . -name '*.go' -not -path './frontend/node_modules/*' -not -path './.cache/*' 2>/dev/null) openapi.yaml go.mod go.sum

# npm packages may ship Go files of their own; they are not ours to vet or test.
GO_PACKAGES = $(shell go list ./... | grep -v /node_modules/)

export HEADWAY_HEADSCALE_BIN := $(CURDIR)/$(HEADSCALE_BIN)
export HEADWAY_TAILSCALED_BIN := $(CURDIR)/$(TAILSCALED_BIN)
export HEADWAY_TAILSCALE_BIN := $(CURDIR)/$(TAILSCALE_BIN)

.PHONY: help run test build generate check-generated frontend headscale headscale-old tailscale test-go test-frontend test-e2e vet bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

run: build headscale ## build everything and run Postgres, the development OpenID provider, Headscale and Headway locally
	HEADSCALE_BIN=$(HEADSCALE_BIN) deploy/local/run.sh

test: check-generated vet test-go test-frontend test-e2e ## every check CI runs

build: bin/headway bin/devidp ## build the headway binary (web interface embedded) and the development OpenID provider

bin/headway: $(GO_SOURCES) frontend/dist/index.html
	go build -trimpath -ldflags "$(GO_LDFLAGS)" -o $@ ./backend/cmd/headway

bin/devidp: $(GO_SOURCES)
	go build -o $@ ./backend/cmd/devidp

# `make dev`: work on the web interface with hot reload. Start a backend first
# (`make run` in another terminal, or any running Headway), then open the URL
# printed. Vite serves the SPA from frontend/src and forwards /admin/api and
# /admin/oidc to HEADWAY_BACKEND (default http://127.0.0.1:3000), giving unsafe
# requests the backend's Origin as the server requires (set
# HEADWAY_SERVER__BASE_URL when its server.base_url has another origin). Sign
# in with an API key; single sign-on ends on the backend's address, whose
# session cookie the dev URL shares when both use the same host (cookies ignore
# the port), so go back to the dev URL afterwards.
DEV_HOST ?= 127.0.0.1
DEV_PORT ?= 5173
.PHONY: dev
dev: frontend/node_modules/.package-lock.json ## the web interface with hot reload, against a running backend (HEADWAY_BACKEND)
	@backend=$${HEADWAY_BACKEND:-http://127.0.0.1:3000}; \
	curl -fs -o /dev/null --max-time 2 "$$backend/admin/healthz" || \
		echo "warning: no Headway answers at $$backend; start one (make run) or set HEADWAY_BACKEND" >&2; \
	echo "Open http://$(DEV_HOST):$(DEV_PORT)/admin/ (API and sign-in forwarded to $$backend)"
	cd frontend && npm run dev -- --host $(DEV_HOST) --port $(DEV_PORT) --strictPort

frontend: frontend/dist/index.html ## build the web interface

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(FRONTEND_SOURCES)
	cd frontend && npm run build

headscale: $(HEADSCALE_BIN) ## build the pinned Headscale into .cache/bin (once)

$(HEADSCALE_BIN):
	source deploy/local/lib.sh && build_headscale $(HEADSCALE_VERSION)

headscale-old: $(HEADSCALE_OLD_BIN) ## build the older Headscale the tests also cover into .cache/bin (once)

$(HEADSCALE_OLD_BIN):
	source deploy/local/lib.sh && build_headscale $(HEADSCALE_OLD_VERSION)

tailscale: $(TAILSCALED_BIN) $(TAILSCALE_BIN) ## build the Tailscale client (tailscaled, tailscale) the tests run into .cache/bin (once)

$(TAILSCALED_BIN) $(TAILSCALE_BIN) &:
	source deploy/local/lib.sh && build_tailscale $(TAILSCALE_VERSION)

generate: frontend/node_modules/.package-lock.json ## regenerate api/ and the frontend's API types from openapi.yaml
	go tool oapi-codegen -config api/oapi-codegen.yaml openapi.yaml
	cd frontend && npm run generate

check-generated: frontend/node_modules/.package-lock.json ## fail when generated files differ from openapi.yaml
	deploy/local/check-generated.sh

vet: frontend/dist/index.html
	go vet $(GO_PACKAGES)

test-go: frontend/dist/index.html headscale headscale-old tailscale ## Go unit and integration tests (real Postgres, real Headscale and Tailscale client)
	go test -race -count=1 $(GO_PACKAGES)

test-frontend: frontend/node_modules/.package-lock.json ## type check, lint and unit tests of the web interface
	cd frontend && npm run typecheck && npm run lint && npm test

test-e2e: build headscale tailscale ## browser tests in Chromium against the real binary
	HEADSCALE_BIN=$(HEADSCALE_BIN) deploy/local/e2e.sh

# `make bench`: the Go micro-benchmarks (of the packages that have any), then
# Headway under HTTP load against throwaway stacks of 200, 2,000 and 10,000
# nodes (deploy/local/bench.sh; knobs BENCH_SIZES, BENCH_DURATION,
# BENCH_CONNECTIONS, BENCH_STARTS). Tables on stdout; tables, raw JSON and
# logs in bench/results/<timestamp>/.
bench: bin/headway headscale headscale-old tailscale ## benchmarks: Go micro-benchmarks, then Headway under load (results in bench/results/)
	results=bench/results/$$(date -u +%Y%m%dT%H%M%SZ); mkdir -p "$$results"; \
	pkgs=$$(grep -rl --include='*_test.go' '^func Benchmark' backend | xargs -r -n1 dirname | sort -u | sed 's|^|./|'); \
	if [[ -n $$pkgs ]]; then go test -run '^$$' -bench . -benchmem $$pkgs | tee "$$results/go-bench.txt"; fi; \
	BENCH_RESULTS="$(CURDIR)/$$results" HEADSCALE_BIN=$(HEADSCALE_BIN) deploy/local/bench.sh

clean: ## remove build outputs (keeps .data and the Headscale and Tailscale builds)
	rm -rf bin frontend/dist/assets frontend/dist/index.html
