package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// RenderFunc turns an outbox row into messages for one chat. For a user
// push, to is the chat account chosen; for a group push, to.UserID is 0.
// It returns no messages when there is nothing to say any more (e.g. the
// appointment was moved): the row is then marked sent.
type RenderFunc func(ctx context.Context, item crm.OutboxItem, to crm.Identity) ([]crm.Message, error)

// WorkerStore is what the worker reads and keeps: the outbox, and the chat
// accounts of the users pushes go to.
type WorkerStore interface {
	crm.OutboxStore
	// User: NotFound.
	User(ctx context.Context, id int64) (crm.User, error)
	// Identities lists a user's bound chat accounts.
	Identities(ctx context.Context, userID int64) ([]crm.Identity, error)
}

// Worker sends the outbox through the channels.
type Worker struct {
	Store   WorkerStore
	Senders []crm.Sender // in order of preference for user pushes
	Render  RenderFunc
	// Fallback, if set, delivers user pushes for users with no reachable
	// chat account (the console, where the terminal shows everyone's).
	Fallback func(userID int64) (crm.Sender, crm.Identity)
	// UserID, if set, limits the worker to that user's pushes (a console
	// speaking as one person delivers theirs, and leaves everyone else's
	// to the channels that reach them).
	UserID int64
	Now    func() time.Time
	Logger *slog.Logger
	// Location and the quiet hours (minutes after midnight; equal means
	// none): pushes due in quiet hours wait until they end.
	Location  *time.Location
	QuietFrom int
	QuietTo   int
	Lease     time.Duration // how long a claim holds (default 2 min)
	Batch     int           // rows per claim (default 20)
	Poll      time.Duration // wait after a claim that found nothing (default 2 s)
	// MaxPoll: each claim that finds nothing doubles the wait, up to this
	// (default 10 s), so an idle process costs the database little; a
	// claim that finds rows, or Wake, starts again from Poll.
	MaxPoll time.Duration
	// Wake, if set, is signalled when this process queued pushes
	// (store.DB.OutboxWake): they go out at once, not at the next poll.
	Wake             <-chan struct{}
	MaxAttempts      int           // then the push is dead (default 10)
	ShutdownDeadline time.Duration // in-flight work on stop (default 10 s)

	sent, retried, dead, throttled atomic.Int64
}

// Stats counts sends by result since start: delivered, scheduled for a
// retry, given up, and throttled by the platform (429 / rate limit).
func (w *Worker) Stats() (sent, retried, dead, throttled int64) {
	return w.sent.Load(), w.retried.Load(), w.dead.Load(), w.throttled.Load()
}

func (w *Worker) defaults() {
	if w.Now == nil {
		w.Now = time.Now
	}
	if w.Logger == nil {
		w.Logger = slog.New(slog.DiscardHandler)
	}
	if w.Location == nil {
		w.Location = time.UTC
	}
	if w.Lease <= 0 {
		w.Lease = 2 * time.Minute
	}
	if w.Batch <= 0 {
		w.Batch = 20
	}
	if w.Poll <= 0 {
		w.Poll = 2 * time.Second
	}
	if w.MaxPoll < w.Poll {
		w.MaxPoll = max(10*time.Second, w.Poll)
	}
	if w.MaxAttempts <= 0 {
		w.MaxAttempts = 10
	}
	if w.ShutdownDeadline <= 0 {
		w.ShutdownDeadline = 10 * time.Second
	}
}

// Run sends pushes until ctx ends. On stop it claims nothing new and gives
// in-flight rows ShutdownDeadline to finish; rows it could not finish are
// released for the next instance.
func (w *Worker) Run(ctx context.Context) error {
	w.defaults()
	wait := w.Poll
	for {
		n, err := w.drainOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.Logger.Error("outbox", slog.Any("err", err))
		}
		if ctx.Err() != nil {
			return nil
		}
		if n > 0 {
			wait = w.Poll
			continue
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-w.Wake:
			t.Stop()
			wait = w.Poll
		case <-t.C:
			wait = min(2*wait, w.MaxPoll)
		}
	}
}

// Drain sends everything due now and returns how many rows it handled.
func (w *Worker) Drain(ctx context.Context) (int, error) {
	w.defaults()
	total := 0
	for {
		n, err := w.drainOnce(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

// drainOnce claims a batch and handles it. The claim uses the caller's
// context; sending continues on a context that outlives a stop request by
// ShutdownDeadline, after which unfinished rows are released.
func (w *Worker) drainOnce(ctx context.Context) (int, error) {
	if ctx.Err() != nil {
		return 0, nil
	}
	var items []crm.OutboxItem
	var err error
	if w.UserID != 0 {
		items, err = w.Store.ClaimOutboxFor(ctx, w.UserID, w.Now(), w.Lease, w.Batch)
	} else {
		items, err = w.Store.ClaimOutbox(ctx, w.Now(), w.Lease, w.Batch)
	}
	if err != nil || len(items) == 0 {
		return 0, err
	}
	work, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	var mu sync.Mutex
	var timer *time.Timer
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		timer = time.AfterFunc(w.ShutdownDeadline, cancel)
		mu.Unlock()
	})
	defer func() {
		stop()
		mu.Lock()
		if timer != nil {
			timer.Stop()
		}
		mu.Unlock()
	}()
	var wg sync.WaitGroup
	// One goroutine per recipient keeps a person's pushes in order while
	// different people are served in parallel (the channels pace).
	byRecipient := map[string][]crm.OutboxItem{}
	var order []string
	for _, it := range items {
		k := fmt.Sprintf("%d/%s/%s", it.UserID, it.Channel, it.ChatID)
		if _, ok := byRecipient[k]; !ok {
			order = append(order, k)
		}
		byRecipient[k] = append(byRecipient[k], it)
	}
	for _, k := range order {
		wg.Add(1)
		go func(list []crm.OutboxItem) {
			defer wg.Done()
			for _, it := range list {
				if work.Err() != nil {
					_ = w.Store.Release(context.WithoutCancel(ctx), it.ID)
					continue
				}
				w.handle(work, it)
			}
		}(byRecipient[k])
	}
	wg.Wait()
	return len(items), nil
}

// inQuiet reports whether t falls in the quiet hours, and when they end.
func (w *Worker) inQuiet(t time.Time) (bool, time.Time) {
	if w.QuietFrom == w.QuietTo {
		return false, t
	}
	t = t.In(w.Location)
	m := t.Hour()*60 + t.Minute()
	var quiet bool
	if w.QuietFrom < w.QuietTo {
		quiet = m >= w.QuietFrom && m < w.QuietTo
	} else {
		quiet = m >= w.QuietFrom || m < w.QuietTo
	}
	if !quiet {
		return false, t
	}
	end := time.Date(t.Year(), t.Month(), t.Day(), w.QuietTo/60, w.QuietTo%60, 0, 0, w.Location)
	if !end.After(t) {
		end = end.AddDate(0, 0, 1)
	}
	return true, end
}

func (w *Worker) handle(ctx context.Context, it crm.OutboxItem) {
	log := w.Logger.With(slog.Int64("outbox_id", it.ID), slog.String("kind", it.Kind))
	bg := context.WithoutCancel(ctx)
	if quiet, until := w.inQuiet(w.Now()); quiet && !urgent(it.Kind) {
		if err := w.Store.MarkRetry(bg, it.ID, until, "quiet hours"); err != nil {
			log.Error("outbox defer", slog.Any("err", err))
		}
		return
	}
	if it.SendStartedAt != nil {
		// Its process stopped while sending it: it may well have
		// arrived, and neither platform can tell us or take it twice
		// safely (crm.ErrUncertain), so it is not sent again.
		w.dead.Add(1)
		log.Warn("push was in flight when its process stopped; not sent again", slog.Time("send_started_at", *it.SendStartedAt))
		if err := w.Store.MarkDead(bg, it.ID, "uncertain: in flight when its process stopped"); err != nil {
			log.Error("outbox update", slog.Any("err", err))
		}
		return
	}
	// Recorded right before the first request leaves (after the channel's
	// pacing): from then on the push may arrive.
	started := sync.OnceFunc(func() {
		if err := w.Store.StartSend(bg, it.ID, w.Now()); err != nil {
			log.Error("outbox start send", slog.Any("err", err))
		}
	})
	err := w.send(crm.WithSendStart(ctx, started), it)
	var ra *crm.RetryAfterError
	switch {
	case err == nil:
		w.sent.Add(1)
		err = w.Store.MarkSent(bg, it.ID, w.Now())
	case errors.Is(err, crm.ErrUncertain):
		w.dead.Add(1)
		log.Warn("push may have arrived (no answer); not sent again", slog.Any("err", err))
		err = w.Store.MarkDead(bg, it.ID, err.Error())
	case errors.Is(err, crm.ErrUnreachable), errors.Is(err, errNoChat):
		w.dead.Add(1)
		log.Warn("push undeliverable", slog.Any("err", err))
		err = w.Store.MarkDead(bg, it.ID, err.Error())
	case it.Attempts >= w.MaxAttempts:
		w.dead.Add(1)
		log.Error("push given up", slog.Int("attempts", it.Attempts), slog.Any("err", err))
		err = w.Store.MarkDead(bg, it.ID, err.Error())
	case errors.As(err, &ra):
		w.throttled.Add(1)
		w.retried.Add(1)
		err = w.Store.MarkRetry(bg, it.ID, w.Now().Add(ra.After), err.Error())
	default:
		w.retried.Add(1)
		log.Warn("push failed, will retry", slog.Int("attempts", it.Attempts), slog.Any("err", err))
		err = w.Store.MarkRetry(bg, it.ID, w.Now().Add(Backoff(it.Attempts)), err.Error())
	}
	if err != nil {
		log.Error("outbox update", slog.Any("err", err))
	}
}

// urgent pushes go out in quiet hours too: an appointment does not wait.
func urgent(kind string) bool { return kind == crm.PushAppointment }

// Backoff is the wait after the n-th failed attempt: 30 s doubling, at most
// an hour.
func Backoff(n int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	if d > time.Hour {
		d = time.Hour
	}
	return d
}

var errNoChat = errors.New("no reachable chat account on a configured channel")

func (w *Worker) sender(channel string) crm.Sender {
	for _, s := range w.Senders {
		if s.Channel() == channel {
			return s
		}
	}
	return nil
}

// send resolves the recipient, renders and sends.
func (w *Worker) send(ctx context.Context, it crm.OutboxItem) error {
	var to crm.Identity
	var snd crm.Sender
	if it.UserID != 0 {
		ids, err := w.Store.Identities(ctx, it.UserID)
		if err != nil {
			return err
		}
		u, err := w.Store.User(ctx, it.UserID)
		if err != nil {
			return err
		}
		if !u.Active {
			return fmt.Errorf("user %d is inactive: %w", it.UserID, errNoChat)
		}
		for _, pref := range w.Senders {
			for _, id := range ids {
				if id.Reachable && id.Channel == pref.Channel() && snd == nil {
					to, snd = id, pref
				}
			}
		}
	} else {
		to = crm.Identity{Channel: it.Channel, ChatID: it.ChatID}
		snd = w.sender(it.Channel)
	}
	if snd == nil && it.UserID != 0 && w.Fallback != nil {
		snd, to = w.Fallback(it.UserID)
	}
	if snd == nil {
		return errNoChat
	}
	msgs, err := w.Render(ctx, it, to)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if err := snd.Send(ctx, to.ChatID, m); err != nil {
			return err
		}
	}
	return nil
}
