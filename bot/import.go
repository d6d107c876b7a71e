package bot

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/salesbot-crm/salesbot/crm"
)

// importDocument imports a customer list an admin sent as a file (.xlsx or
// .csv). Rows without an owner go to the sender. A caption of "预检" or
// "dry run" checks every row and writes nothing. Duplicates are reported
// row by row and skipped; the rejected rows come back as a file. Each
// customer is its own transaction, so sending the file again is safe.
func (s *Services) importDocument(ctx context.Context, r *Request) error {
	d := r.Document
	if !r.Viewer.CanImport() {
		r.Sayf("import.admins_only")
		return nil
	}
	ext := strings.ToLower(filepath.Ext(d.Name))
	if ext != ".xlsx" && ext != ".csv" {
		r.Sayf("import.format", d.Name)
		return nil
	}
	data, err := d.Fetch(ctx)
	if err != nil {
		return fmt.Errorf("import: download %s: %w", d.Name, err)
	}
	dry := false
	switch strings.ToLower(strings.TrimSpace(r.Text)) {
	case "预检", "dry run", "dry-run", "dryrun", "检查":
		dry = true
	}
	rep, err := s.Sheets.ImportCustomers(ctx, r.Viewer, data, d.Name, dry, r.Now)
	if err != nil {
		if rep.Rows == 0 {
			if ce, ok := crm.AsError(err); ok {
				r.Sayf("import.unreadable", d.Name, r.T(ce.Key, ce.Args...))
			} else {
				r.Sayf("import.unreadable", d.Name, err.Error())
			}
			return nil
		}
		return err
	}
	key := "import.done"
	if dry {
		key = "import.dry"
	}
	lines := []string{r.T(key, d.Name, rep.Rows, rep.Created, rep.Skipped)}
	lines = listed(lines, len(rep.Problems), func(i int) string {
		res := rep.Problems[i]
		return r.T("import.problem_row", res.Row, res.Name, res.Reason)
	})
	if len(rep.Review) > 0 {
		lines = append(lines, r.T("import.review", len(rep.Review)))
		lines = listed(lines, len(rep.Review), func(i int) string {
			v := rep.Review[i]
			return r.T("import.review_row", v.Row, v.Name, v.EarlierRow, v.Earlier)
		})
	}
	if len(rep.Unmapped) > 0 {
		lines = append(lines, r.T("import.unmapped", len(rep.Unmapped)))
		lines = listed(lines, len(rep.Unmapped), func(i int) string {
			u := rep.Unmapped[i]
			return r.T("import.unmapped_cell", u.Row, u.Name, r.T("field."+u.Field), u.Value)
		})
	}
	m := crm.Message{Text: strings.Join(lines, "\n"), File: rep.Rejected}
	r.Say(m)
	return nil
}

// importListed is how many rows of each list an import's answer names.
const importListed = 31

// listed appends the lines of n rows, the first importListed of them, and
// "…" when there are more.
func listed(lines []string, n int, line func(i int) string) []string {
	for i := range min(n, importListed) {
		lines = append(lines, line(i))
	}
	if n > importListed {
		lines = append(lines, "…")
	}
	return lines
}
