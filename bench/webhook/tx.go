package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// txCase is one kind of update whose database cost --tx measures.
type txCase struct {
	name string
	run  func(ctx context.Context, r *rep)
}

var txCases = []txCase{
	{"/help", func(ctx context.Context, r *rep) { r.say(ctx, "/help", "") }},
	{"/today", func(ctx context.Context, r *rep) { r.say(ctx, "/today", "") }},
	{"/my", func(ctx context.Context, r *rep) { r.say(ctx, "/my", "") }},
	{"/find NAME", func(ctx context.Context, r *rep) { r.say(ctx, "/find "+r.pick().trade, "") }},
	{"/visit form (start + 2 steps)", func(ctx context.Context, r *rep) { r.flowVisit(ctx) }},
}

// runTx measures database transactions per update (pg_stat_database
// xact_commit + xact_rollback of a fresh database) through the real
// program's webhook: the idle rate first (nothing sent for o.txIdle), then
// o.txUpdates updates of each case from 20 bound reps in parallel, each
// case's count less the idle rate over its time. Markdown on stdout.
func runTx(ctx context.Context, o options, pg pgServer, bin, work string) error {
	dbName := randomName("salesbot_tx_")
	dsn, err := pg.create(ctx, dbName)
	if err != nil {
		return err
	}
	defer pg.drop(dbName)
	reps := max(o.txReps, 1)
	names := &nameGen{}
	seeded, err := seed(ctx, dsn, reps, 20, names)
	if err != nil {
		return err
	}
	if o.dsnParams != "" {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		dsn += sep + o.dsnParams
	}
	fake, err := newFakeAPI("7000000001:AAbench_" + randHex(12))
	if err != nil {
		return err
	}
	defer fake.Close()
	secret := "bench_" + randHex(16)
	dir := filepath.Join(work, "tx")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	p, err := startProcess(ctx, bin, dir, dsn, fake, secret)
	if err != nil {
		return err
	}
	defer p.Stop()
	l := &load{fake: fake, hookURL: p.HookURL(), secret: secret, client: &http.Client{Timeout: 30 * time.Second},
		conns: make(chan struct{}, reps), rec: newRecorder(), timeout: 30 * time.Second,
		stopAt: time.Now().Add(24 * time.Hour), seedName: names, think: o.txThink}
	l.rec.from, l.rec.to = time.Now(), l.stopAt
	var rs []*rep
	for i, s := range seeded {
		rs = append(rs, &rep{l: l, uid: s.uid, lastName: fmt.Sprintf("%04d", i+1), chat: fake.chat(s.uid),
			rng: rand.New(rand.NewPCG(uint64(s.uid), 7)), customers: s.customers})
	}
	count := func() (int64, error) {
		st, err := pg.stats(ctx, dbName)
		return st.commits + st.rollbacks, err
	}
	// Settle (startup work, the first scheduler ticks), then the idle rate.
	if !sleepUntil(ctx, time.Now().Add(5*time.Second)) {
		return ctx.Err()
	}
	c0, err := count()
	if err != nil {
		return err
	}
	t0 := time.Now()
	if !sleepUntil(ctx, t0.Add(o.txIdle)) {
		return ctx.Err()
	}
	c1, err := count()
	if err != nil {
		return err
	}
	idle := float64(c1-c0) / time.Since(t0).Seconds()
	logf("idle: %.2f transactions/s over %s", idle, o.txIdle)

	fmt.Printf("## Database transactions per update (PostgreSQL, real webhook)\n\n")
	think := "back to back (each message sent the moment the reply arrives)"
	if o.txThink > 0 {
		think = fmt.Sprintf("each rep reading a reply for 0–%s before the next message (--tx-think %s)", 2*o.txThink, o.txThink)
	}
	fmt.Printf("`go run ./bench/webhook --tx --tx-updates %d` — %d bound reps, %s; pg_stat_database of a fresh database; the idle rate (%.2f transactions/s, measured over %s with nothing sent) is subtracted.\n\n", o.txUpdates, reps, think, idle, o.txIdle)
	fmt.Printf("| update | updates | transactions | per update |\n|---|---:|---:|---:|\n")
	fmt.Printf("| (idle process) | — | %d in %s | %.2f /s |\n", c1-c0, o.txIdle, idle)
	for _, tc := range txCases {
		u0 := l.update.Load()
		c0, err := count()
		if err != nil {
			return err
		}
		start := time.Now()
		var wg sync.WaitGroup
		for _, r := range rs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for l.update.Load()-u0 < int64(o.txUpdates) && ctx.Err() == nil {
					tc.run(ctx, r)
				}
			}()
		}
		wg.Wait()
		// Let the last replies' deliveries finish their bookkeeping.
		if !sleepUntil(ctx, time.Now().Add(2*time.Second)) {
			return ctx.Err()
		}
		c1, err := count()
		if err != nil {
			return err
		}
		n := l.update.Load() - u0
		tx := float64(c1-c0) - idle*time.Since(start).Seconds()
		fmt.Printf("| %s | %d | %.0f | %.2f |\n", tc.name, n, tx, tx/float64(n))
		logf("%s: %d updates, %.0f transactions", tc.name, n, tx)
	}
	l.rec.mu.Lock()
	var failed []string
	for why, n := range l.rec.failures {
		failed = append(failed, fmt.Sprintf("%s × %d", why, n))
	}
	l.rec.mu.Unlock()
	if len(failed) > 0 {
		fmt.Printf("\nFailed turns (not counted as updates answered): %s\n", strings.Join(failed, "; "))
	}
	fmt.Println()
	return nil
}
