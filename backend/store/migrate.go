package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strconv"
	"strings"

	"github.com/golang-migrate/migrate/v4"
	pgxmigrate "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"headway/backend/store/migrations"
)

// migrateLockKey is the session-level advisory lock that serializes Migrate
// calls on one database (advisory locks are per database), so replicas
// starting together take turns instead of racing on a fresh schema.
const migrateLockKey int64 = 0x6865616477617901 // "headway" + 1

// Migrate applies every pending up migration to the database at url. Several
// processes may call it at once: each waits its turn on an advisory lock held
// on a dedicated connection, and later ones find nothing left to do. Waiting
// ends when ctx does.
func Migrate(ctx context.Context, url string, logger *slog.Logger) error {
	connCfg, err := pgx.ParseConfig(url)
	if err != nil {
		return errors.New("migrate: invalid database URL")
	}

	lockConn, err := pgx.ConnectConfig(ctx, connCfg.Copy())
	if err != nil {
		return fmt.Errorf("migrate: connect: %w", err)
	}
	defer lockConn.Close(context.WithoutCancel(ctx))
	if _, err := lockConn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrateLockKey); err != nil {
		return fmt.Errorf("migrate: wait for migration lock: %w", err)
	}
	defer func() {
		// Closing the connection releases the lock too; unlocking first is only tidier.
		if _, uerr := lockConn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrateLockKey); uerr != nil {
			logger.WarnContext(ctx, "release migration lock", "error", uerr)
		}
	}()

	db := stdlib.OpenDB(*connCfg)
	defer db.Close()
	m, err := newMigrate(db)
	if err != nil {
		return err
	}
	defer func() {
		if serr, derr := m.Close(); serr != nil || derr != nil {
			logger.WarnContext(ctx, "close migration handles", "error", errors.Join(serr, derr))
		}
	}()
	m.Log = migrateLogger{ctx: ctx, logger: logger}

	from, dirty, err := m.Version()
	switch {
	case errors.Is(err, migrate.ErrNilVersion):
		from = 0
	case err != nil:
		return fmt.Errorf("migrate: read schema version: %w", err)
	case dirty:
		return dirtyError(from)
	}
	latest, err := LatestMigration()
	if err != nil {
		return err
	}
	if from > latest {
		return fmt.Errorf("migrate: database schema is at version %d but this build knows only up to %d: run a newer Headway", from, latest)
	}
	if from == latest {
		logger.DebugContext(ctx, "database schema up to date", "version", from)
		return nil
	}

	// golang-migrate takes no context: ask it to stop after the current
	// migration when ctx ends.
	stop := context.AfterFunc(ctx, func() { m.GracefulStop <- true })
	defer stop()

	logger.InfoContext(ctx, "migrating database schema", "from_version", from, "to_version", latest)
	if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		var dirtyErr migrate.ErrDirty
		if errors.As(err, &dirtyErr) {
			return dirtyError(uint(dirtyErr.Version))
		}
		return fmt.Errorf("migrate: apply migrations: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("migrate: interrupted: %w", err)
	}
	logger.InfoContext(ctx, "database schema migrated", "version", latest)
	return nil
}

func newMigrate(db *sql.DB) (*migrate.Migrate, error) {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return nil, fmt.Errorf("migrate: read embedded migrations: %w", err)
	}
	drv, err := pgxmigrate.WithInstance(db, &pgxmigrate.Config{})
	if err != nil {
		src.Close()
		return nil, fmt.Errorf("migrate: prepare database: %w", err)
	}
	m, err := migrate.NewWithInstance("iofs", src, "pgx5", drv)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return m, nil
}

func dirtyError(version uint) error {
	return fmt.Errorf("migrate: database schema is dirty at version %d: a migration failed part-way. "+
		"Inspect the database and repair it by hand, then record the version that now matches it "+
		"(UPDATE schema_migrations SET version = N, dirty = false) and start again", version)
}

// LatestMigration returns the highest schema version this build carries.
func LatestMigration() (uint, error) {
	entries, err := fs.ReadDir(migrations.FS, ".")
	if err != nil {
		return 0, fmt.Errorf("read embedded migrations: %w", err)
	}
	var latest uint
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".up.sql") {
			continue
		}
		prefix, _, _ := strings.Cut(name, "_")
		v, err := strconv.ParseUint(prefix, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("migration %q: version is not a number", name)
		}
		latest = max(latest, uint(v))
	}
	return latest, nil
}

// MigrationVersion returns the schema version recorded in the database and
// whether a migration failed part-way. A database never migrated is at 0.
func (s *Store) MigrationVersion(ctx context.Context) (version uint, dirty bool, err error) {
	const q = `SELECT version, dirty FROM schema_migrations LIMIT 1`
	var v int64
	err = s.pool.QueryRow(ctx, q).Scan(&v, &dirty)
	if errors.Is(err, pgx.ErrNoRows) || isCode(err, codeUndefinedTable) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("read schema version: %w", err)
	}
	return uint(v), dirty, nil
}

// migrateLogger sends golang-migrate's progress lines to slog at debug level.
type migrateLogger struct {
	ctx    context.Context
	logger *slog.Logger
}

func (l migrateLogger) Printf(format string, v ...any) {
	l.logger.DebugContext(l.ctx, strings.TrimSpace(fmt.Sprintf(format, v...)), "component", "migrate")
}

func (l migrateLogger) Verbose() bool {
	return l.logger.Enabled(l.ctx, slog.LevelDebug)
}
