package conversation_test

import (
	"context"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/sentence"
	"github.com/salesbot-crm/salesbot/sales"
)

// ReadSentence reads as sales does, more simply: the first word of a
// command's arguments, else each mention as a whole (sales tests the rule).
func (f *fakeCRM) ReadSentence(ctx context.Context, actor crm.Viewer, text string, intent sentence.Intent, now time.Time, limit int) (sales.Proposal, error) {
	if err := f.call("ReadSentence"); err != nil {
		return sales.Proposal{}, err
	}
	if intent != sentence.None && intent != sentence.New {
		first, rest, _ := strings.Cut(strings.TrimSpace(text), " ")
		found, sure, err := f.PickCustomer(ctx, actor, first, sales.ReachOf(intent), limit)
		if err != nil || len(found) > 0 {
			return sales.Proposal{Reading: sentence.Read(rest, now, intent), Customers: found, Sure: sure, Query: first}, err
		}
	}
	p := sales.Proposal{Reading: sentence.Read(text, now, intent)}
	for _, m := range p.Mentions {
		found, sure, err := f.PickCustomer(ctx, actor, m, sales.ReachOf(p.Intent), limit)
		if err != nil {
			return p, err
		}
		if len(found) > 0 {
			p.Customers, p.Sure, p.Query = found, sure, m
			break
		}
	}
	return p, nil
}
