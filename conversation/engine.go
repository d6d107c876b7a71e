// Package conversation runs multi-step forms as data: a flow is an ordered
// list of named steps, and a step is two functions of what the form holds
// so far (a Form, read-only): Prompt says what to ask, Parse reads and
// validates the answer and returns a Result — the next step, the fields it
// sets (Result.Set) and what to say. A step changes nothing itself: the
// engine applies the result to a copy of the stored session and stores it
// only when the step succeeded, so an answer that is refused leaves the
// stored form (its step, fields and trail) exactly as it was, and a step
// can be tested by what it returns. The engine does the state's I/O; the
// steps reach the CRM only through Sales, and a flow's last step calls one
// use case (the stage card also reloads its customer, for the deal's owner;
// a target also reads what it needs to warn and offer a split).
//
// A user's place in a form is JSON in the database, keyed by (channel,
// chat, user), so a form survives a restart and works with several
// instances. The package also holds the flows themselves and the catalogue
// of everything salesbot says.
package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/sentence"
	"github.com/salesbot-crm/salesbot/sales"
)

// StateTTL is how long an untouched form is kept.
const StateTTL = 24 * time.Hour

// Sales is what the forms do with the CRM's data: the use cases of package
// sales that the flows call (*sales.Service is one). Flows are tested with
// a fake of it, without a database.
type Sales interface {
	AddAppointment(ctx context.Context, actor crm.Viewer, a crm.Appointment) (crm.Appointment, error)
	CheckIn(ctx context.Context, actor crm.Viewer, customerID int64, loc crm.Location, place string, at time.Time) (sales.CheckedIn, error)
	NearbyCustomers(ctx context.Context, actor crm.Viewer, loc crm.Location, limit int) ([]sales.Nearby, error)
	AddComplaint(ctx context.Context, actor crm.Viewer, k crm.Complaint) (crm.Complaint, error)
	AddContact(ctx context.Context, actor crm.Viewer, ct crm.Contact) (crm.Contact, error)
	ClosestCustomers(ctx context.Context, actor crm.Viewer, text string, reach sales.Reach, limit int) ([]crm.Customer, error)
	Attachments(ctx context.Context, actor crm.Viewer, customerID int64, limit int) ([]crm.Attachment, error)
	FileTo(ctx context.Context, actor crm.Viewer, id, customerID int64) (crm.Attachment, error)
	AddCustomer(ctx context.Context, actor crm.Viewer, c crm.Customer, at time.Time) (crm.Customer, *sales.Taken, error)
	AddPayment(ctx context.Context, actor crm.Viewer, p crm.Payment) (crm.Payment, error)
	AddPaymentPlan(ctx context.Context, actor crm.Viewer, p crm.PaymentPlan) (crm.PaymentPlan, error)
	ClaimName(ctx context.Context, actor crm.Viewer, raw string, at time.Time) (sales.NameCheck, *sales.Taken, error)
	ClaimSimilar(ctx context.Context, actor crm.Viewer, raw string, id int64, at time.Time) (*sales.Taken, error)
	CloseComplaint(ctx context.Context, actor crm.Viewer, id int64, resolution string, at time.Time) (crm.Complaint, error)
	CommentReport(ctx context.Context, actor crm.Viewer, id int64, comment string, at time.Time) (crm.Report, crm.User, error)
	Complaint(ctx context.Context, actor crm.Viewer, id int64) (sales.OpenComplaint, error)
	CountOwned(ctx context.Context, actor crm.Viewer, userID int64) (int, error)
	CustomerFor(ctx context.Context, actor crm.Viewer, id int64, reach sales.Reach) (crm.Customer, error)
	Deal(ctx context.Context, actor crm.Viewer, id int64) (crm.Deal, error)
	Deals(ctx context.Context, actor crm.Viewer, customerID int64) ([]crm.Deal, error)
	PickCustomer(ctx context.Context, actor crm.Viewer, text string, reach sales.Reach, limit int) ([]crm.Customer, bool, error)
	ReadSentence(ctx context.Context, actor crm.Viewer, text string, intent sentence.Intent, now time.Time, limit int) (sales.Proposal, error)
	FindOwned(ctx context.Context, actor crm.Viewer, ownerID int64, text string, limit int) ([]crm.Customer, error)
	Handover(ctx context.Context, actor crm.Viewer, from, to int64, ids []int64, at time.Time) (crm.HandoverResult, crm.User, crm.User, error)
	HandoverCandidates(ctx context.Context, actor crm.Viewer, except int64, withCustomers bool) ([]crm.User, error)
	HandoverUser(ctx context.Context, actor crm.Viewer, name string, except int64, to bool) (crm.User, error)
	LogActivity(ctx context.Context, actor crm.Viewer, a crm.Activity) (crm.Activity, error)
	OpenComplaints(ctx context.Context, actor crm.Viewer, limit int) ([]sales.OpenComplaint, error)
	PaymentPlans(ctx context.Context, actor crm.Viewer, customerID int64) ([]crm.PaymentPlan, error)
	RecentCustomers(ctx context.Context, actor crm.Viewer, limit int) ([]crm.Customer, error)
	SaveDeal(ctx context.Context, actor crm.Viewer, d crm.Deal) (crm.Deal, error)
	SaveReport(ctx context.Context, actor crm.Viewer, r crm.Report) (crm.Report, error)
	SetTarget(ctx context.Context, actor crm.Viewer, t crm.Target) (crm.Target, error)
	SimilarCustomer(ctx context.Context, id int64) (crm.Customer, error)
	TargetChildren(ctx context.Context, actor crm.Viewer, kind crm.UnitKind, id int64) ([]sales.TargetUnit, error)
	TargetMismatches(ctx context.Context, actor crm.Viewer, t crm.Target) ([]sales.TargetSum, error)
	TargetUnits(ctx context.Context, actor crm.Viewer, set bool) ([]sales.TargetUnit, error)
	UnitActual(ctx context.Context, actor crm.Viewer, m crm.Metric, kind crm.UnitKind, id int64, from, to time.Time) (int64, error)
	Targets(ctx context.Context, period crm.PeriodKind, start crm.Date) ([]crm.Target, error)
	User(ctx context.Context, id int64) (crm.User, error)
}

// Env is who is talking and where.
type Env struct {
	Sales     Sales
	Viewer    crm.Viewer
	Lang      string
	Now       time.Time // in the configured time zone
	Channel   string
	ChatID    string
	UserKey   string
	StaleDays int
}

// T formats a catalogue entry in the user's language.
func (e *Env) T(key string, args ...any) string { return T(e.Lang, key, args...) }

// Choice is one option of a prompt: a button, or a numbered line.
type Choice struct {
	Label string `json:"l"`
	Value string `json:"v"`
}

// Prompt is what a step asks.
type Prompt struct {
	Text    string
	Choices []Choice
	Columns int // buttons per row (default 3)
	// AskLocation: the step wants a location; the channel offers a button
	// that sends it where it has one.
	AskLocation bool
}

// Input is the answer to a prompt.
type Input struct {
	Text   string  // trimmed text ("" for a button press)
	Choice *Choice // the choice pressed or typed, if any
	Skip   bool    // "-", 跳过, skip on an optional step
	// Location is a location the person sent (Telegram location or venue,
	// WeCom location message), with the place's name if it had one; only
	// a step that asks for a location (Prompt.AskLocation) is given one.
	Location *crm.Location
	Place    string
}

// Value returns the chosen value or the text.
func (in Input) Value() string {
	if in.Choice != nil {
		return in.Choice.Value
	}
	return in.Text
}

// Result is what a step's Parse (or a flow's Begin) decides. The engine
// applies it: it stores the fields of Set, goes to Next and says Say.
type Result struct {
	Next string // the next step; "" for the next in order
	Done bool   // the form is finished
	// Set are the fields the step sets; "" removes one.
	Set Fields
	Say []crm.Message // said before the next prompt (or as the end)
	// Menu offers follow-up actions after the form ends; each value is a
	// command line run when its button is pressed.
	Menu []Choice
	// Saved says the step called the form's use case and the form goes on
	// with what follows from it (splitting a target just set): /back
	// cannot return to what is saved.
	Saved bool
	// Start ends this form and starts another with what it knows (a shared
	// card of a company that is no customer yet starts /new with it).
	Start *Waiting
}

// Fields are a form's answers by name.
type Fields map[string]string

// with returns r also setting the fields of set that r does not set
// itself (what an earlier part of the same step found).
func (r Result) with(set Fields) Result {
	if len(set) == 0 {
		return r
	}
	m := maps.Clone(set)
	maps.Copy(m, r.Set)
	r.Set = m
	return r
}

// Step is one question of a flow. Prompt and Parse read the form; they
// change it only through the Result that Parse returns.
type Step struct {
	Name     string
	Optional bool // accepts "-" / 跳过 / skip
	// Location: the step reads a location the person sends (Input.Location).
	Location bool
	Prompt   func(ctx context.Context, env *Env, f Form) (Prompt, error)
	Parse    func(ctx context.Context, env *Env, f Form, in Input) (Result, error)
}

// Flow is a form: an ordered list of steps.
type Flow struct {
	Name  string
	Steps []*Step
	// Begin reads the command's arguments (the form holds only the fields
	// it was started with) and returns the first step ("" for the first in
	// order) and the fields the arguments answer, or ends the flow at once
	// with Done (e.g. when the argument already answers everything).
	Begin func(ctx context.Context, env *Env, f Form, args string) (Result, error)
	// Fill, in a form seeded from a sentence (propose.go), says where to
	// go instead of next: the first required field still missing, or the
	// card. Not called from or to the edit step.
	Fill func(ctx context.Context, env *Env, f Form, next string) (string, error)
}

// fill applies the flow's Fill to a form seeded from a sentence.
func (f *Flow) fill(ctx context.Context, env *Env, s *Session, next string) (string, error) {
	if f.Fill == nil || s.Data[keyProposal] == "" || s.Step == "edit" || next == "edit" {
		return next, nil
	}
	return f.Fill(ctx, env, s.form(), next)
}

func (f *Flow) step(name string) (*Step, int) {
	for i, st := range f.Steps {
		if st.Name == name {
			return st, i
		}
	}
	return nil, -1
}

// Session is the stored state of one user's form.
type Session struct {
	Flow    string            `json:"flow"`
	Step    string            `json:"step"`
	Data    map[string]string `json:"data"`
	Trail   []string          `json:"trail,omitempty"` // steps answered, for /back
	Seq     int               `json:"seq"`             // numbers the prompts: old buttons are refused
	Choices []Choice          `json:"choices,omitempty"`
	// Waiting is a command that would start another form while this one
	// holds answers: the user is asked to go on with this one or start it.
	Waiting *Waiting `json:"waiting,omitempty"`
	// Typed, on a menu, is the command line a typed answer completes (a
	// release reason typed instead of pressed).
	Typed string `json:"typed,omitempty"`
}

// Waiting is a form start held back until the user says what to do with
// the form in progress.
type Waiting struct {
	Flow string            `json:"flow"`
	Args string            `json:"args,omitempty"`
	Seed map[string]string `json:"seed,omitempty"`
}

// Answers to "继续刚才的 / 重新开始".
const (
	valResume  = "resume"
	valRestart = "restart"
)

// form is what the session's steps read: a copy, so that nothing a step
// does reaches the stored session but its Result.
func (s *Session) form() Form { return Form{flow: s.Flow, data: maps.Clone(s.Data)} }

// with returns a copy of the session with the fields of set applied: the
// session as it will be stored if the step goes on.
func (s *Session) with(set Fields) *Session {
	c := *s
	c.Data = maps.Clone(s.Data)
	if c.Data == nil {
		c.Data = map[string]string{}
	}
	for k, v := range set {
		if v == "" {
			delete(c.Data, k)
		} else {
			c.Data[k] = v
		}
	}
	c.Trail = append([]string(nil), s.Trail...)
	return &c
}

// Form is a read-only view of a session's fields: what steps read.
type Form struct {
	flow string
	data map[string]string
}

// Flow is the name of the form's flow.
func (f Form) Flow() string { return f.flow }

// Get returns a field ("" if absent).
func (f Form) Get(k string) string { return f.data[k] }

// Int returns an integer field (0 if absent).
func (f Form) Int(k string) int64 {
	n, _ := strconv.ParseInt(f.data[k], 10, 64)
	return n
}

// With returns the form as it would be with the fields of set applied, for
// a step that goes on deciding with what it has just found.
func (f Form) With(set Fields) Form {
	s := &Session{Flow: f.flow, Data: f.data}
	return s.with(set).form()
}

// itoa writes an integer field.
func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// Engine runs flows over stored state.
type Engine struct {
	store crm.StateStore
	flows map[string]*Flow
}

// NewEngine returns an engine with every flow of the product registered.
func NewEngine(store crm.StateStore) *Engine {
	e := &Engine{store: store, flows: map[string]*Flow{}}
	for _, f := range allFlows() {
		e.flows[f.Name] = f
	}
	return e
}

// Register adds a flow (tests use it for small flows of their own).
func (e *Engine) Register(f *Flow) { e.flows[f.Name] = f }

// menuFlow is the state kept after a form ends while its follow-up buttons
// are live.
const menuFlow = "_menu"

// Active returns the user's unexpired session, if any.
func (e *Engine) Active(ctx context.Context, env *Env) (*Session, error) {
	st, err := e.store.State(ctx, env.Channel, env.ChatID, env.UserKey, env.Now)
	if errors.Is(err, crm.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s Session
	if err := json.Unmarshal([]byte(st.Data), &s); err != nil {
		// A state we cannot read is dropped, not fatal.
		_ = e.store.DeleteState(ctx, env.Channel, env.ChatID, env.UserKey)
		return nil, nil
	}
	return &s, nil
}

// InForm reports whether the session is a form in progress (not just a menu).
func (s *Session) InForm() bool { return s != nil && s.Flow != menuFlow }

func (e *Engine) save(ctx context.Context, env *Env, s *Session) error {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("conversation: encode state: %w", err)
	}
	return e.store.PutState(ctx, crm.ConversationState{Channel: env.Channel, ChatID: env.ChatID, UserKey: env.UserKey,
		Flow: s.Flow, Step: s.Step, Data: string(b), ExpiresAt: env.Now.Add(StateTTL)})
}

func (e *Engine) clear(ctx context.Context, env *Env) error {
	return e.store.DeleteState(ctx, env.Channel, env.ChatID, env.UserKey)
}

// HasFlow reports whether a flow of that name exists.
func (e *Engine) HasFlow(name string) bool { _, ok := e.flows[name]; return ok }

// Start begins a flow, replacing any form in progress.
func (e *Engine) Start(ctx context.Context, env *Env, flow, args string) ([]crm.Message, error) {
	return e.StartWith(ctx, env, flow, args, nil)
}

// StartWith begins a flow with fields already known (e.g. a report's
// computed part), replacing any form in progress.
func (e *Engine) StartWith(ctx context.Context, env *Env, flow, args string, seed map[string]string) ([]crm.Message, error) {
	f, ok := e.flows[flow]
	if !ok {
		return nil, fmt.Errorf("conversation: no flow %q", flow)
	}
	prev, err := e.Active(ctx, env)
	if err != nil {
		return nil, err
	}
	if prev.InForm() && len(prev.Trail) > 0 {
		// A form with answers is never dropped without a word: ask.
		return e.askResume(ctx, env, prev, Waiting{Flow: flow, Args: args, Seed: seed})
	}
	return e.begin(ctx, env, f, args, seed, prev.InForm() && prev.Flow != flow)
}

// begin starts flow f; replaced says a form without answers was dropped.
func (e *Engine) begin(ctx context.Context, env *Env, f *Flow, args string, seed map[string]string, replaced bool) ([]crm.Message, error) {
	s := (&Session{Flow: f.Name}).with(seed)
	var out []crm.Message
	if replaced {
		out = append(out, crm.Message{Text: env.T("flow.replaced")})
	}
	res := Result{}
	if f.Begin != nil {
		var err error
		res, err = f.Begin(ctx, env, s.form(), args)
		if err != nil {
			return out, err
		}
		s = s.with(res.Set)
	}
	out = append(out, res.Say...)
	if res.Done {
		return append(out, e.finish(ctx, env, s, res)...), nil
	}
	next := res.Next
	if next == "" {
		next = f.Steps[0].Name
	}
	next, err := f.fill(ctx, env, s, next)
	if err != nil {
		return out, err
	}
	return e.goTo(ctx, env, f, s, next, out)
}

// askResume keeps the form in progress and asks whether to go on with it
// or start what w starts.
func (e *Engine) askResume(ctx context.Context, env *Env, s *Session, w Waiting) ([]crm.Message, error) {
	what := env.T("form." + s.Flow)
	if name := s.Data[keyCustomerName]; name != "" {
		what = Labelled(env.Lang, what, ShortName(name))
	}
	s.Waiting = &w
	s.Seq++
	s.Choices = []Choice{{env.T("btn.resume"), valResume}, {env.T("btn.restart"), valRestart}}
	if err := e.save(ctx, env, s); err != nil {
		return nil, err
	}
	return []crm.Message{{Text: env.T("flow.unsaved", what), Buttons: e.buttons(s, s.Choices, 2)}}, nil
}

// resumeAnswer answers "继续刚才的 / 重新开始": resume asks the form's step
// again, restart starts the command that was held back; anything else
// asks again.
func (e *Engine) resumeAnswer(ctx context.Context, env *Env, f *Flow, s *Session, c *Choice) ([]crm.Message, error) {
	w := *s.Waiting
	switch {
	case c != nil && c.Value == valResume:
		s.Waiting = nil
		return e.goTo(ctx, env, f, s, s.Step, nil)
	case c != nil && c.Value == valRestart:
		return e.switchTo(ctx, env, w)
	}
	return e.askResume(ctx, env, s, w)
}

// switchTo drops the form in progress and starts the one w names.
func (e *Engine) switchTo(ctx context.Context, env *Env, w Waiting) ([]crm.Message, error) {
	nf, ok := e.flows[w.Flow]
	if !ok {
		return nil, fmt.Errorf("conversation: no flow %q", w.Flow)
	}
	if err := e.clear(ctx, env); err != nil {
		return nil, err
	}
	return e.begin(ctx, env, nf, w.Args, w.Seed, false)
}

// goTo prompts step name and stores the session (the engine's own copy:
// only its step, the prompt's number and choices change here).
func (e *Engine) goTo(ctx context.Context, env *Env, f *Flow, s *Session, name string, out []crm.Message) ([]crm.Message, error) {
	st, _ := f.step(name)
	if st == nil {
		return out, fmt.Errorf("conversation: flow %s has no step %q", f.Name, name)
	}
	s.Step = name
	m, err := e.prompt(ctx, env, f, s, st)
	if err != nil {
		return out, err
	}
	if err := e.save(ctx, env, s); err != nil {
		return out, err
	}
	return append(out, m), nil
}

func (e *Engine) prompt(ctx context.Context, env *Env, f *Flow, s *Session, st *Step) (crm.Message, error) {
	p, err := st.Prompt(ctx, env, s.form())
	if err != nil {
		return crm.Message{}, err
	}
	s.Seq++
	s.Choices = p.Choices
	m := crm.Message{Text: p.Text, Buttons: e.buttons(s, p.Choices, p.Columns)}
	if p.AskLocation {
		m.LocationButton = env.T("btn.send_location")
	}
	if st.Optional && !hasSkip(p.Choices) && !strings.Contains(p.Text, "-") {
		m.Text += env.T("prompt.optional_hint")
	}
	return m, nil
}

func hasSkip(cs []Choice) bool {
	for _, c := range cs {
		if c.Value == SkipValue {
			return true
		}
	}
	return false
}

// SkipValue is the value of a "skip" choice.
const SkipValue = "-"

// buttons lays choices out in rows; each button's data is "<seq>.<index>",
// an opaque token checked against the stored session.
func (e *Engine) buttons(s *Session, cs []Choice, cols int) [][]crm.Button {
	if len(cs) == 0 {
		return nil
	}
	if cols <= 0 {
		cols = 3
	}
	var rows [][]crm.Button
	for i, c := range cs {
		if i%cols == 0 {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], crm.Button{Text: c.Label, Data: fmt.Sprintf("%d.%d", s.Seq, i)})
	}
	return rows
}

// pressed resolves a button's data against the session: the choice, or
// false for a button of an older message.
func pressed(s *Session, data string) (*Choice, bool) {
	seq, idx, ok := strings.Cut(data, ".")
	if !ok {
		return nil, false
	}
	n, err1 := strconv.Atoi(seq)
	i, err2 := strconv.Atoi(idx)
	if err1 != nil || err2 != nil || n != s.Seq || i < 0 || i >= len(s.Choices) {
		return nil, false
	}
	c := s.Choices[i]
	return &c, true
}

// Words that steer a form from any step.
func isCancel(t string) bool { return matchWord(t, "/cancel", "取消", "cancel") }
func isBack(t string) bool   { return matchWord(t, "/back", "返回", "back", "上一步") }
func isSkip(t string) bool {
	return matchWord(t, "-", "—", "－", "跳过", "skip", "/skip", "无", "没有", "none")
}

func matchWord(t string, words ...string) bool {
	t = strings.ToLower(strings.TrimSpace(t))
	for _, w := range words {
		if t == w {
			return true
		}
	}
	return false
}

// Cancel ends the form in progress.
func (e *Engine) Cancel(ctx context.Context, env *Env) ([]crm.Message, error) {
	s, err := e.Active(ctx, env)
	if err != nil {
		return nil, err
	}
	if err := e.clear(ctx, env); err != nil {
		return nil, err
	}
	if !s.InForm() {
		return []crm.Message{{Text: env.T("flow.nothing_to_cancel")}}, nil
	}
	return []crm.Message{{Text: env.T("flow.cancelled")}}, nil
}

// Back returns to the previous step of the form in progress.
func (e *Engine) Back(ctx context.Context, env *Env) ([]crm.Message, error) {
	s, err := e.Active(ctx, env)
	if err != nil {
		return nil, err
	}
	if !s.InForm() {
		return []crm.Message{{Text: env.T("flow.nothing_to_cancel")}}, nil
	}
	f := e.flows[s.Flow]
	if f == nil {
		return nil, e.clear(ctx, env)
	}
	if len(s.Trail) == 0 {
		return e.goTo(ctx, env, f, s, s.Step, []crm.Message{{Text: env.T("flow.at_first_step")}})
	}
	prev := s.Trail[len(s.Trail)-1]
	s.Trail = s.Trail[:len(s.Trail)-1]
	return e.goTo(ctx, env, f, s, prev, nil)
}

// Continue feeds a message or a button press to the form in progress. It
// returns handled=false when there is no form (the caller routes the
// message elsewhere). A menu button returns its command line in run.
func (e *Engine) Continue(ctx context.Context, env *Env, text, button string) (out []crm.Message, run string, handled bool, err error) {
	s, err := e.Active(ctx, env)
	if err != nil || s == nil {
		return nil, "", false, err
	}
	if s.Flow == menuFlow {
		if t := strings.TrimSpace(text); button == "" && s.Typed != "" && t != "" && !strings.HasPrefix(t, "/") {
			if err := e.clear(ctx, env); err != nil {
				return nil, "", true, err
			}
			return nil, s.Typed + " " + t, true, nil
		}
		if button == "" {
			return nil, "", false, nil
		}
		if c, ok := pressed(s, button); ok {
			return nil, c.Value, true, nil
		}
		return []crm.Message{{Text: env.T("button.stale")}}, "", true, nil
	}
	// A form of a flow or step that no longer exists (an older version
	// stored it) is dropped.
	f := e.flows[s.Flow]
	if f == nil {
		return nil, "", false, e.clear(ctx, env)
	}
	st, _ := f.step(s.Step)
	if st == nil {
		return nil, "", false, e.clear(ctx, env)
	}
	text = strings.TrimSpace(text)
	if s.Waiting != nil && isBack(text) { // back into the form: the held command is dropped
		s.Waiting = nil
		if err := e.save(ctx, env, s); err != nil {
			return nil, "", true, err
		}
	}
	if s.Waiting != nil && !isCancel(text) {
		var c *Choice
		if button != "" {
			var ok bool
			if c, ok = pressed(s, button); !ok {
				out = append(out, crm.Message{Text: env.T("button.stale")})
			}
		} else {
			c = matchChoice(s.Choices, text)
		}
		out2, err := e.resumeAnswer(ctx, env, f, s, c)
		return append(out, out2...), "", true, err
	}
	var in Input
	switch {
	case button != "":
		c, ok := pressed(s, button)
		if !ok {
			out = append(out, crm.Message{Text: env.T("button.stale")})
			out, err = e.goTo(ctx, env, f, s, s.Step, out)
			return out, "", true, err
		}
		in.Choice = c
		in.Skip = c.Value == SkipValue
	case isCancel(text):
		out, err = e.Cancel(ctx, env)
		return out, "", true, err
	case isBack(text):
		out, err = e.Back(ctx, env)
		return out, "", true, err
	case text == "":
		out, err = e.goTo(ctx, env, f, s, s.Step, []crm.Message{{Text: env.T("input.empty")}})
		return out, "", true, err
	case utf8.RuneCountInString(text) > maxInput:
		out, err = e.goTo(ctx, env, f, s, s.Step, []crm.Message{{Text: env.T("text.too_long")}})
		return out, "", true, err
	default:
		in.Text = text
		in.Choice = matchChoice(s.Choices, text)
		if isSkip(text) {
			if !st.Optional && !hasSkip(s.Choices) {
				out, err = e.goTo(ctx, env, f, s, s.Step, []crm.Message{{Text: env.T("input.required")}})
				return out, "", true, err
			}
			in.Skip = true
		}
	}
	more, err := e.answer(ctx, env, f, s, st, in)
	return append(out, more...), "", true, err
}

// answer gives the step its input and applies what it decides: a refused
// answer says why and asks the same step again with the stored form as it
// was; otherwise the fields are set and the form goes on or ends.
func (e *Engine) answer(ctx context.Context, env *Env, f *Flow, s *Session, st *Step, in Input) (out []crm.Message, err error) {
	res, err := st.Parse(ctx, env, s.form(), in)
	if err != nil {
		if de, ok := crm.AsError(err); ok && (de.Code == crm.CodeInvalid || de.Code == crm.CodeNotFound) {
			// Bad answer: say what was wrong and ask the same step again;
			// the stored form stays as it was.
			msg := crm.Message{Text: T(env.Lang, de.Key, de.Args...)}
			out, err = e.goTo(ctx, env, f, s, s.Step, []crm.Message{msg})
			return out, err
		}
		return nil, err
	}
	s = s.with(res.Set)
	out = append(out, res.Say...)
	if res.Start != nil {
		more, err := e.switchTo(ctx, env, *res.Start)
		return append(out, more...), err
	}
	if res.Done {
		return append(out, e.finish(ctx, env, s, res)...), nil
	}
	next := res.Next
	if next == "" {
		_, i := f.step(s.Step)
		if i+1 >= len(f.Steps) {
			return append(out, e.finish(ctx, env, s, res)...), nil
		}
		next = f.Steps[i+1].Name
	}
	if next, err = f.fill(ctx, env, s, next); err != nil {
		return nil, err
	}
	switch {
	case res.Saved:
		s.Trail = nil
	case next != s.Step:
		s.Trail = append(s.Trail, s.Step)
	}
	out, err = e.goTo(ctx, env, f, s, next, out)
	return out, err
}

// maxInput bounds any one answer; longer text is refused, not cut.
const maxInput = crm.MaxNoteRunes

// finish ends a form; with a menu it keeps the follow-up buttons live.
func (e *Engine) finish(ctx context.Context, env *Env, s *Session, res Result) []crm.Message {
	if len(res.Menu) == 0 {
		_ = e.clear(ctx, env)
		return nil
	}
	m := &Session{Flow: menuFlow, Seq: s.Seq + 1, Choices: res.Menu}
	if err := e.save(ctx, env, m); err != nil {
		return nil
	}
	return []crm.Message{{Buttons: e.buttons(m, res.Menu, 3)}}
}

// Offer shows follow-up buttons after a one-shot command (e.g. the pages of
// a list); their values are command lines.
func (e *Engine) Offer(ctx context.Context, env *Env, text string, menu []Choice) (crm.Message, error) {
	return e.OfferTyped(ctx, env, text, menu, "")
}

// OfferTyped is Offer whose menu also takes a typed answer: typed text
// (not a command) runs the command line typed + " " + the text.
func (e *Engine) OfferTyped(ctx context.Context, env *Env, text string, menu []Choice, typed string) (crm.Message, error) {
	prev, _ := e.Active(ctx, env)
	seq := 1
	if prev != nil {
		seq = prev.Seq + 1
		if prev.InForm() { // do not clobber a form in progress
			return crm.Message{Text: text}, nil
		}
	}
	m := &Session{Flow: menuFlow, Seq: seq, Choices: menu, Typed: typed}
	if err := e.save(ctx, env, m); err != nil {
		return crm.Message{}, err
	}
	return crm.Message{Text: text, Buttons: e.buttons(m, menu, 3)}, nil
}

// matchChoice maps typed text to the choice with that label. (Channels
// without buttons show numbered options and turn a typed number into the
// button's data themselves.)
func matchChoice(cs []Choice, text string) *Choice {
	f := crm.FoldSearch(text)
	for _, c := range cs {
		if crm.FoldSearch(c.Label) == f {
			c := c
			return &c
		}
	}
	return nil
}
