package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/scheduler"
	"github.com/salesbot-crm/salesbot/store"
)

// channelHealth reports whether a channel is connected (nil: healthy).
type channelHealth map[string]func(context.Context) error

// newHTTPHandler serves /healthz, /metrics and the channels' webhooks.
func newHTTPHandler(db *store.DB, b *bot.Bot, w *scheduler.Worker, health channelHealth, hooks map[string]http.Handler, now func() time.Time) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(rw http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		status, body := http.StatusOK, "ok\n"
		if err := db.Ping(ctx); err != nil {
			status, body = http.StatusServiceUnavailable, "database: unreachable\n"
		}
		names := make([]string, 0, len(health))
		for n := range health {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if err := health[n](ctx); err != nil {
				status = http.StatusServiceUnavailable
				body += n + ": " + err.Error() + "\n"
			} else {
				body += n + ": connected\n"
			}
		}
		rw.WriteHeader(status)
		io.WriteString(rw, body)
	})
	mux.HandleFunc("GET /metrics", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/plain; version=0.0.4")
		writeMetrics(r.Context(), rw, db, b, w, now)
	})
	for path, h := range hooks {
		mux.Handle(path, h)
	}
	return mux
}

func writeMetrics(ctx context.Context, out io.Writer, db *store.DB, b *bot.Bot, w *scheduler.Worker, now func() time.Time) {
	metric := func(name, typ, help string) {
		fmt.Fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	}
	metric("salesbot_build_info", "gauge", "Build information.")
	fmt.Fprintf(out, "salesbot_build_info{version=%q} 1\n", version())
	updates, failures, replies := b.Stats()
	metric("salesbot_updates_total", "counter", "Chat updates handled.")
	fmt.Fprintf(out, "salesbot_updates_total %d\n", updates)
	metric("salesbot_update_failures_total", "counter", "Updates that ended in an internal error.")
	fmt.Fprintf(out, "salesbot_update_failures_total %d\n", failures)
	metric("salesbot_replies_total", "counter", "Replies sent to updates.")
	fmt.Fprintf(out, "salesbot_replies_total %d\n", replies)
	buckets, sum, count := b.Latency().Snapshot()
	metric("salesbot_update_duration_seconds", "histogram", "Time to handle an update.")
	for i, le := range bot.LatencyBuckets {
		fmt.Fprintf(out, "salesbot_update_duration_seconds_bucket{le=%q} %d\n", strconv.FormatFloat(le, 'g', -1, 64), buckets[i])
	}
	fmt.Fprintf(out, "salesbot_update_duration_seconds_bucket{le=\"+Inf\"} %d\n", buckets[len(buckets)-1])
	fmt.Fprintf(out, "salesbot_update_duration_seconds_sum %g\nsalesbot_update_duration_seconds_count %d\n", sum, count)
	if w != nil {
		sent, retried, dead, throttled := w.Stats()
		metric("salesbot_pushes_total", "counter", "Push send attempts by result.")
		fmt.Fprintf(out, "salesbot_pushes_total{result=\"sent\"} %d\nsalesbot_pushes_total{result=\"retry\"} %d\nsalesbot_pushes_total{result=\"dead\"} %d\n", sent, retried, dead)
		metric("salesbot_pushes_throttled_total", "counter", "Pushes the platform throttled (429 / rate limit).")
		fmt.Fprintf(out, "salesbot_pushes_throttled_total %d\n", throttled)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	counts, err := db.OutboxCounts(ctx)
	up := 1
	if err != nil {
		up = 0
	}
	metric("salesbot_database_up", "gauge", "Whether the database answered.")
	fmt.Fprintf(out, "salesbot_database_up %d\n", up)
	metric("salesbot_outbox_rows", "gauge", "Pushes in the outbox by status.")
	statuses := make([]string, 0, len(counts))
	for s := range counts {
		statuses = append(statuses, s)
	}
	sort.Strings(statuses)
	for _, s := range statuses {
		fmt.Fprintf(out, "salesbot_outbox_rows{status=%q} %d\n", s, counts[s])
	}
	if oldest, err := db.OldestPending(ctx); err == nil {
		age := 0.0
		if !oldest.IsZero() {
			age = now().Sub(oldest).Seconds()
		}
		metric("salesbot_outbox_oldest_pending_seconds", "gauge", "Age of the oldest pending push.")
		fmt.Fprintf(out, "salesbot_outbox_oldest_pending_seconds %g\n", age)
	}
}
