package bot

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
)

// filesCommand lists a customer's photos and files; "/files get ID" (its
// buttons) sends one back.
var filesCommand = Command{Name: "files", Keyword: "附件", HelpKey: "help.files", Usage: "usage.customer", Run: runFiles}

// maxListedFiles bounds the files listed with buttons.
const maxListedFiles = 10

func runFiles(ctx context.Context, r *Request, s *Services) error {
	args := strings.TrimSpace(r.Args)
	if rest, ok := strings.CutPrefix(args, "get "); ok {
		id, _ := strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
		return s.sendFile(ctx, r, id)
	}
	if args == "" {
		r.Sayf("file.usage")
		return nil
	}
	found, sure, err := s.Sales.PickCustomer(ctx, r.Viewer, args, sales.See, pageSize)
	if err != nil {
		return err
	}
	switch {
	case len(found) == 0:
		r.Sayf("find.none", args)
		return nil
	case !sure:
		return s.sayCustomerList(ctx, r, r.T("find.title", args, len(found)), found, nil)
	}
	c := found[0]
	files, err := s.Sales.Attachments(ctx, r.Viewer, c.ID, maxListedFiles)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		r.Sayf("file.none", c.Name)
		return nil
	}
	all, err := s.Sales.Attachments(ctx, r.Viewer, c.ID, 1000)
	if err != nil {
		return err
	}
	var menu []conversation.Choice
	for _, a := range files {
		at := a.At.In(r.Now.Location())
		label := conversation.FormatShortDate(r.Lang, crm.DateOf(at)) + " " + conversation.Short(a.Name, 16)
		menu = append(menu, conversation.Choice{Label: label, Value: "/files get " + strconv.FormatInt(a.ID, 10)})
	}
	return s.offer(ctx, r, r.T("file.list", c.Name, len(all)), menu)
}

// sendFile sends a kept file back: a picture as a photo, a PDF as a
// document.
func (s *Services) sendFile(ctx context.Context, r *Request, id int64) error {
	a, data, err := s.Sales.AttachmentFile(ctx, r.Viewer, id)
	if err != nil {
		if de, ok := crm.AsError(err); ok && de.Code == crm.CodeNotFound {
			r.Sayf("file.not_found")
			return nil
		}
		return err
	}
	if a.Image() {
		r.Say(crm.Message{Image: &crm.Image{Name: a.Name, PNG: data, Caption: a.Name}})
	} else {
		r.Say(crm.Message{File: &crm.File{Name: a.Name, Data: data}})
	}
	return nil
}

// sheetFile reports a spreadsheet sent to import (the rest are kept as a
// customer's files).
func sheetFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xls", ".csv":
		return true
	}
	return false
}

// keepFile keeps a photo or file a person sent and files it: with the
// visit being logged, the customer its caption names, or one asked for.
// Too big, empty or of another kind: said, nothing kept.
func (s *Services) keepFile(ctx context.Context, r *Request, d *Document) error {
	if d.Size > crm.MaxAttachmentBytes {
		r.Sayf("file.too_big", crm.MaxAttachmentBytes>>20)
		return nil
	}
	data, err := d.Fetch(ctx)
	if err != nil {
		return fmt.Errorf("bot: download %s: %w", d.Name, err)
	}
	a, err := s.Sales.KeepFile(ctx, r.Viewer, d.Name, data, 0, r.Now)
	if err != nil {
		if de, ok := crm.AsError(err); ok && de.Code == crm.CodeInvalid {
			r.Sayf(de.Key, de.Args...)
			return nil
		}
		return err
	}
	out, err := s.Engine.File(ctx, s.env(r), a, strings.TrimSpace(r.Text))
	return say(r, out, err)
}
