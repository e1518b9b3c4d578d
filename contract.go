// Package headway embeds the API contract so the binary can serve it exactly as written.
package headway

import _ "embed"

// OpenAPI is openapi.yaml, byte for byte.
//
//go:embed openapi.yaml
var OpenAPI []byte
