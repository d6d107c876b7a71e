package conversation

import (
	"context"
	"strconv"
	"strings"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/choice"
	"github.com/salesbot-crm/salesbot/crm/sentence"
	"github.com/salesbot-crm/salesbot/sales"
)

// The /new flow: company name (checked for 撞单 before anything else),
// industry, size, region, source, contact and phone, a card, a receipt.

func newCustomerFlow() *Flow {
	return &Flow{
		Name:  "new",
		Begin: newBegin,
		Fill:  newFill,
		Steps: []*Step{
			{Name: "name", Prompt: staticPrompt("new.name", nil), Parse: newNameParse},
			{Name: "similar", Prompt: newSimilarPrompt, Parse: newSimilarParse},
			{Name: "industry", Prompt: staticPrompt("new.industry", func(env *Env) []Choice { return choiceButtons(env, choice.Industry) }),
				Parse: choiceAnswer(choice.Industry, false, "size")},
			choiceDetailStep(choice.Industry, "size"),
			{Name: "size", Optional: true, Prompt: func(_ context.Context, env *Env, _ Form) (Prompt, error) {
				return Prompt{Text: env.T("new.size"), Choices: append(choiceButtons(env, choice.Size), Choice{env.T("btn.skip"), SkipValue}), Columns: 3}, nil
			}, Parse: choiceAnswer(choice.Size, true, "region")},
			choiceDetailStep(choice.Size, "region"),
			{Name: "region", Optional: true, Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				p := Prompt{Text: env.T("new.region")}
				if g := f.Get("region_guess"); g != "" {
					label := ChoiceLabel(env.Lang, choice.Region, choice.Value{Code: g})
					p.Text = env.T("new.region_guess", label)
					p.Choices = append(p.Choices, Choice{label, g})
				}
				p.Choices = append(p.Choices, Choice{env.T("btn.skip"), SkipValue})
				return p, nil
			}, Parse: choiceAnswer(choice.Region, true, "source")},
			choiceDetailStep(choice.Region, "source"),
			{Name: "source", Optional: true, Prompt: func(_ context.Context, env *Env, _ Form) (Prompt, error) {
				return Prompt{Text: env.T("new.source"), Choices: append(choiceButtons(env, choice.Source), Choice{env.T("btn.skip"), SkipValue}), Columns: 3}, nil
			}, Parse: choiceAnswer(choice.Source, true, "contact")},
			choiceDetailStep(choice.Source, "contact"),
			{Name: "contact", Optional: true, Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				p := Prompt{Text: env.T("new.contact"), Choices: []Choice{{env.T("btn.skip"), SkipValue}}}
				if f.Get("contact_from_card") != "" { // a shared card started /new
					p.Choices = append([]Choice{{env.T("btn.use_card", strings.TrimSpace(f.Get("contact")+" "+f.Get("phone"))), valUseCard}}, p.Choices...)
				}
				return p, nil
			},
				Parse: func(_ context.Context, env *Env, f Form, in Input) (Result, error) {
					if in.Choice != nil && in.Choice.Value == valUseCard && f.Get("contact_from_card") != "" {
						return Result{Next: "confirm"}, nil
					}
					if in.Skip {
						return Result{Next: "confirm", Set: answered(Fields{"contact": "", "phone": ""}, "contact")}, nil
					}
					name, phone, err := crm.ParseContact(in.Text)
					if err != nil {
						return Result{}, err
					}
					return Result{Next: "confirm", Set: answered(Fields{"contact": name, "phone": phone}, "contact")}, nil
				}},
			{Name: "confirm", Prompt: newConfirmPrompt, Parse: newConfirmParse},
			editStep(func(env *Env) []Choice {
				return []Choice{{env.T("field.name"), "name"}, {env.T("field.industry"), "industry"}, {env.T("field.size"), "size"},
					{env.T("field.region"), "region"}, {env.T("field.source"), "source"}, {env.T("field.contact"), "contact"}}
			}),
		},
	}
}

// newNameParse checks the name for duplicates before anything else.
func newNameParse(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
	name, err := textAnswer(in, crm.MaxNameRunes)
	if err != nil {
		return Result{}, err
	}
	nc, taken, err := env.Sales.ClaimName(ctx, env.Viewer, name, env.Now)
	if err != nil {
		return Result{}, err
	}
	if taken != nil {
		return duplicateResult(env, taken), nil
	}
	var similar []string
	for _, c := range nc.Similar {
		similar = append(similar, itoa(c.ID))
	}
	// "" forgets what a name typed before had.
	set := Fields{"name": name, "region_guess": choice.RegionOf(nc.Name.Region), "similar": strings.Join(similar, ",")}
	if len(similar) > 0 {
		return Result{Next: "similar", Set: set}, nil
	}
	return Result{Next: afterEdit(f, "industry"), Set: set}, nil
}

// duplicateResult ends /new for a name that is already a customer: the
// rep's own (offer the card) or someone else's (refuse, tell who, record
// the claim so the team group and the owner's manager hear of it).
func duplicateResult(env *Env, t *sales.Taken) Result {
	c := t.Customer
	if t.Own {
		return Result{Done: true, Say: []crm.Message{{Text: env.T("new.own_duplicate", c.Name)}},
			Menu: []Choice{{env.T("btn.open_card"), "/customer #" + strconv.FormatInt(c.ID, 10)}, {env.T("btn.log_visit"), "/visit #" + strconv.FormatInt(c.ID, 10)}}}
	}
	if t.Pool {
		return Result{Done: true, Say: []crm.Message{{Text: env.T("new.in_pool", c.Name)}},
			Menu: []Choice{{env.T("btn.claim"), "/pool claim #" + strconv.FormatInt(c.ID, 10)}}}
	}
	text := env.T("new.taken", OwnerLabel(env.Lang, c.OwnerName, t.OwnerDept), FormatShortDate(env.Lang, crm.DateOf(c.CreatedAt.In(env.Now.Location()))))
	if c.LastActivityAt != nil {
		text += env.T("new.taken_last", daysAgo(env.Lang, env.Now, *c.LastActivityAt))
	}
	id := strconv.FormatInt(c.ID, 10)
	return Result{Done: true, Say: []crm.Message{{Text: text}}, Menu: []Choice{
		{env.T("btn.request_transfer"), "/transfer request #" + id + " " + crm.TransferOwnership},
		{env.T("btn.request_collab"), "/transfer request #" + id + " " + crm.TransferCollab},
	}}
}

func newSimilarPrompt(ctx context.Context, env *Env, f Form) (Prompt, error) {
	var lines []string
	for _, idS := range strings.Split(f.Get("similar"), ",") {
		id, _ := strconv.ParseInt(idS, 10, 64)
		c, err := env.Sales.SimilarCustomer(ctx, id)
		if err != nil {
			continue
		}
		lines = append(lines, env.T("new.similar_line", c.Name, c.OwnerName))
	}
	return Prompt{Text: env.T("new.similar", strings.Join(lines, "\n")),
		Choices: []Choice{{env.T("btn.same_company"), valYes}, {env.T("btn.not_same"), valNo}}, Columns: 2}, nil
}

func newSimilarParse(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
	if in.Choice == nil {
		return Result{}, crm.Errorf(crm.CodeInvalid, "input.pick_button")
	}
	if in.Choice.Value == valNo {
		return Result{Next: afterEdit(f, "industry")}, nil
	}
	// The same company: stop; if someone else owns it, it is a claim.
	first, _, _ := strings.Cut(f.Get("similar"), ",")
	id, _ := strconv.ParseInt(first, 10, 64)
	taken, err := env.Sales.ClaimSimilar(ctx, env.Viewer, f.Get("name"), id, env.Now)
	if err != nil {
		return Result{}, err
	}
	return duplicateResult(env, taken), nil
}

func newCard(env *Env, f Form) string {
	parts := []string{f.Get("name")}
	for _, field := range choice.Fields {
		if v := ChoiceLabel(env.Lang, field, formChoice(f, field)); v != "" {
			parts = append(parts, v)
		}
	}
	card := strings.Join(parts, " · ")
	if c, p := f.Get("contact"), f.Get("phone"); c != "" || p != "" {
		card += "\n" + env.T("card.contact", strings.TrimSpace(c+" "+p))
	}
	return card
}

func newConfirmPrompt(_ context.Context, env *Env, f Form) (Prompt, error) {
	return Prompt{Text: env.T("card.confirm", proposedKind(env, f)+newCard(env, f)), Choices: confirmChoices(env)}, nil
}

func newConfirmParse(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
	if res, save, err := cardAnswer(env, in, "edit"); !save {
		return res, err
	}
	c := crm.Customer{Name: f.Get("name")}
	for _, field := range choice.Fields {
		c.SetChoice(field, formChoice(f, field))
	}
	if f.Get("contact") != "" || f.Get("phone") != "" {
		c.Contacts = []crm.Contact{{Name: f.Get("contact"), Phone: f.Get("phone")}}
	}
	saved, taken, err := env.Sales.AddCustomer(ctx, env.Viewer, c, env.Now)
	if taken != nil {
		// Someone saved the same company while this card was open.
		return duplicateResult(env, taken), err
	}
	if err != nil {
		return Result{}, err
	}
	id := "#" + itoa(saved.ID)
	return Result{Done: true, Say: []crm.Message{{Text: env.T("new.saved", saved.Name), Edit: in.Choice != nil}},
		Menu: []Choice{{env.T("btn.log_visit"), "/visit " + id}, {env.T("btn.new_deal"), "/stage " + id}}}, nil
}

// confirmAnswer reads a card's answer from a button or a typed word.
func confirmAnswer(in Input) string {
	if in.Choice != nil {
		return in.Choice.Value
	}
	switch strings.ToLower(strings.TrimSpace(in.Text)) {
	case "保存", "确认", "确定", "是", "好", "save", "ok", "yes", "y":
		return valSave
	case "修改", "edit", "change":
		return valEdit
	}
	return ""
}

// newBegin reads "/new 公司名", which answers the first question at once,
// and "/new 公司名 王经理 13800138000" (or a plain sentence saying so),
// which also answers the contact: the name is checked for 撞单 first, the
// industry asked, and the card shown with the region guessed from the name.
func newBegin(ctx context.Context, env *Env, f Form, args string) (Result, error) {
	name := strings.TrimSpace(args)
	if name == "" {
		return Result{}, nil
	}
	set := Fields{}
	if f.Get(keyProposal) == "" && strings.ContainsAny(name, " \t,，") {
		p, err := env.Sales.ReadSentence(ctx, env.Viewer, name, sentence.New, env.Now, pickLimit)
		if err != nil {
			return Result{}, err
		}
		if p.Company != "" && (p.Contact != "" || p.Phone != "") {
			name, set = p.Company, proposalFields(env, p, "new")
		}
	}
	res, err := newNameParse(ctx, env, f.With(set), Input{Text: name})
	if de, ok := crm.AsError(err); ok && de.Code == crm.CodeInvalid {
		return Result{Say: []crm.Message{{Text: env.T(de.Key, de.Args...)}}}, nil
	}
	if err != nil || res.Done {
		return res, err
	}
	if f.Get(keyProposal) != "" || set[keyProposal] != "" {
		if g := res.Set["region_guess"]; g != "" {
			res.Set["region"] = g
		}
	}
	return res.with(set), nil
}
