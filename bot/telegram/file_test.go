package telegram

import (
	"bytes"
	"context"
	"testing"

	"github.com/salesbot-crm/salesbot/crm"
)

// TestSendDocument sends a spreadsheet as a document, then its text.
func TestSendDocument(t *testing.T) {
	h := newHarness(t, nil)
	data := []byte("PK\x03\x04 a spreadsheet")
	if err := h.ch.Send(context.Background(), "42", crm.Message{Text: "📎 Exported 3 rows:", File: &crm.File{Name: "customers.xlsx", Data: data}}); err != nil {
		t.Fatal(err)
	}
	docs := h.fake.Calls("sendDocument")
	if len(docs) != 1 || docs[0].ChatID != 42 || !bytes.Equal(docs[0].Document, data) {
		t.Fatalf("sendDocument calls: %+v", docs)
	}
	if texts := h.fake.BotTexts(42); len(texts) == 0 || texts[len(texts)-1] != "📎 Exported 3 rows:" {
		t.Fatalf("texts: %q", texts)
	}
}
