package sheet

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"

	"github.com/salesbot-crm/salesbot/crm"
)

// Encodings are detected, not assumed (#20 item 8): UTF-8 with or without
// BOM, UTF-16 with BOM, GBK/GB18030 and Big5 are read; Latin-1 and
// Shift-JIS files are refused, naming what is accepted, instead of being
// imported as mojibake ("Caf� M黮ler GmbH").
func TestEncodingsDetected(t *testing.T) {
	simplified := "客户名称,联系人,电话\n北京青禾新锐科技有限公司,王经理,13800138000\n上海恒通物流有限公司,李总,13900139000\n广州市天河区华盛贸易商行,陈女士,020-88886666\n"
	traditional := "客戶名稱,聯絡人,電話\n台北青禾科技股份有限公司,王經理,0912345678\n香港恒通物流有限公司,李總,85291234567\n高雄市華盛貿易商行,陳小姐,07-1234567\n"
	enc := func(e encoding.Encoding, s string) []byte {
		b, err := e.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatalf("encode %q: %v", s, err)
		}
		return b
	}
	for _, c := range []struct {
		name, want, text string
		data             []byte
	}{
		{"utf-8", EncUTF8, simplified, []byte(simplified)},
		{"utf-8 bom", EncUTF8, simplified, append([]byte{0xEF, 0xBB, 0xBF}, simplified...)},
		{"utf-16le bom", EncUTF16, simplified, enc(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), simplified)},
		{"utf-16be bom", EncUTF16, simplified, enc(unicode.UTF16(unicode.BigEndian, unicode.UseBOM), simplified)},
		{"gbk", EncGBK, simplified, enc(simplifiedchinese.GBK, simplified)},
		{"gb18030", EncGBK, simplified + "𠀀\n", enc(simplifiedchinese.GB18030, simplified+"𠀀\n")},
		{"big5", EncBig5, traditional, enc(traditionalchinese.Big5, traditional)},
	} {
		got, e, err := decodeText(c.data)
		if err != nil || e != c.want || got != c.text {
			t.Errorf("%s: read as %q (%v): %q", c.name, e, err, got)
		}
	}
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"latin-1", enc(charmap.ISO8859_1, "Name,City\nCafé Müller GmbH,Zürich Straße 5\nBäckerei Größe,Köln\n")},
		{"windows-1252", enc(charmap.Windows1252, "Name\nSociété Générale — Crédit Agricole\n")},
		{"shift-jis", enc(japanese.ShiftJIS, "会社名,担当\n株式会社テスト,山田太郎\nトヨタ自動車株式会社,佐藤\n")},
		{"binary", []byte{0x00, 0x9f, 0x92, 0x96, 0xff, 0xfe, 0x80}},
	} {
		got, e, err := decodeText(c.data)
		ce, ok := crm.AsError(err)
		if !ok || ce.Key != "import.encoding_unknown" || !strings.Contains(err.Error(), "UTF-8") || !strings.Contains(err.Error(), "Big5") {
			t.Errorf("%s: read as %q (%v): %q; want it refused", c.name, e, err, got)
		}
	}
}
