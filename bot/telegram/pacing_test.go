package telegram

import (
	"context"
	"testing"
	"time"
)

// 429s for three chats within a second mean the bot as a whole is over
// Telegram's limit (#19 item 1): every chat is held until retry_after, not
// only the ones that were told; one or two chats' 429s hold only them.
func TestGlobal429HoldsEveryChat(t *testing.T) {
	now := time.Date(2026, 12, 8, 8, 30, 0, 0, time.UTC)
	var slept []time.Duration
	p := newPacer(func() time.Time { return now }, func(_ context.Context, d time.Duration) error {
		slept = append(slept, d)
		return nil
	}, defaultLimits())
	ctx := context.Background()
	turn := func(chat int64) *chatPace {
		cp, err := p.acquire(ctx, chat)
		if err != nil {
			t.Fatal(err)
		}
		p.release(cp)
		return cp
	}
	waitFor := func(chat int64) time.Duration {
		slept = nil
		cp, _ := p.acquire(ctx, chat)
		defer p.release(cp)
		if err := p.wait(ctx, cp, lanePush); err != nil {
			t.Fatal(err)
		}
		var total time.Duration
		for _, d := range slept {
			total += d
		}
		return total
	}

	p.hold(turn(1), now.Add(5*time.Second))
	if d := waitFor(3); d != 0 {
		t.Fatalf("one chat's 429 held another chat %v", d)
	}
	p.hold(turn(2), now.Add(5*time.Second))
	if d := waitFor(4); d != 0 {
		t.Fatalf("two chats' 429s held another chat %v", d)
	}
	p.hold(turn(3), now.Add(5*time.Second))
	if d := waitFor(5); d < 5*time.Second {
		t.Fatalf("after 429s for three chats another chat waited %v, want the retry_after", d)
	}
}
