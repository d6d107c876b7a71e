package sales

import (
	"context"
	"strings"

	"github.com/salesbot-crm/salesbot/crm"
)

// AddContact adds a contact (a shared card, a name and phone) to a
// customer the actor may see (collaborators too: they meet the people).
// A contact whose phone the customer already has is not added twice:
// Invalid "contact.exists".
func (s *Service) AddContact(ctx context.Context, actor crm.Viewer, ct crm.Contact) (crm.Contact, error) {
	c, err := s.Customer(ctx, actor, ct.CustomerID)
	if err != nil {
		return ct, err
	}
	for _, f := range []string{ct.Name, ct.Phone, ct.Title} {
		if err := crm.CheckLength(f, crm.MaxShortRunes); err != nil {
			return ct, err
		}
	}
	if strings.TrimSpace(ct.Name) == "" && strings.TrimSpace(ct.Phone) == "" {
		return ct, crm.Errorf(crm.CodeInvalid, "contact.empty")
	}
	for _, have := range c.Contacts {
		if ct.Phone != "" && crm.SamePhone(have.Phone, ct.Phone) {
			return ct, crm.Errorf(crm.CodeInvalid, "contact.exists", have.Name, have.Phone, c.Name)
		}
	}
	return s.cust.AddContact(ctx, actor.ID, ct)
}
