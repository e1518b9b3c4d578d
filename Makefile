# Headway: `make run` starts the whole stack, `make test` proves it works.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

HEADSCALE_VERSION ?= v0.29.2
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
GO_LDFLAGS := -s -w -X headway/backend/version.Version=$(VERSION)
HEADSCALE_BIN := .cache/bin/headscale-$(HEADSCALE_VERSION)
FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/public frontend/vite.config.ts frontend/tsconfig*.json -type f 2>/dev/null)
GO_SOURCES := $(shell find . -name '*.go' -not -path './frontend/node_modules/*' -not -path './.cache/*' 2>/dev/null) openapi.yaml go.mod go.sum

# npm packages may ship Go files of their own; they are not ours to vet or test.
GO_PACKAGES = $(shell go list ./... | grep -v /node_modules/)

export HEADWAY_HEADSCALE_BIN := $(CURDIR)/$(HEADSCALE_BIN)

.PHONY: help run test build generate check-generated frontend headscale test-go test-frontend test-e2e vet bench clean

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

frontend: frontend/dist/index.html ## build the web interface

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(FRONTEND_SOURCES)
	cd frontend && npm run build

headscale: $(HEADSCALE_BIN) ## build the pinned Headscale into .cache/bin (once)

$(HEADSCALE_BIN):
	source deploy/local/lib.sh && build_headscale $(HEADSCALE_VERSION)

generate: frontend/node_modules/.package-lock.json ## regenerate api/ and the frontend's API types from openapi.yaml
	go tool oapi-codegen -config api/oapi-codegen.yaml openapi.yaml
	cd frontend && npm run generate

check-generated: frontend/node_modules/.package-lock.json ## fail when generated files differ from openapi.yaml
	deploy/local/check-generated.sh

vet: frontend/dist/index.html
	go vet $(GO_PACKAGES)

test-go: frontend/dist/index.html headscale ## Go unit and integration tests (real Postgres, real Headscale)
	go test -race -count=1 $(GO_PACKAGES)

test-frontend: frontend/node_modules/.package-lock.json ## type check, lint and unit tests of the web interface
	cd frontend && npm run typecheck && npm run lint && npm test

test-e2e: build headscale ## browser tests in Chromium against the real binary
	HEADSCALE_BIN=$(HEADSCALE_BIN) deploy/local/e2e.sh

bench: frontend/dist/index.html headscale ## benchmarks
	go test -run '^$$' -bench . -benchmem $(GO_PACKAGES)

clean: ## remove build outputs (keeps .data and the Headscale build)
	rm -rf bin frontend/dist/assets frontend/dist/index.html
