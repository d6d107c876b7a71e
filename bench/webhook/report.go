package main

import (
	"context"
	"fmt"
	"maps"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"
)

// dist summarises durations.
type dist struct {
	N                  int
	P50, P95, P99, Max time.Duration
	Mean               time.Duration
}

func summarize(ds []time.Duration) dist {
	if len(ds) == 0 {
		return dist{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	q := func(p float64) time.Duration {
		i := int(p*float64(len(s))+0.5) - 1 // nearest rank
		return s[min(max(i, 0), len(s)-1)]
	}
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	return dist{N: len(s), P50: q(0.50), P95: q(0.95), P99: q(0.99), Max: s[len(s)-1], Mean: sum / time.Duration(len(s))}
}

func fmtDur(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case d == 0:
		return "–"
	case ms < 10:
		return fmt.Sprintf("%.2f ms", ms)
	case ms < 100:
		return fmt.Sprintf("%.1f ms", ms)
	case ms < 10000:
		return fmt.Sprintf("%.0f ms", ms)
	}
	return fmt.Sprintf("%.1f s", ms/1000)
}

// fmtHandler is a quantile of the server's handler histogram.
func fmtHandler(m metrics, q float64) string {
	if m.count == 0 {
		return "–"
	}
	v, over := m.quantile(q)
	if over {
		return fmt.Sprintf("> %s", fmtDur(time.Duration(v*float64(time.Second))))
	}
	return "≈" + fmtDur(time.Duration(v*float64(time.Second)))
}

func handlerMean(m metrics) string {
	if m.count == 0 {
		return "–"
	}
	return fmtDur(time.Duration(m.sum / float64(m.count) * float64(time.Second)))
}

func non200(st map[int]int) (bad, total int) {
	for code, n := range st {
		total += n
		if code != 200 {
			bad += n
		}
	}
	return bad, total
}

func sumMap(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// insertTPS finds the single-row INSERT figure for a client count.
func insertTPS(pg []pgbenchResult, clients int) (pgbenchResult, bool) {
	for _, r := range pg {
		if r.Requested == clients && strings.HasPrefix(r.Script, "single-row") {
			return r, true
		}
	}
	return pgbenchResult{}, false
}

func mb(kb int64) string {
	if kb == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.0f MB", float64(kb)/1024)
}

func report(o options, results []levelResult, pg []pgbenchResult, pgCap, maxConn, reserved int, took time.Duration) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("## Webhook load benchmark\n\n")
	w("Command: `go run ./bench/webhook %s` (took %s)  \n", strings.Join(os.Args[1:], " "), took.Round(time.Second))
	w("Machine: %s; %s (max_connections %d). Load generator, fake Bot API, salesbot and PostgreSQL share this machine; all traffic on 127.0.0.1.  \n", machineLine(), postgresVersion(context.Background(), o.pg), maxConn)
	if o.dsnParams != "" {
		w("salesbot's PostgreSQL DSN carries `%s`.  \n", o.dsnParams)
	}
	w("Load: each rep is one private chat that sends its next message only after the reply to the previous one arrived; think time %s; mix of flows 30%% /find, 20%% /today, 30%% /visit (name typed with the command or at the prompt, what happened, next step), 20%% /new (unique company, 4 button presses, contact, save button); %d customers per rep before the run; at most %d webhook connections at once (Telegram's max_connections default). Scheduler jobs off.  \n", thinkText(o.think), o.customers, o.conns)
	w("Reply latency: from the rep sending (before waiting for a webhook connection) to the reply's Bot API call reaching the fake. Handler: `salesbot_update_duration_seconds` from /metrics over the window (bot.Handle only, no delivery), interpolated in its buckets. updates/s: replies that reached the fake inside the measured window ÷ window.\n\n")

	if len(pg) > 0 {
		w("### pgbench, same machine, same run\n\n")
		w("| clients | script | TPS | latency avg |\n|---:|---|---:|---:|\n")
		for _, r := range pg {
			clients := fmt.Sprint(r.Clients)
			if r.Requested != r.Clients {
				clients += fmt.Sprintf(" (%d asked; no room)", r.Requested)
			}
			w("| %s | %s, -j %d -T %d | %.0f | %.2f ms |\n", clients, r.Script, min(2, r.Clients), r.Seconds, r.TPS, r.LatencyAvg)
		}
		w("\nThe INSERT script is one autocommitted `INSERT INTO bench_insert (chat_id, body) VALUES (:client_id, '…')` into a table with a bigserial primary key; TPC-B runs at scale %d. Client counts are capped at %d: max_connections %d, less %d reserved, less the connections other work held, less 10; fewer when pgbench could not open them all (the clients column says how many ran).\n\n", tpcbScale, pgCap, maxConn, reserved)
	}

	w("### Results\n\n")
	w("| chats | pacing | updates/s | reply p50 | reply p95 | reply p99 | reply max | handler p50 | handler p99 | button ack p99 | non-200 | failed turns | VmHWM | ÷ INSERT TPS |\n")
	w("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range results {
		bad, total := non200(r.Status)
		ratio := "–"
		if p, ok := insertTPS(pg, min(r.Chats, pgCap)); ok && p.TPS > 0 {
			ratio = fmt.Sprintf("%.1f%%", 100*r.PerSec/p.TPS)
		}
		w("| %d | %s | %.1f | %s | %s | %s | %s | %s | %s | %s | %d / %d | %d | %s | %s |\n",
			r.Chats, r.Pacing, r.PerSec, fmtDur(r.Lat.P50), fmtDur(r.Lat.P95), fmtDur(r.Lat.P99), fmtDur(r.Lat.Max),
			fmtHandler(r.Handler, 0.5), fmtHandler(r.Handler, 0.99), fmtDur(r.Acks.P99), bad, total, sumMap(r.Failures), mb(r.HWM), ratio)
	}
	w("\n")

	w("### Details\n\n")
	for _, r := range results {
		w("**%d chats, pacing %s** (warm-up %s, window %s)\n\n", r.Chats, r.Pacing, r.Warmup.Round(time.Second), r.Window)
		w("- turns measured: %d (typed %d: p50 %s, p99 %s; button presses %d: p50 %s, p99 %s); replies in window %d\n",
			r.Lat.N, r.LatText.N, fmtDur(r.LatText.P50), fmtDur(r.LatText.P99), r.LatPress.N, fmtDur(r.LatPress.P50), fmtDur(r.LatPress.P99), r.Replies)
		w("- reply latency mean %s; button ack (answerCallbackQuery) p50 %s, p99 %s\n", fmtDur(r.Lat.Mean), fmtDur(r.Acks.P50), fmtDur(r.Acks.P99))
		w("- webhook POST round trip p50 %s, p99 %s, max %s; answers by status: %s\n", fmtDur(r.Posts.P50), fmtDur(r.Posts.P99), fmtDur(r.Posts.Max), statusText(r.Status))
		w("- server handler over the window: %d updates, mean %s, p50 %s, p99 %s, internal failures %d\n",
			r.Handler.count, handlerMean(r.Handler), fmtHandler(r.Handler, 0.5), fmtHandler(r.Handler, 0.99), r.Handler.failures)
		if r.Lat.N > 0 {
			// Little's law for a closed loop: X = N / (R + Z).
			z := o.think.Seconds()
			w("- closed-loop check: N ÷ (mean reply + mean think) = %.1f/s vs %.1f/s measured\n", float64(r.Chats)/(r.Lat.Mean.Seconds()+z), r.PerSec)
		}
		if r.Replies > 0 {
			line := fmt.Sprintf("- CPU over the window: machine %.0f%% busy of %d CPUs; PostgreSQL backends of the benchmark database %.2f ms/update (backends that exited in the window are missed)", 100*r.Busy.Seconds()/max(r.Total.Seconds(), 1e-9), runtime.NumCPU(), 1000*r.PgCPU.Seconds()/float64(r.Replies))
			if r.SrvCPU > 0 {
				line += fmt.Sprintf("; salesbot %.2f ms/update", 1000*r.SrvCPU.Seconds()/float64(r.Replies))
				line += fmt.Sprintf("; load generator + fake %.2f ms/update", 1000*r.BenchCPU.Seconds()/float64(r.Replies))
			} else {
				line += fmt.Sprintf("; this process (pipeline + load generator + fake) %.2f ms/update", 1000*r.BenchCPU.Seconds()/float64(r.Replies))
			}
			if other := r.Busy - r.SrvCPU - r.PgCPU - r.BenchCPU - r.IRQ; r.Total > 0 {
				line += fmt.Sprintf("; interrupts and softirqs (loopback networking) %.0f%%; everything else on the machine (other PostgreSQL work, other processes) %.0f%% of its CPU",
					100*r.IRQ.Seconds()/r.Total.Seconds(), 100*max(other.Seconds(), 0)/r.Total.Seconds())
			}
			w("%s\n", line)
		}
		if r.Replies > 0 && r.DB.commits > 0 {
			per := func(x int64) float64 { return float64(x) / float64(r.Replies) }
			w("- PostgreSQL per update (pg_stat_database of the benchmark database, autovacuum included): %.1f transactions, %.1f rows fetched, %.1f inserted, %.1f updated, %.1f deleted",
				per(r.DB.commits+r.DB.rollbacks), per(r.DB.fetched), per(r.DB.inserted), per(r.DB.updated), per(r.DB.deleted))
			if p, ok := insertTPS(pg, min(r.Chats, pgCap)); ok && p.TPS > 0 {
				rate := float64(r.DB.commits+r.DB.rollbacks) / r.Window.Seconds()
				w("; %.0f transactions/s = %.0f%% of the INSERT TPS", rate, 100*rate/p.TPS)
			}
			w("; statement time (active_time) %.2f ms/update; %.1f new connections/s\n", r.DB.active/float64(r.Replies), float64(r.DB.sessions)/r.Window.Seconds())
		}
		if r.Quiet > 0 {
			w("- machine busy with other work just before the run: %.0f%%\n", 100*r.Quiet)
		}
		if r.HWM > 0 {
			w("- salesbot memory: VmHWM %s, VmRSS at the end %s\n", mb(r.HWM), mb(r.RSS))
		}
		if len(r.Failures) > 0 {
			w("- failed turns: %s\n", mapText(r.Failures))
		}
		w("- other: %d late messages, %d unexpected messages skipped, %d /new names found similar\n", r.Late, r.Other, r.Similar)
		w("- Bot API calls over the whole run: %s; answered with an error: %d\n", callsText(r.Calls), r.Rejected)
		if r.Perf != "" {
			w("- perf report: %s\n", r.Perf)
		}
		w("\n")
	}

	w("### Targets\n\n")
	for _, r := range results {
		if r.Pacing != "real" && o.pacing == "both" {
			continue
		}
		p, ok := insertTPS(pg, min(r.Chats, pgCap))
		if ok && p.TPS > 0 {
			ratio := r.PerSec / p.TPS
			w("- %d chats (%s pacing): %.1f updates/s = %.1f%% of %.0f single-INSERT TPS (-c %d): target ≥ 50%% %s\n",
				r.Chats, r.Pacing, r.PerSec, 100*ratio, p.TPS, p.Clients, metText(ratio >= 0.5))
		}
		if r.Chats == 200 {
			w("- 200 chats (%s pacing): reply p99 %s, handler p99 %s: target p99 ≤ 50 ms %s (reply), %s (handler)\n",
				r.Pacing, fmtDur(r.Lat.P99), fmtHandler(r.Handler, 0.99), metText(r.Lat.N > 0 && r.Lat.P99 <= 50*time.Millisecond), metText(handlerUnder(r.Handler, 0.99, 0.05)))
		}
	}
	return b.String()
}

func handlerUnder(m metrics, q, limit float64) bool {
	v, over := m.quantile(q)
	return m.count > 0 && !over && v <= limit
}

func metText(ok bool) string {
	if ok {
		return "**met**"
	}
	return "**not met**"
}

func thinkText(d time.Duration) string {
	if d == 0 {
		return "none (the next message goes as soon as the reply arrives)"
	}
	return fmt.Sprintf("uniform 0–%s (mean %s)", 2*d, d)
}

func statusText(st map[int]int) string {
	var codes []int
	for c := range st {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var parts []string
	for _, c := range codes {
		name := fmt.Sprint(c)
		if c == 0 {
			name = "no answer"
		}
		parts = append(parts, fmt.Sprintf("%s × %d", name, st[c]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func mapText(m map[string]int) string { return joinSorted(m, "%s × %d") }

func callsText(m map[string]int64) string { return joinSorted(m, "%s %d") }

// joinSorted formats a map's entries by key order, comma-separated.
func joinSorted[V int | int64](m map[string]V, format string) string {
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf(format, k, m[k])
	}
	return strings.Join(parts, ", ")
}
