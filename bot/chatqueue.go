package bot

import (
	"context"
	"errors"
	"sync"
)

// Errors of ChatQueue.Reserve.
var (
	// ErrQueueClosed: the queue takes nothing more (the process stops).
	ErrQueueClosed = errors.New("bot: queue closed")
	// ErrQueueFull: every slot is taken (and the caller would not wait).
	ErrQueueFull = errors.New("bot: queue full")
	// ErrChatBusy: this chat has PerChat updates waiting already; the
	// update is dropped. ErrChatBusyNotice is the first such refusal of a
	// burst: answer it once ("one at a time, please").
	ErrChatBusy       = errors.New("bot: chat has too many updates waiting")
	ErrChatBusyNotice = errors.New("bot: chat has too many updates waiting (first refusal)")
)

// ChatQueue hands accepted updates to a pool of workers, the same for every
// channel: a chat's updates run one at a time in arrival order; chats take
// turns, one update each, so a chat's backlog never holds up another chat;
// at most perChat updates of one chat and max in all wait or run.
type ChatQueue[J any] struct {
	mu      sync.Mutex
	cond    *sync.Cond
	pending map[string][]J // a key exists while the chat is scheduled or running
	count   map[string]int // reserved, queued or running, per chat
	noticed map[string]bool
	ready   []string // chats with work, in turn; each at most once
	busy    int      // reserved, queued or running (Busy); under mu, so it orders with the work
	closed  bool
	slots   chan struct{}
	closing chan struct{}
	perChat int
	run     func(J)
	wg      sync.WaitGroup
}

// NewChatQueue starts workers that call run for each queued update.
func NewChatQueue[J any](workers, max, perChat int, run func(J)) *ChatQueue[J] {
	q := &ChatQueue[J]{pending: map[string][]J{}, count: map[string]int{}, noticed: map[string]bool{},
		slots: make(chan struct{}, max), closing: make(chan struct{}), perChat: perChat, run: run}
	q.cond = sync.NewCond(&q.mu)
	q.wg.Add(workers)
	for range workers {
		go q.work()
	}
	return q
}

func (q *ChatQueue[J]) work() {
	defer q.wg.Done()
	q.mu.Lock()
	defer q.mu.Unlock()
	for {
		for len(q.ready) == 0 && !q.closed {
			q.cond.Wait()
		}
		if len(q.ready) == 0 {
			return // closed, and what is left belongs to running workers
		}
		chat := q.ready[0]
		q.ready = q.ready[1:]
		j := q.pending[chat][0]
		q.pending[chat] = q.pending[chat][1:]
		q.mu.Unlock()
		q.run(j)
		<-q.slots
		q.mu.Lock()
		q.busy--
		if q.count[chat]--; q.count[chat] <= 0 {
			delete(q.count, chat)
			delete(q.noticed, chat)
		}
		if len(q.pending[chat]) > 0 {
			q.ready = append(q.ready, chat) // its next turn comes after the others'
			q.cond.Signal()
		} else {
			delete(q.pending, chat)
		}
	}
}

// Reserve takes room for one update of chat. A chat with perChat updates
// waiting is refused at once (ErrChatBusyNotice the first time in a burst,
// ErrChatBusy after); otherwise, with wait, it waits for a free slot until
// ctx ends or the queue closes; without, a full queue is ErrQueueFull.
func (q *ChatQueue[J]) Reserve(ctx context.Context, chat string, wait bool) error {
	_, err := q.reserve(ctx, chat, wait)
	return err
}

// reserve is Reserve; idle reports that nothing else of the chat was
// reserved, queued or running when it took the room.
func (q *ChatQueue[J]) reserve(ctx context.Context, chat string, wait bool) (idle bool, err error) {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return false, ErrQueueClosed
	}
	if q.count[chat] >= q.perChat {
		first := !q.noticed[chat]
		q.noticed[chat] = true
		q.mu.Unlock()
		if first {
			return false, ErrChatBusyNotice
		}
		return false, ErrChatBusy
	}
	idle = q.count[chat] == 0
	q.count[chat]++
	q.mu.Unlock()
	if wait {
		select {
		case q.slots <- struct{}{}:
			q.addBusy(1)
			return idle, nil
		case <-ctx.Done():
			q.uncount(chat)
			return false, ctx.Err()
		case <-q.closing:
			q.uncount(chat)
			return false, ErrQueueClosed
		}
	}
	select {
	case q.slots <- struct{}{}:
		q.addBusy(1)
		return idle, nil
	default:
		q.uncount(chat)
		return false, ErrQueueFull
	}
}

func (q *ChatQueue[J]) addBusy(n int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.busy += n
}

func (q *ChatQueue[J]) uncount(chat string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.count[chat]--; q.count[chat] <= 0 {
		delete(q.count, chat)
	}
}

// Unreserve gives back room taken by Reserve (the update was not queued).
func (q *ChatQueue[J]) Unreserve(chat string) {
	<-q.slots
	q.addBusy(-1)
	q.uncount(chat)
}

// Push queues an update into room taken by Reserve. It reports false if the
// queue closed in between (the update is not run; its room is given back).
func (q *ChatQueue[J]) Push(chat string, j J) bool {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		q.Unreserve(chat)
		return false
	}
	defer q.mu.Unlock()
	_, scheduled := q.pending[chat]
	q.pending[chat] = append(q.pending[chat], j)
	if !scheduled {
		q.ready = append(q.ready, chat)
		q.cond.Signal()
	}
	return true
}

// next returns the chat's next queued update, if any.
func (q *ChatQueue[J]) next(chat string) (J, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if p := q.pending[chat]; len(p) > 0 {
		return p[0], true
	}
	var zero J
	return zero, false
}

// Busy reports how many updates are reserved, queued or running. When it
// reports 0, everything the finished updates did happens before the call
// returns (it is read under the lock the workers take after each update).
func (q *ChatQueue[J]) Busy() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.busy
}

// Closed reports whether Close was called.
func (q *ChatQueue[J]) Closed() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.closed
}

// Wait waits until every worker has returned (after Close).
func (q *ChatQueue[J]) Wait() { q.wg.Wait() }

// Close takes no more updates and waits until the queued ones are run or
// ctx ends.
func (q *ChatQueue[J]) Close(ctx context.Context) error {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.closing)
		q.cond.Broadcast()
	}
	q.mu.Unlock()
	done := make(chan struct{})
	go func() {
		q.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
