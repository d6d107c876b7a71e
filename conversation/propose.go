package conversation

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/sentence"
	"github.com/salesbot-crm/salesbot/crm/typed"
	"github.com/salesbot-crm/salesbot/sales"
)

// One message is enough (SPEC "自然语言录入"): a sentence — a command's
// arguments ("/visit 青禾 见了王总，聊方案，下周五发报价") or a bound
// user's plain message ("今天见了青禾王总，下周五发报价") — is read by
// sales.ReadSentence into a proposal. The proposal seeds the fields of the
// act's own flow and the engine goes straight to the flow's card (its
// confirm step); a required field the sentence did not give (or gave only
// in part) is asked first by the flow's own step, one at a time (the
// flow's Fill). The card's [保存] saves through the same step and use case
// as the form; [修改] is the flow's edit step; nothing is saved without
// the tap.

// keyProposal marks a form seeded from a sentence.
const keyProposal = "_proposal"

// flowIntent is the intent of a flow's command arguments.
func flowIntent(flow string) sentence.Intent {
	switch flow {
	case "visit":
		return sentence.Visit
	case "pay":
		return sentence.Paid
	case "appt":
		return sentence.Appt
	case "stage":
		return sentence.Stage
	case "complaint":
		return sentence.Complaint
	case "new":
		return sentence.New
	}
	return sentence.None
}

// intentFlow is the flow that records an intent ("" for none).
func intentFlow(i sentence.Intent) string {
	switch i {
	case sentence.Visit:
		return "visit"
	case sentence.Paid, sentence.Plan:
		return "pay"
	case sentence.Appt:
		return "appt"
	case sentence.Stage:
		return "stage"
	case sentence.Complaint:
		return "complaint"
	case sentence.New:
		return "new"
	}
	return ""
}

// proposed reports whether a sentence said more than a customer's name.
func proposed(p sales.Proposal) bool {
	r := p.Reading
	return r.Content != "" || r.NextAction != "" || !r.NextDate.IsZero() || r.Amount != 0 || !r.Date.IsZero() || !r.At.IsZero() ||
		r.Stage != "" || r.HasPct || r.Place != "" || r.Purpose != "" || len(r.Unread) > 0
}

// proposalFields are the fields a proposal seeds in flow's form: the
// customer when it is sure (else the words to search for it), and what
// the sentence gave whole. A field the sentence did not give whole is
// left out, so the flow asks for it.
func proposalFields(env *Env, p sales.Proposal, flow string) Fields {
	set := Fields{keyProposal: "1"}
	if p.Sure {
		for k, v := range picked(p.Customers[0]) {
			set[k] = v
		}
	} else if len(p.Customers) > 0 {
		set["pick_query"] = p.Query
	}
	r := p.Reading
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return string(crm.DateOf(t))
	}
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.RFC3339)
	}
	switch flow {
	case "visit":
		set["content"] = r.Content
		set["next_action"], set["next_date"], set["next_at"] = r.NextAction, day(r.NextDate), stamp(r.NextAt)
	case "pay":
		set["kind"] = payReceived
		if r.Intent == sentence.Plan {
			set["kind"] = payPlan
		}
		if r.Amount > 0 {
			set["amount"] = itoa(r.Amount)
		}
		set["date"] = day(r.Date)
		if set["kind"] == payReceived && r.Date.After(env.Now) {
			set["date"] = ""
		}
	case "appt":
		set["at"], set["place"], set["purpose"] = stamp(r.At), r.Place, r.Purpose
	case "stage":
		st := crm.Stage(r.Stage)
		if st.Valid() {
			set["stage"] = r.Stage
			pct := st.DefaultWinPct()
			if r.HasPct {
				pct = r.Pct
			}
			if st.Closed() {
				pct = 0
				if st == crm.StageContract {
					pct = 100
				}
			}
			if crm.CheckStageMove("", st, pct) == nil && (r.HasPct || st.Closed() || !r.Has(sentence.FieldPct)) {
				set["pct"] = strconv.Itoa(pct)
			}
		}
		if r.Amount > 0 {
			set["amount"], set["p_amount"] = itoa(r.Amount), itoa(r.Amount)
		}
		set["close"], set["p_close"] = day(r.Date), day(r.Date)
	case "complaint":
		set["content"] = r.Content
	case "new":
		set["contact"], set["phone"] = r.Contact, r.Phone
	}
	// An optional field the sentence gave but not whole is asked too.
	ask := map[string]map[string]string{
		"visit": {sentence.FieldNext: "next"},
		"stage": {sentence.FieldDate: "close", sentence.FieldAmount: "amount"},
		"new":   {sentence.FieldPhone: "contact"},
	}[flow]
	for _, u := range r.Unread {
		if step := ask[u]; step != "" {
			set["_ask_"+step] = "1"
		}
	}
	for k, v := range set {
		if v == "" {
			delete(set, k)
		}
	}
	return set
}

// asked is the optional step a sentence gave only in part, still to ask:
// its mark is cleared by the step's answer (fillAsked).
func asked(f Form, steps ...string) string {
	for _, st := range steps {
		if f.Get("_ask_"+st) != "" {
			return st
		}
	}
	return ""
}

// answered clears the mark of a step asked because a sentence gave it in
// part.
func answered(set Fields, step string) Fields {
	set["_ask_"+step] = ""
	return set
}

// unreadSay tells the rep what the sentence held that was not read whole
// (it is asked, not guessed).
func unreadSay(env *Env, p sales.Proposal) []crm.Message {
	if len(p.Unread) == 0 {
		return nil
	}
	var names []string
	for _, f := range p.Unread {
		names = append(names, env.T("sentence.field_"+f))
	}
	return []crm.Message{{Text: env.T("sentence.unread", strings.Join(names, env.T("sentence.list_sep")))}}
}

// beginSentence starts a flow from its command's arguments when they are
// more than a customer's name: the proposal's fields, then the card (or
// the first thing it lacks). ok is false when the arguments are only a
// name (the flow's usual start).
func beginSentence(ctx context.Context, env *Env, f Form, args string, next afterPick) (Result, bool, error) {
	p, err := env.Sales.ReadSentence(ctx, env.Viewer, args, flowIntent(f.Flow()), env.Now, pickLimit)
	if err != nil {
		return Result{}, true, err
	}
	if !proposed(p) || len(p.Customers) == 0 && !strings.ContainsAny(args, " \t,，。;；") {
		return Result{}, false, nil
	}
	set := proposalFields(env, p, f.Flow())
	res, err := beginSeeded(ctx, env, f.With(set), next, p)
	if err != nil {
		return Result{}, true, err
	}
	res.Say = append(unreadSay(env, p), res.Say...)
	return res.with(set), true, nil
}

// beginSeeded goes on with a form seeded from a sentence: with its
// customer to what follows the customer (the engine's Fill takes it to
// the card), else to the customer step, saying when nothing matched.
func beginSeeded(ctx context.Context, env *Env, f Form, next afterPick, p sales.Proposal) (Result, error) {
	if f.Get(keyCustomer) != "" {
		return next(ctx, env, f)
	}
	res := Result{Next: "customer"}
	if len(p.Customers) == 0 && p.Query != "" {
		res.Set = Fields{"pick_query": p.Query} // the step says none matched
	}
	return res, nil
}

// Propose reads a bound user's plain message (no form in progress): a
// record to propose starts its flow at the card; a question about a
// customer returns the command line of its card in run; two intents are
// asked with buttons. handled is false when the message says nothing the
// bot can read (the caller gives its hint).
func (e *Engine) Propose(ctx context.Context, env *Env, text string) (out []crm.Message, run string, handled bool, err error) {
	p, err := env.Sales.ReadSentence(ctx, env.Viewer, text, sentence.None, env.Now, pickLimit)
	if err != nil {
		return nil, "", true, err
	}
	if len(p.Intents) > 1 {
		var menu []Choice
		for _, i := range p.Intents {
			if fl := intentFlow(i); fl != "" {
				menu = append(menu, Choice{env.T("sentence.intent_" + string(i)), "/" + fl + " " + text})
			}
		}
		m, err := e.Offer(ctx, env, env.T("sentence.which_intent"), menu)
		return []crm.Message{m}, "", true, err
	}
	if p.Intent == sentence.None && p.Sure {
		// A customer, but nothing said to record: ask what, with buttons.
		id := " #" + itoa(p.Customers[0].ID)
		menu := []Choice{{env.T("sentence.intent_visit"), "/visit" + id}, {env.T("sentence.intent_paid"), "/pay" + id},
			{env.T("sentence.intent_appt"), "/appt" + id}, {env.T("sentence.intent_stage"), "/stage" + id}, {env.T("sentence.intent_card"), "/customer" + id}}
		m, err := e.Offer(ctx, env, env.T("sentence.which_for", p.Customers[0].Name), menu)
		return []crm.Message{m}, "", true, err
	}
	switch {
	case p.Intent == sentence.None, p.Intent == sentence.Visit && len(p.Customers) == 0 && p.Query == "":
		// Nothing to record, or a visit with no word that could name
		// a customer ("明天"): the hint.
		return nil, "", false, nil
	}
	switch p.Intent {
	case sentence.Question:
		switch {
		case p.Sure:
			return nil, "/customer #" + itoa(p.Customers[0].ID), true, nil
		case len(p.Customers) > 0:
			var menu []Choice
			for _, c := range p.Customers {
				menu = append(menu, Choice{Short(c.Name, 18), "/customer #" + itoa(c.ID)})
			}
			m, err := e.Offer(ctx, env, env.T("pick.several", p.Query), menu)
			return []crm.Message{m}, "", true, err
		case p.Query != "":
			return []crm.Message{{Text: env.T("pick.none", p.Query)}}, "", true, nil
		}
		return nil, "", false, nil
	case sentence.New:
		if p.Company == "" {
			out, err := e.Start(ctx, env, "new", "")
			return out, "", true, err
		}
		seed := proposalFields(env, p, "new")
		out, err := e.StartWith(ctx, env, "new", p.Company, seed)
		return out, "", true, err
	}
	flow := intentFlow(p.Intent)
	seed := proposalFields(env, p, flow)
	out, err = e.StartWith(ctx, env, flow, "", seed)
	say := unreadSay(env, p)
	if len(p.Customers) == 0 && p.Query != "" {
		say = append(say, crm.Message{Text: env.T("pick.none", p.Query)})
	}
	return append(say, out...), "", true, err
}

// The flows' Fill: in a form seeded from a sentence, where to go instead
// of the next step in order — the first required field still missing,
// else the card. The customer, deal and plan choices, the duplicate check
// and the edit step are kept.

func keepStep(next string, keep ...string) bool {
	if next == "customer" || next == "edit" || strings.HasSuffix(next, "_detail") {
		return true
	}
	for _, k := range keep {
		if next == k {
			return true
		}
	}
	return false
}

func fillFirst(f Form, next string, steps ...string) string {
	for i := 0; i+1 < len(steps); i += 2 {
		if f.Get(steps[i]) == "" {
			return steps[i+1]
		}
	}
	return "confirm"
}

func visitFill(_ context.Context, _ *Env, f Form, next string) (string, error) {
	if keepStep(next) {
		return next, nil
	}
	if s := fillFirst(f, next, "content", "content"); s != "confirm" {
		return s, nil
	}
	if st := asked(f, "next"); st != "" {
		return st, nil
	}
	return "confirm", nil
}

func payFill(ctx context.Context, env *Env, f Form, next string) (string, error) {
	if keepStep(next, "plan") {
		return next, nil
	}
	if s := fillFirst(f, next, "kind", "kind", "amount", "amount", "date", "date"); s != "confirm" {
		return s, nil
	}
	if f.Get("kind") == payReceived && f.Get("plan_id") == "" && f.Get("_edit") == "" {
		plans, err := env.Sales.PaymentPlans(ctx, env.Viewer, f.Int(keyCustomer))
		if err != nil {
			return "", err
		}
		for _, pl := range plans {
			if pl.Open() {
				return "plan", nil
			}
		}
	}
	return "confirm", nil
}

func apptFill(_ context.Context, _ *Env, f Form, next string) (string, error) {
	if keepStep(next) {
		return next, nil
	}
	return fillFirst(f, next, "at", "when"), nil
}

func stageFill(_ context.Context, _ *Env, f Form, next string) (string, error) {
	if keepStep(next, "deal") {
		return next, nil
	}
	if s := fillFirst(f, next, "stage", "stage", "pct", "pct"); s != "confirm" {
		return s, nil
	}
	if st := asked(f, "amount", "close"); st != "" {
		return st, nil
	}
	return "confirm", nil
}

func complaintFill(_ context.Context, _ *Env, f Form, next string) (string, error) {
	if keepStep(next, "action", "which", "resolution") {
		return next, nil
	}
	return fillFirst(f, next, "content", "content"), nil
}

func newFill(_ context.Context, _ *Env, f Form, next string) (string, error) {
	if keepStep(next, "similar", "name") {
		return next, nil
	}
	if s := fillFirst(f, next, "name", "name", "industry", "industry"); s != "confirm" {
		return s, nil
	}
	if st := asked(f, "contact"); st != "" {
		return st, nil
	}
	return "confirm", nil
}

// keepProposed keeps a sentence's amount and close date over a deal's
// defaults (stage cards start from the deal they move).
func keepProposed(f Form, set Fields) Fields {
	if f.Get(keyProposal) == "" {
		return set
	}
	for _, k := range []string{"amount", "close"} {
		if v := f.Get("p_" + k); v != "" {
			set[k] = v
		}
	}
	return set
}

// visitCard is the card of a visit proposed by a sentence.
func visitCard(env *Env, f Form) string {
	lines := []string{f.Get(keyCustomerName) + " · " + env.T("activity."+string(activityKind(f.Get("content"))))}
	lines = append(lines, env.T("sentence.card_content", f.Get("content")))
	if nx := visitNextLine(env, f); nx != "" {
		lines = append(lines, env.T("sentence.card_next", nx))
	}
	return strings.Join(lines, "\n")
}

func visitNextLine(env *Env, f Form) string {
	action := f.Get("next_action")
	if at, err := parseStamp(f.Get("next_at")); err == nil {
		return strings.TrimSpace(FormatDateTime(env.Lang, at, env.Now.Location()) + " " + action)
	}
	if d := f.Get("next_date"); d != "" {
		return strings.TrimSpace(FormatDate(env.Lang, crm.Date(d)) + " " + action)
	}
	if action != "" {
		return env.T("sentence.next_no_date", action)
	}
	return ""
}

// visitFormNext is the next step the form holds.
func visitFormNext(env *Env, f Form) (nx typed.Next, err error) {
	nx.Action = f.Get("next_action")
	if d := f.Get("next_date"); d != "" {
		if nx.Date, err = time.ParseInLocation("2006-01-02", d, env.Now.Location()); err != nil {
			return nx, err
		}
	}
	if a := f.Get("next_at"); a != "" {
		if nx.At, err = parseStamp(a); err != nil {
			return nx, err
		}
	}
	return nx, nil
}

// proposedKind names the kind of record on a card proposed from a
// sentence ("约见 · "), so the card says what it understood; "" on a
// card filled step by step.
func proposedKind(env *Env, f Form) string {
	if f.Get(keyProposal) == "" {
		return ""
	}
	return env.T("sentence.kind_"+f.Flow()) + " · "
}
