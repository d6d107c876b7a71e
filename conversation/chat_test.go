package conversation_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
)

// chat is one person talking to the engine the way bot does: a command
// starts its form (replacing one in progress), /cancel and /back steer,
// anything else continues the form; a button press is its data.
type chat struct {
	t      *testing.T
	crm    *fakeCRM
	states *fakeStates
	eng    *conversation.Engine
	env    *conversation.Env
	seeds  map[string]map[string]string // what bot starts report and comment with
	// prompts holds the buttons of every reply that had some, oldest
	// first: the last are the live ones.
	prompts [][]crm.Button
	last    []crm.Message // the replies to the last turn
	run     string        // the command line of a follow-up button pressed
	err     error         // what the last turn returned
}

func newChat(t *testing.T, as int64) *chat {
	f := newFakeCRM()
	st := newFakeStates()
	u := f.user(as)
	return &chat{t: t, crm: f, states: st, eng: conversation.NewEngine(st),
		env: &conversation.Env{Sales: f, Viewer: f.viewer(as), Lang: conversation.LangZH, Now: testNow,
			Channel: "telegram", ChatID: u.Name, UserKey: u.Name, StaleDays: 14}}
}

// zh is a catalogue text in Chinese.
func zh(key string, args ...any) string { return conversation.T(conversation.LangZH, key, args...) }

// says sends a text message, as bot routes it.
func (c *chat) says(text string) string {
	c.t.Helper()
	ctx := context.Background()
	c.run = ""
	var out []crm.Message
	var err error
	if name, args, ok := command(text); ok {
		switch {
		case name == "cancel":
			out, err = c.eng.Cancel(ctx, c.env)
		case name == "back":
			out, err = c.eng.Back(ctx, c.env)
		case c.seeds[name] != nil:
			out, err = c.eng.StartWith(ctx, c.env, name, args, c.seeds[name])
		case name == "target": // "/target set"
			out, err = c.eng.Start(ctx, c.env, name, "")
		case c.eng.HasFlow(name):
			out, err = c.eng.Start(ctx, c.env, name, args)
		default:
			c.t.Fatalf("no command %s", text)
		}
		return c.replied(out, err)
	}
	out, c.run, _, err = c.eng.Continue(ctx, c.env, text, "")
	return c.replied(out, err)
}

func command(text string) (name, args string, ok bool) {
	if !strings.HasPrefix(text, "/") {
		return "", "", false
	}
	name, args, _ = strings.Cut(text[1:], " ")
	return name, strings.TrimSpace(args), true
}

// presses presses the live button whose label contains label.
func (c *chat) presses(label string) string {
	c.t.Helper()
	for _, b := range c.live() {
		if strings.Contains(b.Text, label) {
			return c.pressData(b.Data)
		}
	}
	c.t.Fatalf("no button %q among %v", label, labels(c.live()))
	return ""
}

// pressesStale presses a button of an earlier prompt (a made-up one when
// no earlier prompt had buttons).
func (c *chat) pressesStale() string {
	c.t.Helper()
	data := "0.0"
	for i := len(c.prompts) - 2; i >= 0; i-- {
		if len(c.prompts[i]) > 0 {
			data = c.prompts[i][0].Data
			break
		}
	}
	return c.pressData(data)
}

func (c *chat) pressData(data string) string {
	c.t.Helper()
	var out []crm.Message
	var err error
	out, c.run, _, err = c.eng.Continue(context.Background(), c.env, "", data)
	return c.replied(out, err)
}

// replied keeps the buttons shown and returns the texts said; an error is
// said the way bot's OnError says it.
func (c *chat) replied(out []crm.Message, err error) string {
	c.last, c.err = out, err
	var texts []string
	var buttons []crm.Button
	for _, m := range out {
		if m.Text != "" {
			texts = append(texts, m.Text)
		}
		for _, row := range m.Buttons {
			buttons = append(buttons, row...)
		}
	}
	if len(buttons) > 0 {
		c.prompts = append(c.prompts, buttons)
	} else if len(out) > 0 {
		c.prompts = append(c.prompts, nil)
	}
	if err != nil {
		if de, ok := crm.AsError(err); ok && de.Code != crm.CodeUnavailable {
			texts = append(texts, conversation.T(c.env.Lang, de.Key, de.Args...))
		} else {
			texts = append(texts, "internal error: "+err.Error())
		}
	}
	return strings.Join(texts, "\n")
}

func (c *chat) live() []crm.Button {
	if len(c.prompts) == 0 {
		return nil
	}
	return c.prompts[len(c.prompts)-1]
}

// lastText is the text of the last message of the last replies: the
// prompt when the form goes on.
func (c *chat) lastText() string {
	if len(c.last) == 0 {
		return ""
	}
	return c.last[len(c.last)-1].Text
}

// form is the stored form: its flow and step ("" when no form is in
// progress), its fields and trail.
func (c *chat) form() (step string, s *conversation.Session) {
	c.t.Helper()
	s, err := c.eng.Active(context.Background(), c.env)
	if err != nil {
		c.t.Fatal(err)
	}
	if !s.InForm() {
		return "", s
	}
	return s.Step, s
}

func labels(bs []crm.Button) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Text)
	}
	return out
}

// turn is one message of a person and what must follow.
type turn struct {
	say   string   // a text (a command when it starts with "/") ...
	press string   // ... or the label of a live button ...
	stale bool     // ... or a button of an earlier prompt
	want  []string // in the texts said, or "[label]" of a button shown
	not   []string
	// at is the step the form is at afterwards; "" when it has ended.
	at string
	// refused: a bad answer — the stored form's step, fields and trail
	// stay exactly as they were.
	refused bool
	// saved: the turn saved what the form asked so far, and the form goes
	// on; /back cannot return before it.
	saved bool
	// calls, when set, are exactly the use cases called in this turn.
	calls []string
	run   string // the follow-up command line a pressed button gives
	// before changes the CRM before the turn (someone else's act).
	before func(*fakeCRM)
}

func (tu turn) String() string {
	switch {
	case tu.press != "":
		return "[" + tu.press + "]"
	case tu.stale:
		return "[stale button]"
	}
	return fmt.Sprintf("%q", tu.say)
}

// flowCase is a conversation with a form: what the person says, what they
// are told, and the only changes made to the CRM.
type flowCase struct {
	name  string
	as    int64
	lang  string // zh when ""
	setup func(*fakeCRM)
	seeds map[string]map[string]string
	turns []turn
	// writes are exactly the changes asked of the CRM, in order.
	writes []write
}

// trace is what a case left after each turn: the prompt (last text) and
// how many changes had been made.
type trace struct {
	prompts []string
	writes  []int
}

func (fc flowCase) run(t *testing.T) trace {
	t.Helper()
	c := newChat(t, fc.as)
	c.seeds = fc.seeds
	if fc.lang != "" {
		c.env.Lang = fc.lang
	}
	if fc.setup != nil {
		fc.setup(c.crm)
	}
	var tr trace
	for i, tu := range fc.turns {
		c.do(i, tu)
		tr.prompts = append(tr.prompts, c.lastText())
		tr.writes = append(tr.writes, len(c.crm.writes))
	}
	if !reflect.DeepEqual(nonNil(c.crm.writes), nonNil(fc.writes)) {
		t.Errorf("writes:\n got %s\nwant %s", show(c.crm.writes), show(fc.writes))
	}
	return tr
}

func (c *chat) do(i int, tu turn) {
	t := c.t
	t.Helper()
	if tu.before != nil {
		tu.before(c.crm)
	}
	_, before := c.form()
	calls := len(c.crm.calls)
	var got string
	switch {
	case tu.press != "":
		got = c.presses(tu.press)
	case tu.stale:
		got = c.pressesStale()
	default:
		got = c.says(tu.say)
	}
	for _, m := range c.last { // buttons read "[label]"
		for _, row := range m.Buttons {
			for _, b := range row {
				got += " [" + b.Text + "]"
			}
		}
	}
	for _, w := range tu.want {
		if !strings.Contains(got, w) {
			t.Fatalf("turn %d %v: reply\n%s\ndoes not contain\n%s", i, tu, got, w)
		}
	}
	for _, w := range tu.not {
		if strings.Contains(got, w) {
			t.Fatalf("turn %d %v: reply\n%s\nshould not contain\n%s", i, tu, got, w)
		}
	}
	if c.err != nil && crm.ErrorCode(c.err) == "" {
		t.Fatalf("turn %d %v: internal error %v", i, tu, c.err)
	}
	at, after := c.form()
	if at != tu.at {
		t.Fatalf("turn %d %v: at step %q, want %q (reply %q)", i, tu, at, tu.at, got)
	}
	if tu.refused && (before == nil || after == nil || before.Step != after.Step ||
		!reflect.DeepEqual(nonNil(before.Data), nonNil(after.Data)) || !reflect.DeepEqual(nonNil(before.Trail), nonNil(after.Trail))) {
		t.Fatalf("turn %d %v: a refused answer changed the form:\n before %+v\n after  %+v", i, tu, before, after)
	}
	if tu.calls != nil && !reflect.DeepEqual(nonNil(c.crm.calls[calls:]), nonNil(tu.calls)) {
		t.Fatalf("turn %d %v: use cases called %v, want %v", i, tu, c.crm.calls[calls:], tu.calls)
	}
	if c.run != tu.run {
		t.Fatalf("turn %d %v: follow-up %q, want %q", i, tu, c.run, tu.run)
	}
}

// nonNil makes empty slices and maps of any kind compare equal to nil.
func nonNil(v any) any {
	r := reflect.ValueOf(v)
	if (r.Kind() == reflect.Slice || r.Kind() == reflect.Map) && r.Len() == 0 {
		return nil
	}
	return v
}

func show(ws []write) string {
	var b strings.Builder
	for _, w := range ws {
		fmt.Fprintf(&b, "\n  %s %+v", w.Method, w.Arg)
	}
	return b.String()
}

// runFlow runs a flow's cases, and from each of its full conversations
// (those that end the form in the last turn) derives three more at every
// step: /back (the step before, then the same answer again), /cancel
// (nothing more is written) and a button of an earlier prompt (refused,
// the step asked again).
func runFlow(t *testing.T, full []flowCase, other ...flowCase) {
	for _, fc := range full {
		var tr trace
		if !t.Run(fc.name, func(t *testing.T) { tr = fc.run(t) }) || len(tr.prompts) == 0 { // failed, or not run (-run)
			continue
		}
		for _, d := range derive(fc, tr) {
			t.Run(d.name, func(t *testing.T) { d.run(t) })
		}
	}
	for _, fc := range other {
		t.Run(fc.name, func(t *testing.T) { fc.run(t) })
	}
}

// derive builds the /back, /cancel and stale-button cases of a full
// conversation from its trace.
func derive(fc flowCase, tr trace) []flowCase {
	lang := fc.lang
	if lang == "" {
		lang = conversation.LangZH
	}
	say := func(key string) string { return conversation.T(lang, key) }
	// Derived turns check steps and texts, not calls.
	copyOf := func(ts []turn) []turn {
		out := append([]turn{}, ts...)
		for i := range out {
			out[i].calls = nil
		}
		return out
	}
	variant := func(name string, turns []turn, writes []write) flowCase {
		d := fc
		d.name, d.turns, d.writes = name, turns, writes
		return d
	}
	var out []flowCase
	for k := 0; k < len(fc.turns)-1; k++ {
		at := fc.turns[k].at
		if at == "" || fc.turns[k].refused {
			continue
		}
		head := copyOf(fc.turns[:k+1])
		// /back, then the same answer again, then on to the end.
		bt := append(head, turn{say: "/back", want: []string{say("flow.at_first_step"), tr.prompts[k]}, at: at})
		if k > 0 && fc.turns[k-1].at != "" && !fc.turns[k].saved {
			bt = append(head, turn{say: "/back", want: []string{tr.prompts[k-1]}, at: fc.turns[k-1].at}, fc.turns[k])
		}
		bt = append(copyOf(bt), copyOf(fc.turns[k+1:])...)
		out = append(out, variant(fmt.Sprintf("%s/back at %s", fc.name, at), bt, fc.writes))
		// /cancel: nothing more is written.
		head = copyOf(fc.turns[:k+1])
		out = append(out, variant(fmt.Sprintf("%s/cancel at %s", fc.name, at),
			append(head, turn{say: "/cancel", want: []string{say("flow.cancelled")}}), fc.writes[:tr.writes[k]]))
		// A button of an earlier prompt: refused, the step asked again.
		head = copyOf(fc.turns[:k+1])
		out = append(out, variant(fmt.Sprintf("%s/stale button at %s", fc.name, at),
			append(head, turn{stale: true, want: []string{say("button.stale"), tr.prompts[k]}, at: at, refused: true}), fc.writes[:tr.writes[k]]))
	}
	return out
}
