package doctor

import (
	"context"
	"fmt"

	"headway/backend/config"
	"headway/backend/store"
)

// databaseChecks connects to the database and compares its schema version
// with the migrations this build carries.
func databaseChecks(ctx context.Context, cfg *config.Config, opts Options) []Check {
	shown := RedactDatabaseURL(cfg.Database.URL.Reveal())

	octx, cancel := context.WithTimeout(ctx, opts.timeout())
	db, err := store.Open(octx, cfg.Database.URL.Reveal())
	cancel()
	if err != nil {
		return []Check{{
			Name:   NameDatabaseReachable,
			Status: Fail,
			Detail: fmt.Sprintf("cannot connect to %s: %v", shown, err),
			Fix: "Check database.url (host, port, database name, user and password) and that PostgreSQL is running " +
				"and accepts connections from the Headway server (listen_addresses, pg_hba.conf, firewall).",
		}}
	}
	defer db.Close()
	checks := []Check{{Name: NameDatabaseReachable, Status: Pass, Detail: "connected to " + shown}}
	return append(checks, migratedCheck(ctx, db, opts))
}

func migratedCheck(ctx context.Context, db *store.Store, opts Options) Check {
	c := Check{Name: NameDatabaseMigrated}
	latest, err := store.LatestMigration()
	if err != nil {
		c.Status, c.Detail = Fail, "this build's migrations cannot be read: "+err.Error()
		c.Fix = "Reinstall Headway; the binary looks damaged."
		return c
	}
	vctx, cancel := context.WithTimeout(ctx, opts.timeout())
	defer cancel()
	version, dirty, err := db.MigrationVersion(vctx)
	switch {
	case err != nil:
		c.Status, c.Detail = Fail, "cannot read the schema version: "+err.Error()
		c.Fix = "Check that database.url's user may read the schema_migrations table."
	case dirty:
		c.Status = Fail
		c.Detail = fmt.Sprintf("the schema is dirty at version %d: a migration failed part-way", version)
		c.Fix = "Inspect the database and repair it by hand, then record the version that now matches it " +
			"(UPDATE schema_migrations SET version = N, dirty = false) and run headway migrate."
	case version == 0:
		c.Status = Fail
		c.Detail = fmt.Sprintf("the database has no Headway schema yet (this build needs version %d)", latest)
		c.Fix = "Run headway migrate (headway serve also migrates before it starts)."
	case version < latest:
		c.Status = Fail
		c.Detail = fmt.Sprintf("the schema is at version %d, this build needs %d", version, latest)
		c.Fix = "Run headway migrate (headway serve also migrates before it starts)."
	case version > latest:
		c.Status = Fail
		c.Detail = fmt.Sprintf("the schema is at version %d but this build knows only up to %d: a newer Headway ran against this database", version, latest)
		c.Fix = "Run the newer Headway again (downgrades are not supported), or restore a backup taken before the upgrade."
	default:
		c.Status, c.Detail = Pass, fmt.Sprintf("the schema is up to date (version %d)", version)
	}
	return c
}
