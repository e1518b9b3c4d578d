// Package migrations holds Headway's schema as numbered golang-migrate SQL files.
package migrations

import "embed"

// FS holds the up and down migrations, named NNNNNN_name.{up,down}.sql.
//
//go:embed *.sql
var FS embed.FS
