package sheet

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
)

// Service is the spreadsheets the chat uses (crm.Spreadsheets), over the
// use cases.
type Service struct {
	Sales *sales.Service
	// StageName words a stage in the export's 阶段 column (the catalogue's
	// Chinese name).
	StageName func(crm.Stage) string
}

var _ crm.Spreadsheets = Service{}

// ImportCustomers imports a file sent in chat: rows without an owner go to
// the actor, the rejected rows come back as a file.
func (s Service) ImportCustomers(ctx context.Context, actor crm.Viewer, data []byte, filename string, dryRun bool, now time.Time) (crm.ImportSummary, error) {
	tmp, err := os.MkdirTemp("", "salesbot-import-")
	if err != nil {
		return crm.ImportSummary{}, err
	}
	defer os.RemoveAll(tmp)
	ext := filepath.Ext(filename)
	rejected := filepath.Join(tmp, strings.TrimSuffix(filepath.Base(filename), ext)+".rejected"+ext)
	rep, err := Import(ctx, s.Sales, bytes.NewReader(data), filename, ImportOptions{
		DryRun: dryRun, DefaultOwner: actor.User, Actor: actor.ID, Now: now, RejectedPath: rejected})
	sum := crm.ImportSummary{Rows: rep.Rows, Created: rep.Created, Skipped: rep.Skipped}
	for _, r := range rep.Results {
		if r.Status != StatusCreated {
			sum.Problems = append(sum.Problems, crm.ImportProblem{Row: r.Row, Name: r.Name, Reason: r.Reason})
			continue
		}
		if r.Review {
			sum.Review = append(sum.Review, crm.ImportReview{Row: r.Row, EarlierRow: r.EarlierRow, Name: r.Name, Earlier: r.Existing})
		}
		for _, u := range r.Unmapped {
			sum.Unmapped = append(sum.Unmapped, crm.ImportUnmapped{Row: r.Row, Name: r.Name, Field: string(u.Field), Value: u.Value})
		}
	}
	if rep.Rejected != "" {
		b, rerr := os.ReadFile(rep.Rejected)
		if rerr != nil {
			return sum, fmt.Errorf("sheet: read the rejected rows: %w", rerr)
		}
		sum.Rejected = &crm.File{Name: filepath.Base(rep.Rejected), Data: b}
	}
	return sum, err
}

// ExportCustomers writes the customers the actor's book covers.
func (s Service) ExportCustomers(ctx context.Context, actor crm.Viewer, w io.Writer, format string, now time.Time) (int, error) {
	return ExportCustomers(ctx, s.Sales, actor, w, format, now, s.StageName)
}

// ExportTable writes a table with a header row.
func (s Service) ExportTable(w io.Writer, format, name string, header []string, rows [][]string) error {
	return ExportTable(w, format, name, header, rows)
}
