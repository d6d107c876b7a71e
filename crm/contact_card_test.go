package crm

import "testing"

func TestReadVCard(t *testing.T) {
	for _, c := range []struct{ card, fn, org, title string }{
		{"BEGIN:VCARD\nVERSION:3.0\nFN:王总\nORG:北京青禾新锐科技有限公司\nTITLE:总经理\nEND:VCARD", "王总", "北京青禾新锐科技有限公司", "总经理"},
		{"BEGIN:VCARD\r\nVERSION:2.1\r\nN:Wang;Lei\r\nORG;CHARSET=UTF-8:上海立美贸易有限公司;销售部\r\nEND:VCARD", "", "上海立美贸易有限公司", ""},
		{"BEGIN:VCARD\nVERSION:4.0\nitem1.ORG:Acme\\, Inc.;R&D\ntitle:Head of Sales\nfn:Mike Chen\nEND:VCARD", "Mike Chen", "Acme, Inc.", "Head of Sales"},
		{"BEGIN:VCARD\nVERSION:3.0\nORG:Very Long Company Na\n me Ltd\nEND:VCARD", "", "Very Long Company Name Ltd", ""},
		{"BEGIN:VCARD\nVERSION:3.0\nFN:李四\nEND:VCARD", "李四", "", ""},
		{"", "", "", ""},
		{"not a vcard at all", "", "", ""},
	} {
		fn, org, title := ReadVCard(c.card)
		if fn != c.fn || org != c.org || title != c.title {
			t.Errorf("ReadVCard(%q) = %q, %q, %q; want %q, %q, %q", c.card, fn, org, title, c.fn, c.org, c.title)
		}
	}
}

func TestCardContact(t *testing.T) {
	ct, err := Card{Name: " 王  总 ", Phone: "+86 138-0013-8000", Title: "总经理"}.Contact()
	if err != nil || ct.Name != "王 总" || ct.Phone != "+8613800138000" || ct.Title != "总经理" {
		t.Fatalf("%+v %v", ct, err)
	}
	for phone, key := range map[string]string{"": "contact.card_no_phone", "12": "contact.phone_invalid"} {
		_, err := Card{Name: "王总", Phone: phone}.Contact()
		if de, ok := AsError(err); !ok || de.Key != key {
			t.Errorf("phone %q: %v, want %s", phone, err, key)
		}
	}
}

func TestSamePhone(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"13800138000", "+8613800138000", true},
		{"138-0013-8000", "13800138000", true},
		{"13800138000", "13800138001", false},
		{"", "", false},
		{"010-62345678", "01062345678", true},
	} {
		if got := SamePhone(c.a, c.b); got != c.same {
			t.Errorf("SamePhone(%q, %q) = %v", c.a, c.b, got)
		}
	}
}
