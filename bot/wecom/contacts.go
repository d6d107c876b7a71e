package wecom

import (
	"context"
	"encoding/xml"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// Directory is what keeps the organisation in step with WeCom's contacts
// (sales.Service): the channel hands it each change_contact callback.
type Directory interface {
	ApplyDirEvent(ctx context.Context, source string, e crm.DirEvent, at time.Time) (crm.SyncResult, error)
}

// SetDirectory makes the channel apply change_contact callbacks (members
// and departments created, changed or deleted in WeCom) through d; without
// it they are acknowledged and ignored.
func (c *Channel) SetDirectory(d Directory) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dir = d
}

// contactEvent is a change_contact callback: only the fields it carries
// are set (an update_user names what changed).
type contactEvent struct {
	ChangeType     string  `xml:"ChangeType"`
	UserID         string  `xml:"UserID"`
	NewUserID      string  `xml:"NewUserID"`
	Name           *string `xml:"Name"`
	Department     *string `xml:"Department"`
	MainDepartment *string `xml:"MainDepartment"`
	IsLeaderInDept *string `xml:"IsLeaderInDept"`
	Status         *string `xml:"Status"`
	ID             *string `xml:"Id"`
	ParentID       *string `xml:"ParentId"`
}

func isContactChange(in inbound) bool { return in.MsgType == "event" && in.Event == "change_contact" }

func ints(s string) ([]int64, error) {
	var out []int64
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is no number", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// dirEvent reads a change_contact payload.
func dirEvent(raw []byte) (crm.DirEvent, error) {
	var ev contactEvent
	if err := xml.Unmarshal(raw, &ev); err != nil {
		return crm.DirEvent{}, fmt.Errorf("%w: %v", errMalformed, err)
	}
	e := crm.DirEvent{Change: strings.TrimSpace(ev.ChangeType), NewID: strings.TrimSpace(ev.NewUserID)}
	e.Member.ExternalID = strings.TrimSpace(ev.UserID)
	if ev.Name != nil {
		e.HasName = true
		e.Member.Name = strings.TrimSpace(*ev.Name)
		e.Dept.Name = e.Member.Name
	}
	if ev.Department != nil {
		d, err := ints(*ev.Department)
		if err != nil {
			return e, fmt.Errorf("%w: Department: %v", errMalformed, err)
		}
		e.HasDepts, e.Member.Depts = true, d
	}
	if ev.MainDepartment != nil {
		e.Member.MainDept, _ = strconv.ParseInt(strings.TrimSpace(*ev.MainDepartment), 10, 64)
	}
	if ev.IsLeaderInDept != nil {
		flags, err := ints(*ev.IsLeaderInDept)
		if err != nil {
			return e, fmt.Errorf("%w: IsLeaderInDept: %v", errMalformed, err)
		}
		e.HasLeader = true
		depts := e.Member.Depts
		for i, f := range flags {
			if f == 1 && i < len(depts) {
				e.Member.LeaderOf = append(e.Member.LeaderOf, depts[i])
			}
		}
	}
	if ev.Status != nil {
		e.HasStatus = true
		e.Member.Status, _ = strconv.Atoi(strings.TrimSpace(*ev.Status))
	}
	if ev.ID != nil {
		e.Dept.ID, _ = strconv.ParseInt(strings.TrimSpace(*ev.ID), 10, 64)
	}
	if ev.ParentID != nil {
		e.HasParent = true
		e.Dept.ParentID, _ = strconv.ParseInt(strings.TrimSpace(*ev.ParentID), 10, 64)
	}
	switch e.Change {
	case "create_user", "update_user", "delete_user":
		if e.Member.ExternalID == "" || len(e.Member.ExternalID) > 64 || len(e.NewID) > 64 {
			return e, fmt.Errorf("%w: %s without a usable UserID", errMalformed, e.Change)
		}
	case "create_party", "update_party", "delete_party":
		if e.Dept.ID <= 0 {
			return e, fmt.Errorf("%w: %s without a department Id", errMalformed, e.Change)
		}
	}
	return e, nil
}

// inboxClaimer is the store's dedupe of inbound keys.
type inboxClaimer interface {
	ClaimInbound(ctx context.Context, channel, key string, now time.Time) (bool, error)
}

// contactChange applies a change_contact callback at once (a few writes),
// deduped by its payload hash like every callback, and acknowledges it. A
// change that cannot be applied is logged; the nightly wecom_sync puts the
// organisation right.
func (c *Channel) contactChange(w http.ResponseWriter, r *http.Request, raw []byte, in inbound) {
	c.mu.RLock()
	d, st := c.dir, c.store
	c.mu.RUnlock()
	log := c.log.With(slog.String("event", "change_contact"))
	if d == nil {
		log.LogAttrs(r.Context(), slog.LevelDebug, "wecom change_contact ignored: the organisation sync is off")
		return
	}
	e, err := dirEvent(raw)
	if err != nil {
		log.LogAttrs(r.Context(), slog.LevelWarn, "wecom change_contact unreadable; ignored", slog.String("err", err.Error()))
		return
	}
	log = log.With(slog.String("change", e.Change), slog.String("user", e.Member.ExternalID), slog.Int64("dept", e.Dept.ID))
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second) // WeCom waits 5 s
	defer cancel()
	if cl, ok := st.(inboxClaimer); ok {
		fresh, err := cl.ClaimInbound(ctx, Name, "contact:"+dedupeKey(in, raw), c.now())
		if err != nil {
			log.LogAttrs(ctx, slog.LevelError, "wecom change_contact not stored; WeCom will retry", slog.Any("err", err))
			http.Error(w, "try again", http.StatusInternalServerError)
			return
		}
		if !fresh {
			log.LogAttrs(ctx, slog.LevelDebug, "wecom change_contact redelivered; ignored")
			return
		}
	}
	res, err := d.ApplyDirEvent(ctx, Name, e, c.now())
	if err != nil {
		log.LogAttrs(ctx, slog.LevelError, "wecom change_contact not applied; the next wecom_sync run repairs it", slog.Any("err", err))
		return
	}
	for _, ch := range res.Changes {
		log.LogAttrs(ctx, slog.LevelInfo, "wecom directory change", slog.String("kind", ch.Kind), slog.String("name", ch.Name), slog.String("detail", ch.Detail))
	}
	for _, p := range res.Problems {
		log.LogAttrs(ctx, slog.LevelWarn, "wecom directory change", slog.String("problem", p))
	}
}
