// Package sales holds the use cases of salesbot: every act a person does
// through chat, import or the scheduler is one method of Service that takes
// the acting user (a crm.Viewer), checks the rules and permissions once and
// calls the store. Reads of customer data answer crm.ErrNotFound for what
// the actor may not see, so no caller checks permissions by hand.
//
// The chat forms (conversation), the commands and pushes (bot), import and
// export (sheet) and the jobs (scheduler) reach customer data only through
// this package: they are never given a store that returns it.
package sales

import (
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/sentence"
)

// Store is what the use cases keep and read: the store interfaces of crm,
// one per family.
type Store interface {
	crm.OrgStore
	crm.CustomerStore
	crm.PipelineStore
	crm.ReportStore
	crm.AnalyticsStore
	crm.OutboxStore
	crm.ReminderStore
	crm.CheckInStore
	crm.AttachmentStore
	crm.PoolStore
}

// Service runs the use cases over a store.
type Service struct {
	org   crm.OrgStore
	cust  crm.CustomerStore
	pipe  crm.PipelineStore
	rep   crm.ReportStore
	stats crm.AnalyticsStore
	out   crm.OutboxStore
	rem   crm.ReminderStore
	geo   crm.CheckInStore
	files crm.AttachmentStore
	pool  crm.PoolStore
	all   Store
	// model is the optional language model of the sentence reader.
	model sentence.Model
}

// SetModel gives the sentence reader a language model for the sentences
// its rules cannot read (nil: none, the default).
func (s *Service) SetModel(m sentence.Model) { s.model = m }

// New returns the use cases over st. They take the time of an act from
// their caller (a clock in the request), never read one themselves.
func New(st Store) *Service {
	return &Service{org: st, cust: st, pipe: st, rep: st, stats: st, out: st, rem: st, geo: st, files: st, pool: st, all: st}
}

// notFound is what an actor is told about a customer they may not see: the
// same as for one that does not exist.
func notFound() error { return crm.Errorf(crm.CodeNotFound, "customer.not_found") }

// forbidden is what an actor who may see a customer but not change it is told.
func forbidden() error { return crm.Errorf(crm.CodeForbidden, "auth.customer_forbidden") }
