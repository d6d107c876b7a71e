package crm

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"
)

// Attachments (SPEC "Field inputs"): a photo of a business card, a shop
// front, a signed contract, kept with a customer. The bytes are kept in
// the database, so a backup (VACUUM INTO, pg_dump) holds them.
const (
	// MaxAttachmentBytes bounds one file.
	MaxAttachmentBytes = 10 << 20
	// MaxAttachmentName bounds a file's name.
	MaxAttachmentName = 120
	// UnfiledTTL is how long a file waits for the customer it goes to.
	UnfiledTTL = 24 * time.Hour
)

// attachmentTypes are the kinds kept, by their sniffed content type.
var attachmentTypes = map[string]string{
	"image/jpeg":      ".jpg",
	"image/png":       ".png",
	"image/gif":       ".gif",
	"image/webp":      ".webp",
	"application/pdf": ".pdf",
}

// Attachment is a file kept with a customer (CustomerID 0 while it waits
// for the rep to say which).
type Attachment struct {
	ID         int64     `db:"id"`
	CustomerID int64     `db:"customer_id"`
	UserID     int64     `db:"user_id"`
	Name       string    `db:"name"`
	Mime       string    `db:"mime"`
	Size       int64     `db:"size"`
	At         time.Time `db:"at"`
}

// Image reports a picture (sent back as a photo, not a document).
func (a Attachment) Image() bool { return strings.HasPrefix(a.Mime, "image/") }

// CheckAttachment reads what a file is from its bytes: Invalid
// "file.too_big" over MaxAttachmentBytes, "file.empty", "file.type" for
// anything but a JPEG, PNG, GIF or WebP picture or a PDF. It returns the
// content type and a clean name (the extension the content has).
func CheckAttachment(name string, data []byte) (mime, clean string, err error) {
	switch {
	case len(data) == 0:
		return "", "", Errorf(CodeInvalid, "file.empty")
	case len(data) > MaxAttachmentBytes:
		return "", "", Errorf(CodeInvalid, "file.too_big", MaxAttachmentBytes>>20)
	}
	mime = http.DetectContentType(data)
	ext, ok := attachmentTypes[mime]
	if !ok {
		return "", "", Errorf(CodeInvalid, "file.type")
	}
	base := strings.TrimSpace(filepath.Base(strings.ReplaceAll(name, `\`, "/")))
	base = strings.TrimSuffix(base, filepath.Ext(base))
	if base == "" || base == "." || base == "/" {
		base = "file"
	}
	for utf8.RuneCountInString(base)+len(ext) > MaxAttachmentName {
		r := []rune(base)
		base = string(r[:len(r)-1])
	}
	return mime, base + ext, nil
}

// AttachmentStore keeps files.
type AttachmentStore interface {
	// AddAttachment keeps a file (CustomerID 0: not filed yet) and drops
	// the same user's files left unfiled since before.
	AddAttachment(ctx context.Context, actor int64, a Attachment, data []byte, before time.Time) (Attachment, error)
	// FileAttachment files a waiting file of user with a customer.
	// Conflict "changed_meanwhile" when it is filed already or gone.
	FileAttachment(ctx context.Context, actor, id, customerID int64) (Attachment, error)
	// Attachment returns a file and its bytes. NotFound.
	Attachment(ctx context.Context, id int64) (Attachment, []byte, error)
	// Attachments lists a customer's files, newest first.
	Attachments(ctx context.Context, customerID int64, limit int) ([]Attachment, error)
}
