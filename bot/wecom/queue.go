package wecom

import (
	"context"
	"github.com/salesbot-crm/salesbot/crm"
	"sync"
)

// job is one acknowledged callback waiting to be handled.
type job struct {
	user string
	in   inbound
	key  string // kept in the inbox until answered
	// stored are the replies of a job handled by a process that stopped
	// before they went out: they are delivered, the update not handled again.
	stored *storedReplies
}

// storedReplies are a handled callback's replies kept in the inbox until
// delivered (bot.Inbox.Handled).
type storedReplies struct {
	Lang    string        `json:"lang"`
	Replies []crm.Message `json:"replies"`
}

// queue hands acknowledged updates to a fixed pool of workers: each
// member's updates run one at a time in arrival order, different members'
// in parallel, and at most max updates wait.
type queue struct {
	mu      sync.Mutex
	pending map[string][]job // a key exists while the member is scheduled or running
	ready   chan string      // members with work, each at most once
	size    int              // updates reserved, queued or running
	max     int
	closed  bool
	run     func(job)
	wg      sync.WaitGroup
}

func newQueue(workers, max int, run func(job)) *queue {
	q := &queue{pending: map[string][]job{}, ready: make(chan string, max+workers), max: max, run: run}
	q.wg.Add(workers)
	for range workers {
		go q.work()
	}
	return q
}

func (q *queue) work() {
	defer q.wg.Done()
	for user := range q.ready {
		for {
			q.mu.Lock()
			js := q.pending[user]
			if len(js) == 0 {
				delete(q.pending, user)
				q.mu.Unlock()
				break
			}
			j := js[0]
			q.pending[user] = js[1:]
			q.mu.Unlock()
			q.run(j)
			q.mu.Lock()
			q.size--
			q.mu.Unlock()
		}
	}
}

// reserve takes room for one update; false when full or closed.
func (q *queue) reserve() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed || q.size >= q.max {
		return false
	}
	q.size++
	return true
}

// isClosed reports whether close was called.
func (q *queue) isClosed() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.closed
}

// unreserve gives back room taken by reserve.
func (q *queue) unreserve() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.size--
}

// push queues an update into room taken by reserve. It reports false if
// the queue closed in between (the update is dropped).
func (q *queue) push(j job) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		q.size--
		return false
	}
	_, scheduled := q.pending[j.user]
	q.pending[j.user] = append(q.pending[j.user], j)
	if !scheduled {
		q.ready <- j.user // never blocks: at most size ≤ max members are scheduled
	}
	return true
}

// busy reports how many updates are queued or running.
func (q *queue) busy() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.size
}

// close takes no more updates and waits until the queued ones are handled
// or ctx ends.
func (q *queue) close(ctx context.Context) error {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.ready)
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

func (q *queue) wait() { q.wg.Wait() }
