// Package api holds the Go server code generated from openapi.yaml; edit the contract, not this package.
package api

//go:generate go tool oapi-codegen -config oapi-codegen.yaml ../openapi.yaml
