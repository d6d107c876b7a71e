package wecom

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/silenceper/wechat/v2/work/message"
)

// Rendering: bot messages become WeCom messages — pure functions of the
// messages, the target and the language, golden-tested (render_test.go).
// send.go sends what they produce.

// render lays messages out as the WeCom messages sent to the target, in
// order: texts merged and split to the platform's sizes, buttons as a
// template card where they fit, else as numbered options; groups get
// markdown without buttons.
func render(msgs []crm.Message, t target, lang string) []wire {
	max := MaxTextBytes
	if t.kind == toRobot {
		max = MaxRobotMarkdownBytes
	}
	return layout(merge(msgs, max), t, lang)
}

// part is one message after merging: text (possibly with buttons) or an
// image.
type part struct {
	text    string
	buttons []crm.Button
	image   *crm.Image
	file    *crm.File
}

// wire is one platform message.
type wire struct {
	kind     string // text, markdown, card, image, file
	text     string
	buttons  []crm.Button // card buttons
	numbered []crm.Button // buttons shown as numbered options in this text
	image    *crm.Image
	file     *crm.File
	lang     string // "zh" or "en": the words the channel adds itself
}

// merge joins consecutive texts into one message (each member gets only
// 30 a minute) and gives button-only messages the text before them.
func merge(msgs []crm.Message, max int) []part {
	var out []part
	var pending *part // text without buttons, still open for merging
	flush := func() {
		if pending != nil {
			out = append(out, *pending)
			pending = nil
		}
	}
	addText := func(text string) {
		if text == "" {
			return
		}
		if pending != nil && len(pending.text)+2+len(text) <= max {
			pending.text += "\n\n" + text
			return
		}
		flush()
		pending = &part{text: text}
	}
	for _, m := range msgs {
		text := strings.TrimSpace(m.Text)
		var btns []crm.Button
		for _, row := range m.Buttons {
			btns = append(btns, row...)
		}
		if m.File != nil {
			flush()
			out = append(out, part{file: m.File})
		}
		switch {
		case m.Image != nil:
			addText(text)
			addText(strings.TrimSpace(m.Image.Caption))
			flush()
			out = append(out, part{image: m.Image})
			if len(btns) > 0 {
				out = append(out, part{buttons: btns})
			}
		case len(btns) == 0:
			addText(text)
		case text == "" && pending != nil:
			pending.buttons = btns
			flush()
		case pending != nil:
			merged := pending.text + "\n\n" + text
			if cardFits(merged, btns) || (!cardFits(text, btns) && len(merged)+numberedLen(btns) <= max) {
				pending.text, pending.buttons = merged, btns
				flush()
				continue
			}
			flush()
			out = append(out, part{text: text, buttons: btns})
		default:
			out = append(out, part{text: text, buttons: btns})
		}
	}
	flush()
	return out
}

// layout turns parts into platform messages for the target.
func layout(parts []part, t target, lang string) []wire {
	var out []wire
	for _, p := range parts {
		lang := langFor(lang, p.text, p.buttons)
		switch {
		case p.file != nil:
			if t.kind == toMember { // groups get no files: exports are private
				out = append(out, wire{kind: "file", file: p.file})
			}
		case p.image != nil:
			out = append(out, wire{kind: "image", image: p.image})
		case t.kind != toMember:
			// Groups: markdown, first line in bold; no buttons (a self-built
			// app hears nothing from group chats).
			text := p.text
			if text == "" {
				continue
			}
			if first, rest, ok := strings.Cut(text, "\n"); ok && strings.TrimSpace(first) != "" && !strings.Contains(first, "**") {
				text = "**" + strings.TrimSpace(first) + "**\n" + rest
			}
			max := MaxTextBytes
			if t.kind == toRobot {
				max = MaxRobotMarkdownBytes
			}
			for _, s := range splitText(text, max) {
				out = append(out, wire{kind: "markdown", text: s})
			}
		case len(p.buttons) > 0 && cardFits(p.text, p.buttons):
			out = append(out, wire{kind: "card", text: p.text, buttons: p.buttons, lang: lang})
		case len(p.buttons) > 0:
			out = append(out, numberedWires(p.text, p.buttons, lang)...)
		default:
			for _, s := range splitText(p.text, MaxTextBytes) {
				out = append(out, wire{kind: "text", text: s})
			}
		}
	}
	return out
}

// numberedWires shows buttons as numbered options under the text:
// "回复数字：1 保存  2 修改  3 取消".
func numberedWires(text string, btns []crm.Button, lang string) []wire {
	full := numberedLine(btns, lang)
	if text != "" {
		full = text + "\n\n" + full
	}
	chunks := splitText(full, MaxTextBytes)
	out := make([]wire, len(chunks))
	for i, s := range chunks {
		out[i] = wire{kind: "text", text: s, lang: lang}
	}
	out[len(out)-1].numbered = btns
	return out
}

func numberedLine(btns []crm.Button, lang string) string {
	var sb strings.Builder
	sb.WriteString(hints(lang).reply)
	for i, b := range btns {
		if i > 0 {
			sb.WriteString("  ")
		}
		sb.WriteString(strconv.Itoa(i+1) + " " + b.Text)
	}
	return sb.String()
}

func numberedLen(btns []crm.Button) int { return len(numberedLine(btns, "zh")) + 2 }

// hint holds the few words the channel adds itself, from the catalogue.
type hint struct{ reply, choose, chosen, done string }

func hints(lang string) hint {
	return hint{bot.T(lang, "wecom.reply_number"), bot.T(lang, "wecom.choose"),
		bot.T(lang, "wecom.chosen"), bot.T(lang, "wecom.done")}
}

// langFor is lang when it is known ("zh" or "en": the member's setting),
// else a guess from the message: its first line decides if it has Han
// characters or Latin letters, then the rest and the buttons. Chinese is
// the default.
func langFor(lang, text string, btns []crm.Button) string {
	if lang == "zh" || lang == "en" {
		return lang
	}
	guess := func(s string) string {
		han, latin := 0, 0
		for _, r := range s {
			switch {
			case unicode.Is(unicode.Han, r):
				han++
			case r < 0x80 && unicode.IsLetter(r):
				latin++
			}
		}
		switch {
		case han > 0 && han*3 >= latin:
			return "zh"
		case latin > 0:
			return "en"
		}
		return ""
	}
	first, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	if g := guess(first); g != "" {
		return g
	}
	var sb strings.Builder
	sb.WriteString(text)
	for _, b := range btns {
		sb.WriteString(" " + b.Text)
	}
	if g := guess(sb.String()); g != "" {
		return g
	}
	return "zh"
}

// Card limits (button_interaction template card).
const (
	cardMaxButtons  = 6
	cardTitleRunes  = 36
	cardSubRunes    = 160
	cardButtonRunes = 20
)

// cardTexts splits a text into a card's title (the first line, if short)
// and sub-title.
func cardTexts(text string) (title, sub string) {
	text = strings.TrimSpace(text)
	first, rest, _ := strings.Cut(text, "\n")
	if utf8.RuneCountInString(first) <= cardTitleRunes {
		return strings.TrimSpace(first), strings.TrimSpace(rest)
	}
	return "", text
}

// cardFits reports whether a text and its buttons fit a template card.
func cardFits(text string, btns []crm.Button) bool {
	if len(btns) == 0 || len(btns) > cardMaxButtons {
		return false
	}
	seen := map[string]bool{}
	for _, b := range btns {
		if b.Data == "" || len(b.Data) > 1024 || seen[b.Data] || b.Text == "" || utf8.RuneCountInString(b.Text) > cardButtonRunes {
			return false
		}
		seen[b.Data] = true
	}
	title, sub := cardTexts(text)
	return utf8.RuneCountInString(title) <= cardTitleRunes && utf8.RuneCountInString(sub) <= cardSubRunes
}

// splitText cuts s into pieces of at most max bytes, on rune boundaries,
// preferring the last line break in the second half of a piece. Nothing
// is dropped: the pieces joined are s.
func splitText(s string, max int) []string {
	var out []string
	for len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		if nl := strings.LastIndexByte(s[:cut], '\n'); nl >= max/2 {
			cut = nl + 1
		}
		if cut == 0 { // cannot happen for valid max ≥ 4
			cut = max
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	if s != "" || len(out) == 0 {
		out = append(out, s)
	}
	return out
}

type cardRequest struct {
	*message.SendRequestCommon
	TemplateCard templateCard `json:"template_card"`
}

type templateCard struct {
	CardType     string       `json:"card_type"`
	MainTitle    *cardTitle   `json:"main_title,omitempty"`
	SubTitleText string       `json:"sub_title_text,omitempty"`
	TaskID       string       `json:"task_id"`
	ButtonList   []cardButton `json:"button_list"`
}

type cardTitle struct {
	Title string `json:"title"`
}

type cardButton struct {
	Text  string `json:"text"`
	Style int    `json:"style,omitempty"`
	Key   string `json:"key"`
}

// buildCard is the button_interaction template card of a wire (each
// button's key is the Button's Data; a press comes back as a
// template_card_event) and the card's labels by key, remembered to grey
// the card out when it is pressed.
func buildCard(w wire, taskID string) (templateCard, map[string]string) {
	title, sub := cardTexts(w.text)
	if title == "" && sub == "" {
		title = hints(langFor(w.lang, "", w.buttons)).choose
	}
	card := templateCard{CardType: "button_interaction", SubTitleText: sub, TaskID: taskID}
	if title != "" {
		card.MainTitle = &cardTitle{Title: title}
	}
	labels := map[string]string{}
	for i, b := range w.buttons {
		style := 2
		if i == 0 {
			style = 1
		}
		card.ButtonList = append(card.ButtonList, cardButton{Text: b.Text, Style: style, Key: b.Data})
		labels[b.Data] = b.Text
	}
	return card, labels
}

// pressedLabel is what a pressed card's button becomes ("已选择：保存"), or
// "done" when the pressed label is not known.
func pressedLabel(label, lang string) string {
	h := hints(langFor(lang, label, nil))
	if label == "" {
		return h.done
	}
	return h.chosen + label
}
