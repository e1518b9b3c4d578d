// Package frontend embeds the built single-page app so one binary serves everything.
package frontend

import "embed"

// Dist holds the Vite build output (index.html and assets/), rooted at "dist".
//
//go:embed all:dist
var Dist embed.FS
