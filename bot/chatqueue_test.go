package bot

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// Chats take turns: a chat with a backlog of 20 does not hold up a chat
// that queued one update after it, even with a single worker; each chat's
// own updates run in order.
func TestChatQueueIsFairAndOrdered(t *testing.T) {
	var mu sync.Mutex
	var ran []string
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	q := NewChatQueue(1, 100, 50, func(j string) {
		select {
		case started <- struct{}{}:
			<-release // hold the first job until everything is queued
		default:
		}
		mu.Lock()
		ran = append(ran, j)
		mu.Unlock()
	})
	ctx := context.Background()
	push := func(chat, j string) {
		if err := q.Reserve(ctx, chat, false); err != nil {
			t.Fatal(err)
		}
		q.Push(chat, j)
	}
	push("flood", "f0")
	<-started
	for i := 1; i < 20; i++ {
		push("flood", "f"+string(rune('a'+i)))
	}
	push("rep", "r0")
	push("rep", "r1")
	close(release)
	if err := q.Close(ctx); err != nil {
		t.Fatal(err)
	}
	pos := map[string]int{}
	for i, j := range ran {
		pos[j] = i
	}
	if len(ran) != 22 {
		t.Fatalf("ran %d jobs: %v", len(ran), ran)
	}
	if pos["r0"] > 2 || pos["r1"] > 4 {
		t.Fatalf("the rep waited behind the flood: %v", ran)
	}
	for i := 2; i < 20; i++ {
		if pos["f"+string(rune('a'+i))] < pos["f"+string(rune('a'+i-1))] {
			t.Fatalf("a chat's updates ran out of order: %v", ran)
		}
	}
}

// A chat over its cap is refused at once, told once per burst; the cap
// frees as its updates finish; a full queue is refused without waiting, or
// waited for.
func TestChatQueueCaps(t *testing.T) {
	block := make(chan struct{})
	q := NewChatQueue(1, 4, 2, func(string) { <-block })
	ctx := context.Background()
	for range 2 {
		if err := q.Reserve(ctx, "a", false); err != nil {
			t.Fatal(err)
		}
		q.Push("a", "x")
	}
	if err := q.Reserve(ctx, "a", false); !errors.Is(err, ErrChatBusyNotice) {
		t.Fatalf("third of a: %v", err)
	}
	if err := q.Reserve(ctx, "a", false); !errors.Is(err, ErrChatBusy) {
		t.Fatalf("fourth of a: %v", err)
	}
	for _, c := range []string{"b", "c"} {
		if err := q.Reserve(ctx, c, false); err != nil {
			t.Fatal(err)
		}
		q.Push(c, "x")
	}
	if err := q.Reserve(ctx, "d", false); !errors.Is(err, ErrQueueFull) {
		t.Fatalf("full queue: %v", err)
	}
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := q.Reserve(short, "d", true); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting on a full queue: %v", err)
	}
	close(block)
	if err := q.Reserve(ctx, "d", true); err != nil {
		t.Fatalf("after room freed: %v", err)
	}
	q.Push("d", "x")
	if err := q.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := q.Reserve(ctx, "a", false); !errors.Is(err, ErrQueueClosed) {
		t.Fatalf("after close: %v", err)
	}
	if q.Busy() != 0 {
		t.Fatalf("busy %d after close", q.Busy())
	}
}
