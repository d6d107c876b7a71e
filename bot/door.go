package bot

import (
	"sync"
	"time"
)

// Door limits how fast one chat account's updates are taken in, before
// anything reaches the database: a token bucket per account, generous for
// accounts this process has seen bound (a rep typing fast, pressing
// buttons) and tight for strangers (who can only ask for onboarding or try
// invite codes). The state is in memory and per process: it is a shield for
// the database, not a rule (after a restart a bound user is a stranger
// until their first update is identified, with room for StrangerBurst
// messages).
type Door struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	known   map[string]bool
}

type bucket struct {
	tokens float64
	at     time.Time
	told   bool // the refusal notice went out for this burst
}

// StrangerBurst is how many messages an account not known to be bound may
// send at once: enough to read the greeting, ask for help and try a code.
const StrangerBurst = 10

// Door limits: a bucket of Burst tokens refilled at Rate a second.
const (
	strangerRate = 1.0 / 6 // ten messages a minute after the burst
	boundBurst   = 30
	boundRate    = 1.0 // a message a second after the burst
	doorMaxKeys  = 10000
)

// Admission is Door.Admit's answer.
type Admission int

const (
	Admitted Admission = iota
	// RefusedNotice: refused, and this is the first refusal of the burst:
	// tell the person once.
	RefusedNotice
	// Refused: refused silently.
	Refused
)

// NewDoor returns an empty door.
func NewDoor() *Door { return &Door{buckets: map[string]*bucket{}, known: map[string]bool{}} }

// Known marks a chat account as bound (Bot.Handle does, after identifying).
func (d *Door) Known(channel, user string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.known) >= doorMaxKeys {
		clear(d.known)
	}
	key := channel + "\x00" + user
	if !d.known[key] {
		d.known[key] = true
		delete(d.buckets, key) // a fresh, bound-sized bucket
	}
}

// Admit takes one token from the account's bucket.
func (d *Door) Admit(channel, user string, now time.Time) Admission {
	if d == nil {
		return Admitted
	}
	key := channel + "\x00" + user
	d.mu.Lock()
	defer d.mu.Unlock()
	burst, rate := float64(StrangerBurst), strangerRate
	if d.known[key] {
		burst, rate = boundBurst, boundRate
	}
	b := d.buckets[key]
	if b == nil {
		if len(d.buckets) >= doorMaxKeys {
			d.prune(now)
		}
		b = &bucket{tokens: burst, at: now}
		d.buckets[key] = b
	}
	if el := now.Sub(b.at).Seconds(); el > 0 {
		b.tokens = min(burst, b.tokens+el*rate)
		b.at = now
	}
	if b.tokens >= 1 {
		b.tokens--
		b.told = false
		return Admitted
	}
	if b.told {
		return Refused
	}
	b.told = true
	return RefusedNotice
}

// prune forgets buckets that have refilled (they equal a fresh one).
func (d *Door) prune(now time.Time) {
	for k, b := range d.buckets {
		if now.Sub(b.at) > time.Duration(float64(boundBurst)/strangerRate)*time.Second {
			delete(d.buckets, k)
		}
	}
	if len(d.buckets) >= doorMaxKeys {
		clear(d.buckets)
	}
}
