package sales

import (
	"context"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// KeepFile keeps a file the actor sent (a photo, a PDF) until they say
// which customer it goes to (FileTo); with customerID (a customer they
// may see) it is filed at once. Too big, empty or of another kind: Invalid
// with the reason, nothing kept. Files the actor left unfiled for
// crm.UnfiledTTL are dropped.
func (s *Service) KeepFile(ctx context.Context, actor crm.Viewer, name string, data []byte, customerID int64, at time.Time) (crm.Attachment, error) {
	mime, clean, err := crm.CheckAttachment(name, data)
	if err != nil {
		return crm.Attachment{}, err
	}
	if customerID != 0 {
		if _, err := s.Customer(ctx, actor, customerID); err != nil {
			return crm.Attachment{}, err
		}
	}
	a := crm.Attachment{CustomerID: customerID, UserID: actor.ID, Name: clean, Mime: mime, At: at}
	return s.files.AddAttachment(ctx, actor.ID, a, data, at.Add(-crm.UnfiledTTL))
}

// FileTo files one of the actor's waiting files with a customer they may
// see (collaborators too).
func (s *Service) FileTo(ctx context.Context, actor crm.Viewer, id, customerID int64) (crm.Attachment, error) {
	if _, err := s.Customer(ctx, actor, customerID); err != nil {
		return crm.Attachment{}, err
	}
	return s.files.FileAttachment(ctx, actor.ID, id, customerID)
}

// Attachments lists the files of a customer the actor may see, newest
// first.
func (s *Service) Attachments(ctx context.Context, actor crm.Viewer, customerID int64, limit int) ([]crm.Attachment, error) {
	if _, err := s.Customer(ctx, actor, customerID); err != nil {
		return nil, err
	}
	return s.files.Attachments(ctx, customerID, limit)
}

// AttachmentFile returns a filed file and its bytes when the actor may see
// its customer; NotFound otherwise (and for a file still waiting).
func (s *Service) AttachmentFile(ctx context.Context, actor crm.Viewer, id int64) (crm.Attachment, []byte, error) {
	a, data, err := s.files.Attachment(ctx, id)
	if err != nil {
		return a, nil, err
	}
	if a.CustomerID == 0 {
		return crm.Attachment{}, nil, crm.Errorf(crm.CodeNotFound, "file.not_found")
	}
	if _, err := s.Customer(ctx, actor, a.CustomerID); err != nil {
		return crm.Attachment{}, nil, crm.Errorf(crm.CodeNotFound, "file.not_found")
	}
	return a, data, nil
}
