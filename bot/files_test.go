package bot_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"testing"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

func jpegBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(1, 1, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sendsFile sends a photo (photo true) or a document with a caption and
// returns the replies.
func (c *chat) sendsFile(who, name string, data []byte, caption string, photo bool) []crm.Message {
	c.t.Helper()
	d := &bot.Document{Name: name, Size: len(data), Fetch: func(context.Context) ([]byte, error) { return data, nil }}
	u := bot.Update{Channel: "telegram", ChatID: who, UserID: who, Text: caption}
	if photo {
		u.Photo = d
	} else {
		u.Document = d
	}
	ms := c.bot.Handle(context.Background(), u)
	var buttons []crm.Button
	for _, m := range ms {
		for _, row := range m.Buttons {
			buttons = append(buttons, row...)
		}
	}
	if len(ms) > 0 {
		c.buttons[who] = buttons
	}
	return ms
}

func textOf(ms []crm.Message) string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Text)
	}
	return strings.Join(out, "\n")
}

// Photos and files (#16 item 3): a photo or PDF is kept with the customer
// its caption names, the visit being logged, or one asked for; the card
// counts them and they come back in chat; too big, empty or other kinds
// are refused with nothing kept; nobody else's files can be fetched.
func TestChatPhotosAndFiles(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		c.team("王经理", "张伟", "李娜")
		zw := c.users["张伟"]
		db.CreateCustomer(ctx, zw.ID, crm.Customer{Name: "北京青禾新锐科技有限公司", OwnerID: zw.ID})
		db.CreateCustomer(ctx, zw.ID, crm.Customer{Name: "上海立美贸易有限公司", OwnerID: zw.ID})
		photo := jpegBytes(t)

		// The caption names the customer.
		got := textOf(c.sendsFile("张伟", "photo-7.jpg", photo, "青禾", true))
		expect(t, got, "📎 已把「photo-7.jpg」存到「北京青禾新锐科技有限公司」（这个客户共 1 个附件）。")

		// No caption: asked which customer.
		got = textOf(c.sendsFile("张伟", "photo-8.jpg", photo, "", true))
		expect(t, got, "📎 收到「photo-8.jpg」。存到哪个客户？")
		expect(t, c.presses("张伟", "上海立美"), "存到「上海立美贸易有限公司」（这个客户共 1 个附件）")

		// While a visit is logged: filed with its customer, the form goes on.
		c.says("张伟", "/visit 青禾")
		got = textOf(c.sendsFile("张伟", "合同.pdf", []byte("%PDF-1.7\n%âãÏÓ\n1 0 obj\n"), "", false))
		expect(t, got, "「合同.pdf」存到「北京青禾新锐科技有限公司」（这个客户共 2 个附件）", "这次沟通了什么")
		c.says("张伟", "/cancel")

		// Refused, nothing kept.
		expect(t, textOf(c.sendsFile("张伟", "notes.txt", []byte("plain words"), "青禾", false)), "只能保存图片")
		expect(t, textOf(c.sendsFile("张伟", "big.jpg", make([]byte, crm.MaxAttachmentBytes+1), "青禾", true)), "文件太大了（最多 10 MB）")

		// The card counts them; its button lists them; a press sends one back.
		card := c.says("张伟", "/customer 青禾")
		expect(t, card, "📎 2 个附件")
		expect(t, c.presses("张伟", "附件"), "📎「北京青禾新锐科技有限公司」的附件（2 个），点一个取回：")
		offered := strings.Join(labels(c.buttons["张伟"]), "|")
		expect(t, offered, "photo-7.jpg", "合同.pdf")
		var back []crm.Message
		for _, b := range c.buttons["张伟"] {
			if strings.Contains(b.Text, "photo-7") {
				back = c.bot.Handle(ctx, bot.Update{Channel: "telegram", ChatID: "张伟", UserID: "张伟", Button: b.Data})
			}
		}
		if len(back) != 1 || back[0].Image == nil || !bytes.Equal(back[0].Image.PNG, photo) {
			t.Fatalf("the photo did not come back: %+v", back)
		}
		for _, b := range c.buttons["张伟"] {
			if strings.Contains(b.Text, "合同") {
				back = c.bot.Handle(ctx, bot.Update{Channel: "telegram", ChatID: "张伟", UserID: "张伟", Button: b.Data})
			}
		}
		if len(back) != 1 || back[0].File == nil || back[0].File.Name != "合同.pdf" {
			t.Fatalf("the PDF did not come back: %+v", back)
		}
		expect(t, c.says("张伟", "/customer 青禾 history"), "存了附件「合同.pdf」")

		// 李娜 cannot list or fetch 张伟's files.
		expect(t, c.says("李娜", "/files 北京青禾新锐科技有限公司"), "没找到")
		expect(t, c.says("李娜", "/files get 1"), "没找到这个附件")
		var n int
		if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM attachments`).Scan(&n); err != nil || n != 3 {
			t.Fatalf("%d attachments kept, want 3 (%v)", n, err)
		}
	})
}
