package httpapi

import (
	"errors"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

// spa serves the built single-page app: files as they are, hashed assets
// cached for a year, and index.html (never cached) for every client route.
type spa struct {
	files fs.FS
	index []byte
}

func newSPA(files fs.FS) (*spa, error) {
	index, err := fs.ReadFile(files, "index.html")
	if errors.Is(err, fs.ErrNotExist) {
		index = []byte(`<!doctype html><title>Headway</title><p>The web interface was not built into this binary. Run <code>make build</code>.</p>`)
	} else if err != nil {
		return nil, err
	}
	return &spa{files: files, index: index}, nil
}

func (s *spa) serve(c echo.Context) error {
	name := strings.TrimPrefix(path.Clean("/"+c.Param("*")), "/")
	if name != "" && name != "index.html" {
		if info, err := fs.Stat(s.files, name); err == nil && !info.IsDir() {
			if strings.HasPrefix(name, "assets/") {
				c.Response().Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			} else {
				c.Response().Header().Set("Cache-Control", "no-cache")
			}
			http.ServeFileFS(c.Response(), c.Request(), s.files, name)
			return nil
		}
		// A missing hashed asset is a stale page asking for an old build: answering
		// with index.html would hand it HTML where it expects a script.
		if strings.HasPrefix(name, "assets/") {
			return echo.ErrNotFound
		}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(http.StatusOK, s.index)
}
