package conversation

import (
	"context"
	"strings"

	"github.com/salesbot-crm/salesbot/crm"
)

// The contact flow (SPEC "Field inputs") files a shared contact card: to the
// customer its company (the vCard's ORG) names, or one the rep picks —
// the customers they worked on last are offered — confirmed with a tap;
// a card of a company that is no customer yet can start /new with it.

const (
	keyCardName    = "card_name"
	keyCardPhone   = "card_phone"
	keyCardOrg     = "card_org"
	keyCardTitle   = "card_title"
	valNewCustomer = "new"
	valOther       = "other"
	valUseCard     = "card"
)

// CardFields are the fields a shared card starts the contact flow with.
func CardFields(c crm.Card) map[string]string {
	return map[string]string{keyCardName: c.Name, keyCardPhone: c.Phone, keyCardOrg: c.Org, keyCardTitle: c.Title}
}

func formCard(f Form) crm.Card {
	return crm.Card{Name: f.Get(keyCardName), Phone: f.Get(keyCardPhone), Org: f.Get(keyCardOrg), Title: f.Get(keyCardTitle)}
}

// cardLabel shows a card: 王总 +8613800138000（北京青禾新锐科技有限公司 · 总经理）.
func cardLabel(lang string, c crm.Card) string {
	ct, _ := c.Contact()
	var about []string
	for _, s := range []string{c.Org, c.Title} {
		if s != "" {
			about = append(about, s)
		}
	}
	text := strings.TrimSpace(ct.Name + " " + ct.Phone)
	if len(about) > 0 {
		text += Aside(lang, strings.Join(about, " · "))
	}
	return text
}

func contactFlow() *Flow {
	return &Flow{
		Name: "contact",
		Begin: func(ctx context.Context, env *Env, f Form, _ string) (Result, error) {
			card := formCard(f)
			if _, err := card.Contact(); err != nil {
				if de, ok := crm.AsError(err); ok {
					return Result{Done: true, Say: []crm.Message{{Text: env.T(de.Key, de.Args...)}}}, nil
				}
				return Result{}, err
			}
			if card.Org == "" {
				return Result{Next: "which"}, nil
			}
			found, sure, err := resolveCustomer(ctx, env, f, card.Org)
			if err != nil {
				return Result{}, err
			}
			if sure {
				return Result{Next: "confirm", Set: picked(found[0])}, nil
			}
			return Result{Next: "which"}, nil
		},
		Steps: []*Step{
			{Name: "which", Prompt: contactWhichPrompt, Parse: func(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
				if in.Choice != nil && in.Choice.Value == valNewCustomer {
					card := formCard(f)
					ct, _ := card.Contact()
					return Result{Start: &Waiting{Flow: "new", Args: card.Org, Seed: map[string]string{"contact": ct.Name, "phone": ct.Phone, "contact_from_card": "1"}}}, nil
				}
				return pickAnswer(goStep("confirm"))(ctx, env, f, in)
			}},
			customerStep(goStep("confirm")),
			{Name: "confirm", Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				return Prompt{Text: env.T("contact.card_confirm", cardLabel(env.Lang, formCard(f)), f.Get(keyCustomerName)),
					Choices: []Choice{{env.T("btn.save"), valSave}, {env.T("btn.other_customer"), valOther}, {env.T("btn.cancel"), valCancel}}}, nil
			}, Parse: func(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
				switch v := in.Value(); {
				case v == valOther || matchWord(v, env.T("btn.other_customer")):
					return Result{Next: "which", Set: Fields{keyCustomer: "", keyCustomerName: ""}}, nil
				case v == valCancel:
					return Result{Done: true, Say: []crm.Message{{Text: env.T("flow.cancelled")}}}, nil
				case v != valSave:
					return Result{}, crm.Errorf(crm.CodeInvalid, "input.pick_button")
				}
				ct, err := formCard(f).Contact()
				if err != nil {
					return Result{}, err
				}
				ct.CustomerID = f.Int(keyCustomer)
				if ct, err = env.Sales.AddContact(ctx, env.Viewer, ct); err != nil {
					return Result{}, err
				}
				id := "#" + itoa(ct.CustomerID)
				return Result{Done: true, Say: []crm.Message{{Text: env.T("contact.card_saved", strings.TrimSpace(ct.Name+" "+ct.Phone), f.Get(keyCustomerName))}},
					Menu: []Choice{{env.T("btn.open_card"), "/customer " + id}, {env.T("btn.log_visit"), "/visit " + id}}}, nil
			}},
		},
	}
}

// contactWhichPrompt asks which customer the card goes to: the customers
// its company name finds, else the ones the rep worked on last; and a new
// customer.
func contactWhichPrompt(ctx context.Context, env *Env, f Form) (Prompt, error) {
	card := formCard(f)
	var cs []crm.Customer
	var err error
	if card.Org != "" {
		if cs, _, err = resolveCustomer(ctx, env, f, card.Org); err != nil {
			return Prompt{}, err
		}
	}
	if len(cs) == 0 {
		if cs, err = env.Sales.RecentCustomers(ctx, env.Viewer, pickLimit); err != nil {
			return Prompt{}, err
		}
	}
	p := Prompt{Text: env.T("contact.card_which", cardLabel(env.Lang, card)), Columns: 2}
	for _, c := range cs {
		p.Choices = append(p.Choices, Choice{Label: Short(c.Name, 18), Value: "#" + itoa(c.ID)})
	}
	p.Choices = append(p.Choices, Choice{Label: env.T("btn.new_customer_from_card"), Value: valNewCustomer})
	return p, nil
}
