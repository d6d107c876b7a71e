package wecom_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// TestSendFile uploads a file as temporary media and sends it as a file
// message to a member; group targets get no files.
func TestSendFile(t *testing.T) {
	h := newHarness(t, storetest.OpenSQLite(t))
	h.fake.AddUser("zhangsan", "张三")
	data := []byte("PK\x03\x04 a spreadsheet")
	if err := h.ch.Send(context.Background(), "zhangsan", crm.Message{Text: "📎 已导出 3 行：", File: &crm.File{Name: "customers.xlsx", Data: data}}); err != nil {
		t.Fatal(err)
	}
	var got []byte
	for _, m := range h.fake.Messages("zhangsan") {
		if m.Type == "file" {
			got = m.File
		}
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("file message: %+v", h.fake.Messages("zhangsan"))
	}
}
