package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"

	"github.com/salesbot-crm/salesbot/crm/choice"
)

//go:embed migrations
var migrationsFS embed.FS

// Migration is one numbered schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the migrations of an engine in order.
func Migrations(driver string) ([]Migration, error) {
	dir := path.Join("migrations", driver)
	entries, err := fs.ReadDir(migrationsFS, dir)
	if err != nil {
		return nil, fmt.Errorf("store: migrations for %s: %w", driver, err)
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("store: migration %s: name must start with a number", name)
		}
		b, err := fs.ReadFile(migrationsFS, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: name, SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("store: migrations for %s: expected version %d, found %s", driver, i+1, m.Name)
		}
	}
	return out, nil
}

// Migrate applies every migration not yet applied, each in its own
// transaction with its version row, so a failing migration leaves the schema
// as it was. It returns the schema version reached.
func (s *DB) Migrate(ctx context.Context) (int, error) {
	ms, err := Migrations(s.driver)
	if err != nil {
		return 0, err
	}
	return s.migrate(ctx, ms)
}

func (s *DB) migrate(ctx context.Context, ms []Migration) (int, error) {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		return 0, fmt.Errorf("store: migrate: %w", err)
	}
	if s.driver == Postgres {
		// Two instances starting at once must not both migrate.
		conn, err := s.db.Connx(ctx)
		if err != nil {
			return 0, fmt.Errorf("store: migrate: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(74201)`); err != nil {
			return 0, fmt.Errorf("store: migrate lock: %w", err)
		}
		defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(74201)`)
	}
	cur, err := s.SchemaVersion(ctx)
	if err != nil {
		return 0, err
	}
	for _, m := range ms {
		if m.Version <= cur {
			continue
		}
		tx, err := s.db.BeginTxx(ctx, nil)
		if err != nil {
			return cur, fmt.Errorf("store: migrate %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			tx.Rollback()
			return cur, fmt.Errorf("store: migration %s failed, schema left at version %d: %w", m.Name, cur, err)
		}
		if step := goSteps[m.Version]; step != nil {
			if err := step(ctx, tx); err != nil {
				tx.Rollback()
				return cur, fmt.Errorf("store: migration %s failed, schema left at version %d: %w", m.Name, cur, err)
			}
		}
		if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO schema_migrations (version, name) VALUES (?, ?)`), m.Version, m.Name); err != nil {
			tx.Rollback()
			return cur, fmt.Errorf("store: migrate %s: %w", m.Name, err)
		}
		if err := tx.Commit(); err != nil {
			return cur, fmt.Errorf("store: migrate %s: %w", m.Name, err)
		}
		cur = m.Version
	}
	return cur, nil
}

// goSteps are data conversions a migration's SQL cannot express, run in
// its transaction after the SQL.
var goSteps = map[int]func(context.Context, *sqlx.Tx) error{
	11: convertChoices,
	16: dropOwnerNotNull,
}

// ownerColumn is customers.owner_id as migration 1 wrote it on SQLite.
const ownerColumn = `owner_id         BIGINT NOT NULL REFERENCES users (id)`

// dropOwnerNotNull lets customers.owner_id be NULL on SQLite (migration
// 16, 0016_pool: a customer with no owner is in the pool). SQLite cannot ALTER a
// column; dropping a NOT NULL changes nothing on disk, so the table's
// definition is edited in place as SQLite documents for that case
// (https://sqlite.org/lang_altertable.html, "writable_schema"), in the
// migration's transaction, instead of copying the whole table.
// PostgreSQL's SQL does it with ALTER COLUMN.
func dropOwnerNotNull(ctx context.Context, tx *sqlx.Tx) error {
	if tx.DriverName() != SQLite {
		return nil
	}
	var def string
	if err := tx.GetContext(ctx, &def, `SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'customers'`); err != nil {
		return fmt.Errorf("reading customers: %w", err)
	}
	nullable := `owner_id         BIGINT REFERENCES users (id)`
	if strings.Count(def, ownerColumn) == 0 && strings.Count(def, nullable) == 1 {
		// Done already: for a while main ran this step with migration 14.
		return nil
	}
	if strings.Count(def, ownerColumn) != 1 {
		return fmt.Errorf("customers.owner_id is not as migration 1 made it")
	}
	var version int
	if err := tx.GetContext(ctx, &version, `PRAGMA schema_version`); err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	def = strings.Replace(def, ownerColumn, nullable, 1)
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`PRAGMA writable_schema = ON`, nil},
		{`UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'customers'`, []any{def}},
		{`PRAGMA schema_version = ` + strconv.Itoa(version+1), nil},
		{`PRAGMA writable_schema = OFF`, nil},
	} {
		if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
			return fmt.Errorf("dropping owner_id's NOT NULL: %w", err)
		}
	}
	var check string
	if err := tx.GetContext(ctx, &check, `PRAGMA quick_check`); err != nil || check != "ok" {
		return fmt.Errorf("customers after dropping owner_id's NOT NULL: %q %v", check, err)
	}
	return nil
}

// convertChoices turns the choice fields written before the lists were
// closed into codes (migration 11). The distinct values are read and
// mapped in Go (crm/choice), the mapping goes into a temporary table, and
// one UPDATE per field joins it: four passes over the table however many
// distinct values there are. A value no option reads becomes other with
// the old text as its detail.
func convertChoices(ctx context.Context, tx *sqlx.Tx) error {
	if _, err := tx.ExecContext(ctx, `CREATE TEMPORARY TABLE choice_map (old TEXT NOT NULL PRIMARY KEY, code TEXT NOT NULL, detail TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("choice map: %w", err)
	}
	for _, f := range choice.Fields {
		col := string(f)
		var olds []string
		if err := tx.SelectContext(ctx, &olds, `SELECT DISTINCT `+col+` FROM customers WHERE `+col+` <> ''`); err != nil {
			return fmt.Errorf("reading %s values: %w", col, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM choice_map`); err != nil {
			return fmt.Errorf("choice map: %w", err)
		}
		l, n := choice.Of(f), 0
		for _, old := range olds {
			v, _ := l.Parse(old)
			if v.Code == old && v.Detail == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, tx.Rebind(`INSERT INTO choice_map (old, code, detail) VALUES (?, ?, ?)`), old, v.Code, v.Detail); err != nil {
				return fmt.Errorf("choice map %s %q: %w", col, old, err)
			}
			n++
		}
		if n == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET `+col+` = m.code, `+col+`_detail = m.detail
			FROM choice_map m WHERE customers.`+col+` = m.old`); err != nil {
			return fmt.Errorf("converting %s: %w", col, err)
		}
	}
	_, err := tx.ExecContext(ctx, `DROP TABLE choice_map`)
	return err
}

// SchemaVersion returns the highest applied migration, 0 for none.
func (s *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.db.GetContext(ctx, &v, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`)
	if err != nil {
		return 0, fmt.Errorf("store: schema version: %w", err)
	}
	return v, nil
}
