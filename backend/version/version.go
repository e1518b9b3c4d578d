// Package version reports which build of Headway is running.
package version

// Version is set at build time with -ldflags "-X headway/backend/version.Version=...".
var Version = "dev"
