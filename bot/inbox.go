package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// DefaultInboxLease is how long an accepted update may stay unanswered by
// the process that accepted it before another process (or the same one,
// restarted) takes it over.
const DefaultInboxLease = 2 * time.Minute

// MaxInboxTakeovers is how many times an unanswered update is taken over
// (a lease apart) before it is given up and logged as an error.
const MaxInboxTakeovers = 5

// Inbox keeps a channel's accepted updates in the database until they are
// answered. A channel acknowledges an update to its platform (HTTP 200, or
// moving the getUpdates offset) only after Accept has stored it; if the
// process stops or dies before Done, Recover in this or another process
// hands the update back to the channel once its lease has run out (with
// its replies, if it was handled: Handled), and a process that stops in an
// orderly way releases what it did not answer (Release) so it is taken at
// once. Keys are the channel's dedupe keys, so
// a platform's redelivery of an update already accepted is not new.
type Inbox struct {
	Store   Store
	Channel string
	Lease   time.Duration // default DefaultInboxLease
	Now     func() time.Time
	Logger  *slog.Logger // the channel's logger (it names the channel)

	mu       sync.Mutex
	inflight map[string]bool // accepted here, not done yet
	waiting  map[string]bool // left for a retry (Retry), not taken again yet
}

func (x *Inbox) lease() time.Duration {
	if x.Lease > 0 {
		return x.Lease
	}
	return DefaultInboxLease
}

func (x *Inbox) now() time.Time {
	if x.Now != nil {
		return x.Now()
	}
	return time.Now()
}

func (x *Inbox) log() *slog.Logger {
	if x.Logger != nil {
		return x.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (x *Inbox) track(key string, on bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.inflight == nil {
		x.inflight = map[string]bool{}
	}
	delete(x.waiting, key)
	if on {
		x.inflight[key] = true
	} else {
		delete(x.inflight, key)
	}
}

// Accept stores an update with its payload and reports whether it is new;
// a new one must be handed to Done once answered.
func (x *Inbox) Accept(ctx context.Context, key string, payload []byte) (bool, error) {
	fresh, _, err := x.AcceptRead(ctx, key, payload, nil)
	return fresh, err
}

// AcceptRead is Accept that, with read, reads a new update's sender and
// chat states in the same transaction.
func (x *Inbox) AcceptRead(ctx context.Context, key string, payload []byte, read *crm.UpdateRead) (bool, crm.UpdateContext, error) {
	fresh, uc, err := x.Store.AcceptUpdate(ctx, x.Channel, key, payload, x.now(), read)
	if fresh {
		x.track(key, true)
	}
	return fresh, uc, err
}

// Handled keeps the replies of a handled update until Done: if this
// process stops before they are delivered, the next one delivers them
// instead of handling the update a second time.
func (x *Inbox) Handled(key string, replies []byte) { x.Keep(key, nil, replies) }

// Keep is Handled with the state changes of the handling, in one
// transaction.
func (x *Inbox) Keep(key string, changes []crm.StateChange, replies []byte) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := x.Store.SaveUpdate(ctx, x.Channel, key, changes, replies, false, nil); err != nil {
		x.log().Warn("inbox: replies not kept; the update would be handled again after a crash", slog.String("key", key), slog.Any("err", err))
	}
}

// Done marks an update answered, in one transaction with the state
// changes its answer made (the numbered options it showed). It runs on
// its own short deadline: it is called when the update's own context may
// have ended.
func (x *Inbox) Done(key string, changes []crm.StateChange) { x.DoneRead(key, changes, nil) }

// DoneRead is Done that, with next, also reads what the chat's next
// update needs, in the same transaction (nil when it failed).
func (x *Inbox) DoneRead(key string, changes []crm.StateChange, next *crm.UpdateRead) *crm.UpdateContext {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	uc, err := x.Store.SaveUpdate(ctx, x.Channel, key, changes, nil, true, next)
	x.track(key, false)
	if err != nil {
		// Left unfinished, the update is answered again after the lease.
		x.log().Warn("inbox: update answered but not marked done", slog.String("key", key), slog.Any("err", err))
		return nil
	}
	return &uc
}

// Retry leaves an update unanswered for now (its replies could not be
// delivered yet): Recover, here or in another process, takes it again once
// its lease has run out.
func (x *Inbox) Retry(key string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	delete(x.inflight, key)
	if x.waiting == nil {
		x.waiting = map[string]bool{}
	}
	x.waiting[key] = true
}

// Recover hands updates left unanswered by a stopped process to handle,
// at once and then every quarter lease, until ctx ends. handle queues the
// update for answering (and calls Done when it is answered); it returns
// false when it cannot take more (the channel is closing), and the update
// is released again.
func (x *Inbox) Recover(ctx context.Context, handle func(u crm.InboundUpdate) bool) {
	t := time.NewTicker(x.lease() / 4)
	defer t.Stop()
	for {
		if !x.recoverOnce(ctx, handle) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (x *Inbox) recoverOnce(ctx context.Context, handle func(u crm.InboundUpdate) bool) bool {
	for ctx.Err() == nil {
		us, err := x.Store.ClaimStaleInbound(ctx, x.Channel, x.now(), x.lease(), 100)
		if err != nil {
			if ctx.Err() == nil {
				x.log().Warn("inbox: looking for unanswered updates failed", slog.Any("err", err))
			}
			return true
		}
		for i, u := range us {
			x.mu.Lock()
			mine := x.inflight[u.Key]
			x.mu.Unlock()
			if mine {
				continue // still queued here, only slow
			}
			if u.Takeovers > MaxInboxTakeovers {
				x.log().Error("inbox: giving up an update that could not be answered", slog.String("key", u.Key),
					slog.Time("received_at", u.ReceivedAt), slog.Int("takeovers", u.Takeovers-1), slog.Bool("handled", u.Replies != nil))
				x.Done(u.Key, nil)
				continue
			}
			x.log().Info("inbox: answering an update a stopped process left", slog.String("key", u.Key),
				slog.Time("received_at", u.ReceivedAt))
			x.track(u.Key, true)
			if !handle(u) {
				x.track(u.Key, false)
				var keys []string
				x.mu.Lock()
				for _, v := range us[i:] {
					if !x.inflight[v.Key] {
						keys = append(keys, v.Key)
					}
				}
				x.mu.Unlock()
				x.release(keys)
				return false
			}
		}
		if len(us) < 100 {
			return true
		}
	}
	return false
}

// Release gives up the claims on every update accepted here and not yet
// answered (the channel is closing and abandoned them, or their replies
// wait for a retry), so the next process takes them at once instead of
// after the lease.
func (x *Inbox) Release() {
	x.mu.Lock()
	keys := make([]string, 0, len(x.inflight)+len(x.waiting))
	for k := range x.inflight {
		keys = append(keys, k)
	}
	for k := range x.waiting {
		keys = append(keys, k)
	}
	x.inflight, x.waiting = nil, nil
	x.mu.Unlock()
	x.release(keys)
}

func (x *Inbox) release(keys []string) {
	if len(keys) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := x.Store.ReleaseInbound(ctx, x.Channel, keys); err != nil {
		x.log().Warn("inbox: unanswered updates not released; they are taken after the lease",
			slog.Int("updates", len(keys)), slog.Any("err", err))
		return
	}
	x.log().Info("inbox: unanswered updates released for the next process", slog.Int("updates", len(keys)))
}
