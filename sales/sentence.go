package sales

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/sentence"
)

// Proposal is a sentence read for the actor: what it says (crm/sentence)
// and the customer it names, among the customers the actor may reach for
// that act. Sure says Customers[0] is the customer; otherwise Customers
// are the ones to offer (none: nothing matched Query). Nothing is saved:
// the chat shows the proposal and saves it through the act's own use case
// when the rep confirms.
type Proposal struct {
	sentence.Reading
	Customers []crm.Customer
	Sure      bool
	// Query is the words that named the customer (or the first words
	// tried when none did).
	Query string
}

// maxSentenceLookups bounds the customer searches one sentence makes.
const maxSentenceLookups = 48

// genericNameParts name no one customer: they are not searched alone.
var genericNameParts = map[string]bool{"公司": true, "有限": true, "有限公司": true, "科技": true, "集团": true, "股份": true, "中国": true,
	"北京": true, "上海": true, "深圳": true, "广州": true, "技术": true, "贸易": true, "co.": true, "ltd": true, "ltd.": true, "inc": true}

// ReachOf is what an intent needs of its customer: a visit or a question
// reaches collaborations too, everything else the actor's own book.
func ReachOf(i sentence.Intent) Reach {
	if i == sentence.Visit || i == sentence.Question || i == sentence.None {
		return See
	}
	return Change
}

// ReadSentence reads what the actor typed. With a command's intent (not
// None or New) the text starts with the customer's name, as "/visit 青禾
// 见了王总…": its first word is picked as sales.PickCustomer does; when it
// names no one, the customer is looked for in the whole sentence as in a
// plain one. A plain sentence (intent None) names its customer anywhere:
// each part that may name one (Reading.Mentions) is searched, longest
// words first; one customer named for sure is taken, two are offered,
// none is said. Only customers the actor may reach are ever found.
func (s *Service) ReadSentence(ctx context.Context, actor crm.Viewer, text string, intent sentence.Intent, now time.Time, limit int) (Proposal, error) {
	text = strings.TrimSpace(text)
	if intent != sentence.None && intent != sentence.New {
		first, rest, _ := strings.Cut(text, " ")
		found, sure, err := s.PickCustomer(ctx, actor, first, ReachOf(intent), limit)
		if err != nil {
			return Proposal{}, err
		}
		if len(found) > 0 {
			p := Proposal{Reading: sentence.Read(rest, now, intent), Customers: found, Sure: sure, Query: first}
			p.Mentions = nil
			return p, nil
		}
		p := Proposal{Reading: sentence.Read(text, now, intent)}
		if err := s.resolveMentions(ctx, actor, &p, limit); err != nil {
			return p, err
		}
		if len(p.Customers) == 0 {
			p.Query = first
		}
		if len(p.Customers) > 0 && p.Query != first && strings.Contains(first, p.Query) {
			// The name typed after the command matched only in part
			// ("/visit 青禾新瑞" finding 青禾新锐 by 青禾新): offered, never
			// taken, and what follows the name is the rest.
			cs := p.Customers
			p = Proposal{Reading: sentence.Read(rest, now, intent), Customers: cs, Query: first}
			p.Mentions = nil
		}
		return p, nil
	}
	p := Proposal{Reading: sentence.Read(text, now, intent)}
	if p.Intent == sentence.New {
		return p, nil
	}
	if err := s.resolveMentions(ctx, actor, &p, limit); err != nil {
		return p, err
	}
	if s.model != nil && p.Intent == sentence.None && len(p.Intents) == 0 {
		return s.suggest(ctx, actor, text, now, limit, p)
	}
	return p, nil
}

// suggest asks the language model about a plain sentence the rules could
// not read. Its intent is taken and the sentence read again with it, so
// dates and amounts still come from the rep's own words; its customer is
// looked up like typed words, among the customers the actor may reach,
// and taken only when sure; its text fields fill what the rules left
// empty. A timeout, an error or an answer outside the schema leaves the
// rules' reading (rules).
func (s *Service) suggest(ctx context.Context, actor crm.Viewer, text string, now time.Time, limit int, rules Proposal) (Proposal, error) {
	sug, err := s.model.Suggest(ctx, text)
	if err != nil || sug.Check() != nil {
		return rules, nil
	}
	p := Proposal{Reading: sentence.Read(text, now, sug.Intent)}
	if p.Intent == sentence.New {
		if p.Company == "" {
			return rules, nil
		}
		return p, nil
	}
	if err := s.resolveMentions(ctx, actor, &p, limit); err != nil {
		return rules, err
	}
	if !p.Sure && strings.TrimSpace(sug.Customer) != "" && strings.Contains(text, strings.TrimSpace(sug.Customer)) {
		found, sure, err := s.PickCustomer(ctx, actor, strings.TrimSpace(sug.Customer), ReachOf(p.Intent), limit)
		if err != nil {
			return rules, err
		}
		if len(found) > 0 {
			p.Customers, p.Sure, p.Query = found, sure, strings.TrimSpace(sug.Customer)
		}
	}
	fill := func(dst *string, v string) {
		if *dst == "" && strings.TrimSpace(v) != "" {
			*dst = strings.TrimSpace(v)
		}
	}
	fill(&p.Content, sug.Content)
	fill(&p.Place, sug.Place)
	fill(&p.Purpose, sug.Purpose)
	fill(&p.Contact, sug.Contact)
	if p.NextAction == "" && !p.Has(sentence.FieldNext) && p.NextDate.IsZero() {
		fill(&p.NextAction, sug.NextAction)
	}
	return p, nil
}

// found is what one mention found.
type found struct {
	query     string
	customers []crm.Customer
	sure      bool
	contact   bool // the mention is a contact person (王总)
}

func (s *Service) resolveMentions(ctx context.Context, actor crm.Viewer, p *Proposal, limit int) error {
	reach := ReachOf(p.Intent)
	budget := maxSentenceLookups
	var hits []found
	named := false // a customer named for sure by a name
	for _, m := range p.Mentions {
		contact := m == p.Contact
		if named && contact {
			continue // the name outranks the contact anyway
		}
		b := &budget
		if named {
			// Once one customer is named for sure, the other parts are
			// looked up whole (a second customer named: ask), not in parts.
			one := 1
			b = &one
		}
		h, err := s.searchMention(ctx, actor, m, reach, limit, b)
		if err != nil {
			return err
		}
		if h != nil {
			h.contact = contact
			hits = append(hits, *h)
			named = named || h.sure && !contact
		}
	}
	if len(p.Mentions) > 0 {
		p.Query = p.Mentions[0]
	}
	// Sure names outrank a contact's; two customers named for sure are asked.
	var sure []found
	for _, contact := range []bool{false, true} {
		for _, h := range hits {
			if h.sure && h.contact == contact {
				sure = append(sure, h)
			}
		}
		if len(sure) > 0 {
			break
		}
	}
	if len(sure) > 0 && sure[0].contact && p.ContactOf != "" {
		// "海天王总": the contact of a company the words before it did not
		// find is not taken for another company's.
		p.Customers, p.Query = sure[0].customers, sure[0].query
		return nil
	}
	if len(sure) > 0 {
		ids := map[int64]bool{}
		var cs []crm.Customer
		for _, h := range sure {
			if !ids[h.customers[0].ID] {
				ids[h.customers[0].ID] = true
				cs = append(cs, h.customers[0])
			}
		}
		p.Customers, p.Sure, p.Query = cs, len(cs) == 1, sure[0].query
		p.Purpose = trimMention(p.Purpose, sure[0].query)
		return nil
	}
	if len(hits) > 0 {
		p.Customers, p.Query = hits[0].customers, hits[0].query
	}
	return nil
}

// searchMention looks a mention up: the whole of it, then its parts,
// longest first (青禾王 → 青禾), the first that finds someone.
// A match that is not sure is kept while shorter parts are tried for a
// sure one ("青禾新锐技术交流" finds 青禾新锐 only by its trade name).
func (s *Service) searchMention(ctx context.Context, actor crm.Viewer, m string, reach Reach, limit int, budget *int) (*found, error) {
	var maybe *found
	for _, sub := range mentionParts(m) {
		if utf8.RuneCountInString(sub) < 2 || genericNameParts[strings.ToLower(sub)] {
			continue
		}
		if *budget <= 0 {
			break
		}
		*budget--
		cs, sure, err := s.PickCustomer(ctx, actor, sub, reach, limit)
		if err != nil {
			return nil, err
		}
		switch {
		case sure:
			return &found{query: sub, customers: cs, sure: true}, nil
		case len(cs) > 0 && maybe == nil:
			maybe = &found{query: sub, customers: cs}
		}
	}
	return maybe, nil
}

// mentionParts are the parts of a mention to search, longest first:
// runs of its words for English, runs of its characters (at most 16)
// otherwise.
func mentionParts(m string) []string {
	var out []string
	if words := strings.Fields(m); len(words) > 1 {
		for n := len(words); n >= 1; n-- {
			for i := 0; i+n <= len(words); i++ {
				out = append(out, strings.Join(words[i:i+n], " "))
			}
		}
		return out
	}
	rs := []rune(m)
	if len(rs) > 16 {
		rs = rs[:16]
	}
	for n := len(rs); n >= 2; n-- {
		for i := 0; i+n <= len(rs); i++ {
			out = append(out, strings.TrimSpace(string(rs[i:i+n])))
		}
	}
	return out
}

func trimMention(s, m string) string {
	s = strings.Replace(s, m, "", 1)
	return strings.Trim(s, " ,，、:：")
}
