package main

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"time"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/store"
)

// newHTTPHandler serves /healthz, /metrics and the channels' webhooks.
func newHTTPHandler(db *store.DB, b *bot.Bot, hooks map[string]http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := db.Ping(ctx); err != nil {
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		fmt.Fprintf(w, "# HELP salesbot_build_info Build information.\n# TYPE salesbot_build_info gauge\nsalesbot_build_info{version=%q} 1\n", version())
		updates, failures := b.Stats()
		fmt.Fprintf(w, "# HELP salesbot_updates_total Chat updates handled.\n# TYPE salesbot_updates_total counter\nsalesbot_updates_total %d\n", updates)
		fmt.Fprintf(w, "# HELP salesbot_update_failures_total Updates that ended in an internal error.\n# TYPE salesbot_update_failures_total counter\nsalesbot_update_failures_total %d\n", failures)
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		counts, err := db.OutboxCounts(ctx)
		up := 1
		if err != nil {
			up = 0
		}
		fmt.Fprintf(w, "# HELP salesbot_database_up Whether the database answered.\n# TYPE salesbot_database_up gauge\nsalesbot_database_up %d\n", up)
		fmt.Fprintf(w, "# HELP salesbot_outbox_rows Pushes in the outbox by status.\n# TYPE salesbot_outbox_rows gauge\n")
		var statuses []string
		for s := range counts {
			statuses = append(statuses, s)
		}
		sort.Strings(statuses)
		for _, s := range statuses {
			fmt.Fprintf(w, "salesbot_outbox_rows{status=%q} %d\n", s, counts[s])
		}
	})
	for path, h := range hooks {
		mux.Handle(path, h)
	}
	return mux
}
