package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// Adapter is a channel's part of the update pipeline: it reads its
// platform's updates and delivers replies; Pipeline does the rest (the
// door, per-chat order, the durable inbox, identifying the sender,
// handling, keeping replies, recovery after a restart). A channel's
// webhook or poll loop translates what the platform sent and hands it to
// Pipeline.Accept; it acknowledges the update to the platform once Accept
// returns nil.
type Adapter interface {
	// Send delivers a message outside any update (a push; the door's
	// notices): it returns a *crm.RetryAfterError rather than wait.
	crm.Sender
	// Translate reads an accepted update's payload again (an update taken
	// over from a stopped process).
	Translate(payload []byte) (Incoming, error)
	// Prepare runs on the update's worker, once the sender is identified
	// and before the bot handles the update: the platform's
	// acknowledgements (a callback query answered, a card greyed out) and
	// what only the platform can tell (a display name). An error leaves
	// the update in the inbox for a retry.
	Prepare(ctx context.Context, in *Incoming, s Sender) (Prepared, error)
	// Deliver sends d.Replies to d.ChatID in order and reports how many of
	// them went out before an error. It may reshape d.Replies first and
	// clears d.Target once it has used it; numbered options it shows are
	// reported with Pipeline.Showed.
	Deliver(ctx context.Context, d *Delivery) (int, error)
	// Retryable reports whether a failed delivery is worth trying again
	// later (the platform or the network failed), not when the person is
	// gone or the platform refused the message itself.
	Retryable(err error) bool
}

// Prepared is what Adapter.Prepare decided.
type Prepared int

const (
	// Proceed: the bot handles the update.
	Proceed Prepared = iota
	// Skip: nothing more to do.
	Skip
	// Stale: a press on buttons that were not sent to this sender; it is
	// answered as a stale button without reaching the bot.
	Stale
)

// Sender is who sent an update, as Prepare needs to know.
type Sender struct {
	Bound  bool
	Locale string // the user's language setting, "" for none
}

// Incoming is one platform update, translated.
type Incoming struct {
	Update Update
	// Handle gives Update to the bot. Without it only Prepare runs (when
	// Ack is set: a callback query to answer), or nothing (the key alone
	// is stored, so a redelivery is known).
	Handle bool
	Ack    bool
	// Queue names the chat whose turn the update takes (default
	// Update.ChatID).
	Queue string
	// Greeting: the person opened the app. A bound sender needs nothing;
	// one not bound is greeted (Update.Text) at most once a day.
	Greeting bool
	// Quiet: the replies are not delivered (a group hears the bot only in
	// answer to a command).
	Quiet bool
	// Target is what delivery needs of the platform beyond the chat
	// (Telegram: the message whose button was pressed, to edit).
	Target string
	// Raw is the adapter's own reading of the update, for Prepare.
	Raw any
}

func (in *Incoming) queue() string {
	if in.Queue != "" {
		return in.Queue
	}
	return in.Update.ChatID
}

// Delivery is replies on their way to a chat. It is what the inbox keeps
// of a handled update until the replies are out (JSON).
type Delivery struct {
	ChatID  string        `json:"-"`
	Lang    string        `json:"lang,omitempty"` // the sender's language setting
	Target  string        `json:"target,omitempty"`
	Thread  string        `json:"thread,omitempty"` // the forum topic replies go to
	Replies []crm.Message `json:"replies"`
}

// PipelineOptions configures a channel's pipeline.
type PipelineOptions struct {
	Channel string
	Logger  *slog.Logger // the channel's (it names the channel)
	Now     func() time.Time
	// Workers answer updates; QueueSize bounds the updates accepted and
	// not answered yet; PerChat bounds one chat's (more are dropped with
	// one notice).
	Workers, QueueSize, PerChat int
	// Timeout bounds the answering of one update (0: none).
	Timeout time.Duration
	// Lease is the inbox lease (default DefaultInboxLease).
	Lease time.Duration
	// Numbered: the channel shows buttons as numbered options, so a typed
	// number answers the options last shown.
	Numbered bool
	// NoInbox: updates are not kept (the console: nothing is acknowledged
	// to a platform); Run answers them.
	NoInbox bool
}

// Pipeline answers one channel's updates.
type Pipeline struct {
	bot   *Bot
	ad    Adapter
	opt   PipelineOptions
	log   *slog.Logger
	store Store
	inbox *Inbox
	q     *ChatQueue[job]

	// unsettled counts, per chat, the updates accepted whose handling may
	// still change what handling reads first (the sender's binding, the
	// chat's states): an update accepted while there are none can read
	// those with its accept.
	mu        sync.Mutex
	unsettled map[string]int

	base    context.Context // answering; cancelled when Close gives up
	cancel  context.CancelFunc
	recov   context.CancelFunc
	loops   sync.WaitGroup // recovery and notices
	closeMu sync.Mutex
	closed  bool
}

// job is an accepted update waiting for its worker.
type job struct {
	key string // kept in the inbox until answered ("" for none)
	in  Incoming
	// pre is what was read with the accept (nil: read on the worker), for
	// the state keys asked.
	pre   *crm.UpdateContext
	asked []string
	// settle tells the pipeline that the update's handling has saved what
	// it changes (it is called once; nil for none).
	settle func()
	// later is filled, when pre is nil, by the chat's update before it,
	// reading with its done mark.
	later *prefetch
	// kept are the replies of an update handled by a process that stopped
	// before they went out: they are delivered, the update not handled again.
	kept *Delivery
}

// NewPipeline starts a channel's workers and, unless NoInbox, the
// recovery of updates a stopped process left unanswered.
func (b *Bot) NewPipeline(ad Adapter, opt PipelineOptions) *Pipeline {
	if opt.Logger == nil {
		opt.Logger = b.opt.Logger
	}
	if opt.Now == nil {
		opt.Now = b.opt.Now
	}
	opt.Workers, opt.QueueSize, opt.PerChat = max(opt.Workers, 1), max(opt.QueueSize, 1), max(opt.PerChat, 1)
	p := &Pipeline{bot: b, ad: ad, opt: opt, log: opt.Logger, store: b.opt.Store, unsettled: map[string]int{}}
	p.base, p.cancel = context.WithCancel(context.Background())
	if !opt.NoInbox {
		p.inbox = &Inbox{Store: b.opt.Store, Channel: opt.Channel, Lease: opt.Lease, Now: opt.Now, Logger: opt.Logger}
		p.q = NewChatQueue(opt.Workers, opt.QueueSize, opt.PerChat, p.run)
		var rctx context.Context
		rctx, p.recov = context.WithCancel(p.base)
		p.loops.Go(func() { p.recoverInbox(rctx) })
	}
	return p
}

// Busy reports how many updates are accepted and not answered yet.
func (p *Pipeline) Busy() int {
	if p.q == nil {
		return 0
	}
	return p.q.Busy()
}

// Accept takes in an update the platform delivered: through the door, into
// its chat's queue and the durable inbox (under key, with payload), then to
// a worker. It returns nil when the platform may be told the update
// arrived: stored, a redelivery, or refused at the door or for a flooding
// chat (with one notice). Otherwise the platform should deliver it again:
// ErrQueueClosed, ErrQueueFull (without wait), ctx's error or a store
// error. With wait it waits for room in the queue until ctx ends.
func (p *Pipeline) Accept(ctx context.Context, key string, payload []byte, in Incoming, wait bool) error {
	if !in.Handle && !in.Ack {
		// Nothing to answer: the key alone keeps a redelivery out.
		if _, err := p.store.ClaimInbound(ctx, p.opt.Channel, key, p.opt.Now()); err != nil {
			return fmt.Errorf("bot: store %s update: %w", p.opt.Channel, err)
		}
		return nil
	}
	if in.Handle {
		// Before anything reaches the database: a chat sending faster
		// than a person types is held back.
		switch p.bot.Admit(p.opt.Channel, in.Update.UserID) {
		case RefusedNotice:
			p.log.Warn("chat over its message rate; dropped", slog.String("chat_id", in.Update.ChatID))
			p.notice(in, "door.slow_down")
			return nil
		case Refused:
			return nil
		}
	}
	chat := in.queue()
	idle, err := p.q.reserve(ctx, chat, wait)
	if err != nil {
		switch {
		case errors.Is(err, ErrChatBusyNotice):
			p.log.Warn("chat has too many updates waiting; dropped", slog.String("chat_id", in.Update.ChatID))
			p.notice(in, "queue.one_at_a_time")
			return nil
		case errors.Is(err, ErrChatBusy):
			return nil
		}
		return err
	}
	settled, settle := p.track(chat)
	var read *crm.UpdateRead
	if in.Handle && settled {
		// Nothing of this chat that is handled before it may still change
		// its sender's binding or its states: what is read now is what
		// its worker would read. The numbered options are saved with an
		// update's done mark: read only when nothing of the chat is left.
		r := p.readFor(&in, idle)
		read = &r
	}
	fresh, uc, err := p.inbox.AcceptRead(ctx, key, payload, read)
	if err != nil || !fresh {
		settle()
		p.q.Unreserve(chat)
		if err != nil {
			return fmt.Errorf("bot: store %s update: %w", p.opt.Channel, err)
		}
		return nil
	}
	j := job{key: key, in: in, settle: settle, later: &prefetch{}}
	if read != nil {
		j.pre, j.asked = &uc, read.StateKeys
	}
	if !p.q.Push(chat, j) {
		p.log.Warn("update accepted while closing; the next process answers it", slog.String("key", key))
	}
	return nil
}

// Run answers an update at once, on the caller's goroutine, with nothing
// kept (the console).
func (p *Pipeline) Run(ctx context.Context, in Incoming) {
	if _, changes := p.answer(ctx, job{in: in}); len(changes) > 0 {
		if _, err := p.store.SaveUpdate(ctx, p.opt.Channel, "", changes, nil, false, nil); err != nil {
			p.log.Warn("conversation state not saved", slog.String("chat_id", in.Update.ChatID), slog.Any("err", err))
		}
	}
}

// notice tells a chat, once per burst, why its message was not taken in. It
// is sent on its own goroutine (pacing may wait), which Close waits for.
func (p *Pipeline) notice(in Incoming, key string) {
	if in.Update.Group {
		return // a group is not told about one member's flood
	}
	m := p.bot.Notice(key, in.Update.LangCode)
	p.loops.Go(func() {
		if err := p.ad.Send(p.base, in.Update.ChatID, m); err != nil {
			p.log.Warn("notice not sent", slog.String("chat_id", in.Update.ChatID), slog.Any("err", err))
		}
	})
}

// track counts an update of chat as unsettled and reports whether it is
// the only one; settle (call it once) takes it off.
func (p *Pipeline) track(chat string) (only bool, settle func()) {
	p.mu.Lock()
	only = p.unsettled[chat] == 0
	p.unsettled[chat]++
	p.mu.Unlock()
	var once sync.Once
	return only, func() {
		once.Do(func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			if p.unsettled[chat]--; p.unsettled[chat] <= 0 {
				delete(p.unsettled, chat)
			}
		})
	}
}

// readFor is what handling the update reads first (with numbered, the
// numbered options a typed number may answer).
func (p *Pipeline) readFor(in *Incoming, numbered bool) crm.UpdateRead {
	u := in.Update
	keys := []string{u.UserID}
	if p.opt.Numbered && numbered && u.Button == "" {
		if _, ok := parseNumber(u.Text); ok {
			keys = append(keys, numberedKey)
		}
	}
	return crm.UpdateRead{Channel: u.Channel, ExternalID: u.UserID, Reachable: !u.Group, ChatID: u.ChatID, StateKeys: keys, Now: p.opt.Now()}
}

// recoverInbox answers updates a stopped process accepted and left
// unanswered: their kept replies if they were handled, else the update.
func (p *Pipeline) recoverInbox(ctx context.Context) {
	p.inbox.Recover(ctx, func(iu crm.InboundUpdate) bool {
		in, err := p.ad.Translate(iu.Payload)
		if err != nil {
			p.log.Error("stored update unreadable; dropped", slog.String("key", iu.Key), slog.Any("err", err))
			p.inbox.Done(iu.Key, nil)
			return true
		}
		j := job{key: iu.Key, in: in, later: &prefetch{}}
		if iu.Replies != nil {
			var d Delivery
			if err := json.Unmarshal(iu.Replies, &d); err != nil {
				p.log.Error("stored replies unreadable; dropped", slog.String("key", iu.Key), slog.Any("err", err))
				p.inbox.Done(iu.Key, nil)
				return true
			}
			d.ChatID = in.Update.ChatID
			j.kept = &d
		}
		chat := in.queue()
		for {
			_, err := p.q.reserve(ctx, chat, true)
			if err == nil {
				break
			}
			if !errors.Is(err, ErrChatBusy) && !errors.Is(err, ErrChatBusyNotice) || Sleep(ctx, 100*time.Millisecond) != nil {
				return false
			}
		}
		_, j.settle = p.track(chat)
		if !p.q.Push(chat, j) {
			j.settle()
			return false
		}
		return true
	})
}

// run answers one queued update and settles it in the inbox: done, left
// for a retry, or (cut short by Close) left for the next process.
func (p *Pipeline) run(j job) {
	ctx := p.base
	if p.opt.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.opt.Timeout)
		defer cancel()
	}
	answered, changes := false, []crm.StateChange(nil)
	defer func() {
		if j.settle != nil {
			defer j.settle()
		}
		switch {
		case p.base.Err() != nil:
			// Cut short by Close giving up: left for the next process.
		case answered:
			p.done(j, changes)
		default:
			p.inbox.Retry(j.key)
		}
	}()
	answered, changes = p.answer(ctx, j)
}

// answer handles an update (or delivers its kept replies) and reports
// whether it is answered, with the state changes to save with that.
func (p *Pipeline) answer(ctx context.Context, j job) (answered bool, changes []crm.StateChange) {
	defer func() {
		if v := recover(); v != nil {
			p.log.Error("panic while answering an update", slog.String("chat_id", j.in.Update.ChatID), slog.Any("panic", v))
			answered, changes = true, nil
		}
	}()
	if j.kept != nil {
		// Handled by a process that stopped before its replies went out.
		return p.deliver(ctx, j.key, j.kept, false, true, nil)
	}
	in := j.in
	if !in.Handle {
		if in.Ack {
			if _, err := p.ad.Prepare(ctx, &in, Sender{}); err != nil {
				p.log.Warn("acknowledging an update failed", slog.String("chat_id", in.Update.ChatID), slog.Any("err", err))
			}
		}
		return true, nil
	}
	sc := &scope{channel: in.Update.Channel, chat: in.Update.ChatID, user: in.Update.UserID, asked: map[string]bool{}}
	if j.pre == nil && j.later != nil {
		j.pre, j.asked = j.later.get()
	}
	if j.pre == nil {
		r := p.readFor(&in, true)
		j.pre, j.asked = p.read(ctx, r), r.StateKeys
	}
	sc.pre = j.pre
	for _, k := range j.asked {
		sc.asked[k] = true
	}
	who := Sender{}
	if sc.pre != nil && sc.pre.User.ID != 0 {
		who = Sender{Bound: true, Locale: sc.pre.User.Locale}
	}
	if in.Greeting && sc.pre != nil {
		if who.Bound {
			return true, nil // a bound member opening the app needs no greeting
		}
		// Greet a person who is not bound yet once a day when they open the app.
		day := p.opt.Now().Format("2006-01-02")
		if fresh, err := p.store.ClaimInbound(ctx, p.opt.Channel, "greet:"+in.Update.UserID+":"+day, p.opt.Now()); err != nil || !fresh {
			return true, nil
		}
	}
	switch v, err := p.ad.Prepare(ctx, &in, who); {
	case err != nil:
		p.log.Error("update not prepared; left for a retry", slog.String("chat_id", in.Update.ChatID), slog.Any("err", err))
		return false, nil
	case v == Skip:
		return true, nil
	case v == Stale:
		d := &Delivery{ChatID: in.Update.ChatID, Lang: who.Locale, Replies: []crm.Message{p.bot.noticeFor(who.Locale, in.Update.LangCode, "button.stale")}}
		return p.deliver(ctx, j.key, d, true, false, nil)
	}
	if p.opt.Numbered && in.Update.Button == "" {
		if data, ok := p.typedNumber(ctx, sc, in.Update.Text); ok {
			in.Update.Text, in.Update.Button = "", data
		}
	}
	hctx, wrote := crm.WithWriteMark(withScope(ctx, sc))
	endReads := func() {}
	if rb, ok := p.store.(crm.ReadBatcher); ok {
		// The handler's reads share one transaction.
		hctx, endReads = rb.BatchReads(hctx)
	}
	replies := p.bot.Handle(hctx, in.Update)
	endReads()
	if ctx.Err() != nil {
		// Cut short (Close gave up, or the update's time ran out): what
		// it said may be an apology for that. Left for the next try.
		return false, nil
	}
	changes = sc.changes()
	if len(replies) == 0 || in.Quiet {
		if len(replies) > 0 {
			p.log.Debug("replies held back", slog.String("chat_id", in.Update.ChatID))
		}
		return true, changes
	}
	d := &Delivery{ChatID: in.Update.ChatID, Lang: who.Locale, Target: in.Target, Thread: in.Update.Thread, Replies: replies}
	if !wrote.Load() {
		// Nothing but the conversation state changed: the changes are
		// saved with the done mark. A crash before it leaves both
		// unsaved, and the update is handled again from the same state.
		if len(changes) == 0 && j.settle != nil {
			j.settle()
		}
		return p.deliver(ctx, j.key, d, false, false, changes)
	}
	// The update changed data: its replies are kept with its state
	// changes, so that after a crash they are delivered, not made again.
	if !p.keep(ctx, j.key, changes, d) {
		return false, nil
	}
	if j.settle != nil {
		j.settle()
	}
	return p.deliver(ctx, j.key, d, false, true, nil)
}

// prefetch is what an update's predecessor in its chat read for it.
type prefetch struct {
	mu    sync.Mutex
	uc    *crm.UpdateContext
	asked []string
}

func (f *prefetch) get() (*crm.UpdateContext, []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.uc, f.asked
}

// done marks an update answered with its state changes and, when the
// chat's next update waits with nothing read for it, reads that in the
// same transaction.
func (p *Pipeline) done(j job, changes []crm.StateChange) {
	nj, ok := p.q.next(j.in.queue())
	if !ok || nj.pre != nil || nj.later == nil || nj.kept != nil || !nj.in.Handle {
		p.inbox.Done(j.key, changes)
		return
	}
	r := p.readFor(&nj.in, true)
	if uc := p.inbox.DoneRead(j.key, changes, &r); uc != nil {
		nj.later.mu.Lock()
		nj.later.uc, nj.later.asked = uc, r.StateKeys
		nj.later.mu.Unlock()
	}
}

// read reads what handling needs first, for an update whose accept did not
// (it was taken over, or its chat was busy): nil when it fails (the
// handler's own reads try again).
func (p *Pipeline) read(ctx context.Context, r crm.UpdateRead) *crm.UpdateContext {
	uc, err := p.store.ReadUpdate(ctx, r)
	if err != nil {
		p.log.Warn("reading an update's sender failed", slog.String("chat_id", r.ChatID), slog.Any("err", err))
		return nil
	}
	return &uc
}

// keep saves a handled update's state changes with its replies (without a
// key: the changes alone), trying a transient failure again.
func (p *Pipeline) keep(ctx context.Context, key string, changes []crm.StateChange, d *Delivery) bool {
	var data []byte
	if key != "" {
		var err error
		if data, err = json.Marshal(d); err != nil {
			p.log.Error("replies not kept", slog.String("key", key), slog.Any("err", err))
			return false
		}
	}
	for attempt := 0; ; attempt++ {
		_, err := p.store.SaveUpdate(ctx, p.opt.Channel, key, changes, data, false, nil)
		if err == nil {
			return true
		}
		if attempt < len(transientBackoff) && p.bot.opt.Transient != nil && p.bot.opt.Transient(err) && p.bot.opt.Sleep(ctx, transientBackoff[attempt]) == nil {
			continue
		}
		// Nothing of the handling was kept: the update is handled again.
		p.log.Error("handled update not saved; left for a retry", slog.String("key", key), slog.Any("err", err))
		return false
	}
}

// deliver sends replies and reports whether the update is answered (with
// the numbered options shown, to save): false when what is left failed in
// a way worth retrying later, after keeping what is left. keepOptions: the
// replies leave the chat's numbered options as they were (a notice that
// asks nothing); kept: the inbox holds d already; unsaved: the state
// changes of the handling, saved with the done mark (or with what is kept).
func (p *Pipeline) deliver(ctx context.Context, key string, d *Delivery, keepOptions, kept bool, unsaved []crm.StateChange) (bool, []crm.StateChange) {
	sh := &shown{chat: d.ChatID, keep: keepOptions}
	sent, err := p.ad.Deliver(context.WithValue(ctx, shownKey{}, sh), d)
	if err == nil {
		return true, append(unsaved, sh.changes(p, d.ChatID)...)
	}
	p.log.Warn("reply not delivered", slog.String("chat_id", d.ChatID), slog.Int("sent", sent), slog.Int("of", len(d.Replies)), slog.Any("err", err))
	if key == "" || (!p.ad.Retryable(err) && ctx.Err() == nil) {
		return true, unsaved // as answered as it can be
	}
	if sent > 0 || !kept {
		// What is left is kept, with the state changes not saved yet: the
		// next try delivers it, without handling the update again.
		d.Replies = d.Replies[sent:]
		if data, err := json.Marshal(d); err == nil {
			p.inbox.Keep(key, unsaved, data)
		}
	}
	return false, nil
}

// Close stops taking updates and waits until those accepted are answered,
// at most until ctx ends; then it cancels what still runs (left for the
// next process) and returns ctx's error. What is unanswered is released
// for the next process.
func (p *Pipeline) Close(ctx context.Context) error {
	p.closeMu.Lock()
	if p.closed {
		p.closeMu.Unlock()
		return nil
	}
	p.closed = true
	p.closeMu.Unlock()
	if p.recov != nil {
		p.recov()
	}
	var err error
	if p.q != nil {
		if err = p.q.Close(ctx); err != nil {
			p.cancel()
			t := time.NewTimer(2 * time.Second)
			done := make(chan struct{})
			go func() { p.q.Wait(); close(done) }()
			select { // cancelled calls return quickly
			case <-done:
			case <-t.C:
			}
			t.Stop()
		}
	}
	p.cancel()
	p.loops.Wait()
	if p.inbox != nil {
		p.inbox.Release() // the next process answers what is left at once
	}
	return err
}
