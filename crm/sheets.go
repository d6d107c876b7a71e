package crm

import (
	"context"
	"io"
	"time"
)

// Spreadsheets reads and writes customer lists and tables: what the chat
// needs of the spreadsheet package, which implements it (the bot is given
// one when wired, and never imports it).
type Spreadsheets interface {
	// ImportCustomers imports a customer list (.xlsx or .csv, by the
	// file's name) as the actor; rows without an owner go to the actor.
	// With dryRun every row is checked and nothing written. Unreadable
	// files are a domain error (Invalid) or an error naming the problem.
	ImportCustomers(ctx context.Context, actor Viewer, data []byte, filename string, dryRun bool, now time.Time) (ImportSummary, error)
	// ExportCustomers writes the customers the actor's book covers.
	ExportCustomers(ctx context.Context, actor Viewer, w io.Writer, format string, now time.Time) (int, error)
	// ExportTable writes a table with a header row.
	ExportTable(w io.Writer, format, name string, header []string, rows [][]string) error
}

// ImportSummary is what an import did.
type ImportSummary struct {
	Rows, Created, Skipped int
	// Problems are the rows not created, in file order, with the reason in
	// the language of the file's headers.
	Problems []ImportProblem
	// Review are the imported rows whose names are only similar to an
	// earlier row of the same owner: listed for a person to check.
	Review []ImportReview
	// Unmapped are the choice cells of imported rows that no option of
	// their list reads: saved as "other" with the cell as its detail.
	Unmapped []ImportUnmapped
	// Rejected is those rows as a file in the input's format (nil: none).
	Rejected *File
}

// ImportUnmapped is a choice cell an import could not map to an option.
type ImportUnmapped struct {
	Row   int
	Name  string
	Field string // a choice.Field: industry, size, region, source
	Value string
}

// ImportReview is an imported row similar to an earlier row of the file.
type ImportReview struct {
	Row, EarlierRow int
	Name, Earlier   string
}

// ImportProblem is a row an import did not create.
type ImportProblem struct {
	Row    int
	Name   string
	Reason string
}
