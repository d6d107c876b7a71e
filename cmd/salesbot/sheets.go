package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/sheet"
	"github.com/salesbot-crm/salesbot/store"
)

// importCmd runs "import FILE.xlsx|FILE.csv [--owner NAME] [--dry-run]
// [--allow-similar]". Each customer is its own transaction, so an import
// is resumable and idempotent: run it again and the rows already imported
// come back as duplicates, nothing twice.
func (m *Main) importCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	owner := fs.String("owner", "", "the owner of rows without an owner column or cell (a user's name)")
	dry := fs.Bool("dry-run", false, "check every row and report; write nothing")
	similar := fs.Bool("allow-similar", false, "also create rows whose names are only similar to a customer (after checking them)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"import: want exactly one FILE.xlsx or FILE.csv"}
	}
	path := pos[0]
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".csv", ".tsv", ".txt":
	default:
		return usageError{fmt.Sprintf("import: %s is not an .xlsx or .csv file", path)}
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	db, err := m.openDB(ctx)
	if err != nil {
		return err
	}
	opt := sheet.ImportOptions{DryRun: *dry, AllowSimilar: *similar, Now: m.Now().In(m.loc)}
	if *owner != "" {
		u, err := db.UserByName(ctx, *owner)
		if errors.Is(err, crm.ErrNotFound) {
			return usageError{fmt.Sprintf("import: --owner %q is not an active user (see 'salesbot user list')", *owner)}
		}
		if err != nil {
			return err
		}
		opt.DefaultOwner = u
	}
	ext := filepath.Ext(path)
	opt.RejectedPath = strings.TrimSuffix(path, ext) + ".rejected" + ext
	start := time.Now()
	rep, err := sheet.Import(ctx, sales.New(db), f, filepath.Base(path), opt)
	for _, r := range rep.Results {
		if r.Status != sheet.StatusCreated {
			fmt.Fprintf(m.Stdout, "row %d\t%s\t%s\t%s\n", r.Row, r.Status, r.Name, r.Reason)
		}
		if r.Review {
			fmt.Fprintf(m.Stdout, "row %d\treview\t%s\t%s\n", r.Row, r.Name, r.Reason)
		}
		for _, u := range r.Unmapped {
			fmt.Fprintf(m.Stdout, "row %d\tunmapped\t%s\t%s %q saved as other\n", r.Row, r.Name, u.Field, u.Value)
		}
	}
	if err != nil {
		return fmt.Errorf("import %s: %w", path, err)
	}
	verb := "imported"
	if *dry {
		verb = "would import"
	}
	fmt.Fprintf(m.Stdout, "%s: %d rows, %s %d, skipped %d (%s, %s)\n", path, rep.Rows, verb, rep.Created, rep.Skipped, rep.Encoding, time.Since(start).Round(time.Millisecond))
	if len(rep.Ignored) > 0 {
		fmt.Fprintf(m.Stdout, "ignored columns: %s\n", strings.Join(rep.Ignored, ", "))
	}
	if rep.Rejected != "" {
		fmt.Fprintf(m.Stdout, "rejected rows written to %s\n", rep.Rejected)
	}
	return nil
}

// exportCmd runs "export FILE.xlsx|FILE.csv [--user NAME] [--audit]":
// customers within NAME's permission (default: the first admin: all), or
// the audit log.
func (m *Main) exportCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	user := fs.String("user", "", "export what this user may see (default: everything, as the first admin)")
	auditLog := fs.Bool("audit", false, "export the audit log instead of customers")
	stats := fs.String("stats", "", "export an analysis instead: industry, size, region, source, top, funnel or ranking")
	reports := fs.String("reports", "", "export the current period's reports instead: day, week or month")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"export: want exactly one FILE.xlsx or FILE.csv"}
	}
	path := pos[0]
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	if format != "xlsx" && format != "csv" {
		return usageError{fmt.Sprintf("export: %s must end in .xlsx or .csv", path)}
	}
	db, err := m.openDB(ctx)
	if err != nil {
		return err
	}
	u, _, err := m.ensureAdmin(ctx, db)
	if err != nil {
		return err
	}
	if *user != "" {
		if u, err = db.UserByName(ctx, *user); err != nil {
			if errors.Is(err, crm.ErrNotFound) {
				return usageError{fmt.Sprintf("export: no active user named %q", *user)}
			}
			return err
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer f.Close()
	var n int
	depts, err := db.Departments(ctx)
	if err != nil {
		return err
	}
	v := crm.ViewerOf(u, depts)
	table := func(name string, header []string, rows [][]string, err error) (int, error) {
		if err != nil {
			return 0, err
		}
		return len(rows), sheet.ExportTable(f, format, name, header, rows)
	}
	switch {
	case *auditLog:
		if u.Role != crm.RoleAdmin {
			return usageError{"export --audit: only for admins"}
		}
		n, err = m.exportAudit(ctx, db, f, format)
	case *stats != "":
		header, rows, terr := bot.AnalysisTable(ctx, sales.New(db), v, m.cfg.Locale, *stats, m.Now().In(m.loc))
		if crm.ErrorCode(terr) == crm.CodeInvalid {
			os.Remove(path)
			return usageError{fmt.Sprintf("export --stats %q: want industry, size, region, source, top, funnel or ranking", *stats)}
		}
		n, err = table(*stats, header, rows, terr)
	case *reports != "":
		header, rows, terr := bot.ReportsTable(ctx, sales.New(db), v, m.cfg.Locale, crm.PeriodKind(*reports), m.Now().In(m.loc))
		if crm.ErrorCode(terr) == crm.CodeInvalid {
			os.Remove(path)
			return usageError{fmt.Sprintf("export --reports %q: want day, week or month", *reports)}
		}
		n, err = table(*reports, header, rows, terr)
	default:
		n, err = sheet.ExportCustomers(ctx, sales.New(db), v, f, format, m.Now().In(m.loc), conversation.SheetStageName)
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("export: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(m.Stdout, "exported %d rows to %s\n", n, path)
	return nil
}

// exportAudit writes the whole audit log.
func (m *Main) exportAudit(ctx context.Context, db *store.DB, w *os.File, format string) (int, error) {
	header, rows, err := bot.AuditTable(ctx, sales.New(db), sales.System(), m.loc, time.Time{}, m.Now().Add(time.Hour))
	if err != nil {
		return 0, err
	}
	return len(rows), sheet.ExportTable(w, format, "audit", header, rows)
}
