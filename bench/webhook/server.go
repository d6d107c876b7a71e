package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/bot/telegram"
	"github.com/salesbot-crm/salesbot/chart"
	"github.com/salesbot-crm/salesbot/store"
)

// server is salesbot under test.
type server interface {
	HookURL() string
	// Metrics reads the update counters and the handler histogram.
	Metrics(ctx context.Context) (metrics, error)
	// PID is the server's process (0 when it runs in this process).
	PID() int
	Stop() error
}

// metrics is what the server's /metrics says about updates.
type metrics struct {
	le       []float64 // bucket upper bounds, without +Inf
	cum      []uint64  // cumulative counts, the last one is +Inf
	sum      float64
	count    uint64
	updates  int64
	failures int64
	replies  int64
}

// sub returns m - old (the histogram of what happened in between).
func (m metrics) sub(old metrics) metrics {
	out := m
	out.cum = make([]uint64, len(m.cum))
	for i := range m.cum {
		if i < len(old.cum) {
			out.cum[i] = m.cum[i] - old.cum[i]
		} else {
			out.cum[i] = m.cum[i]
		}
	}
	out.sum -= old.sum
	out.count -= old.count
	out.updates -= old.updates
	out.failures -= old.failures
	out.replies -= old.replies
	return out
}

// quantile estimates a quantile from the cumulative buckets with linear
// interpolation inside a bucket, as Prometheus's histogram_quantile does;
// above the last finite bound it returns that bound (and over=true).
func (m metrics) quantile(q float64) (v float64, over bool) {
	if m.count == 0 || len(m.cum) == 0 {
		return 0, false
	}
	rank := q * float64(m.cum[len(m.cum)-1])
	lower, prev := 0.0, uint64(0)
	for i, le := range m.le {
		if float64(m.cum[i]) >= rank {
			n := m.cum[i] - prev
			if n == 0 {
				return le, false
			}
			return lower + (le-lower)*(rank-float64(prev))/float64(n), false
		}
		lower, prev = le, m.cum[i]
	}
	return m.le[len(m.le)-1], true
}

// parseMetrics reads the salesbot_update* series of a /metrics page.
func parseMetrics(r io.Reader) (metrics, error) {
	var m metrics
	sc := bufio.NewScanner(r)
	var inf uint64
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		name, val, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if err != nil {
			continue
		}
		switch {
		case strings.HasPrefix(name, `salesbot_update_duration_seconds_bucket{le="`):
			le := strings.TrimSuffix(strings.TrimPrefix(name, `salesbot_update_duration_seconds_bucket{le="`), `"}`)
			if le == "+Inf" {
				inf = uint64(f)
				continue
			}
			b, err := strconv.ParseFloat(le, 64)
			if err != nil {
				return m, fmt.Errorf("metrics: bucket %q", le)
			}
			m.le = append(m.le, b)
			m.cum = append(m.cum, uint64(f))
		case name == "salesbot_update_duration_seconds_sum":
			m.sum = f
		case name == "salesbot_update_duration_seconds_count":
			m.count = uint64(f)
		case name == "salesbot_updates_total":
			m.updates = int64(f)
		case name == "salesbot_update_failures_total":
			m.failures = int64(f)
		case name == "salesbot_replies_total":
			m.replies = int64(f)
		}
	}
	if len(m.le) == 0 {
		return m, errors.New("metrics: no salesbot_update_duration_seconds histogram")
	}
	m.cum = append(m.cum, inf)
	return m, sc.Err()
}

// freePort finds a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// procServer is `salesbot serve` running as a child process.
type procServer struct {
	cmd    *exec.Cmd
	addr   string
	exited chan struct{}
	err    error
	log    string
}

// startProcess runs `bin serve` in dir with the SALESBOT_* environment for
// webhook mode against the fake Bot API, and waits until /healthz answers
// and the webhook is registered.
func startProcess(ctx context.Context, bin, dir, dsn string, fake *fakeAPI, secret string) (*procServer, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"SALESBOT_DATABASE_DRIVER=postgres",
		"SALESBOT_DATABASE_DSN=" + dsn,
		"SALESBOT_HTTP_LISTEN=" + addr,
		"SALESBOT_TELEGRAM_TOKEN=" + fake.token,
		"SALESBOT_TELEGRAM_MODE=webhook",
		"SALESBOT_TELEGRAM_API_ENDPOINT=" + fake.url,
		"SALESBOT_TELEGRAM_WEBHOOK_URL=http://" + addr + "/telegram/webhook",
		"SALESBOT_TELEGRAM_WEBHOOK_SECRET=" + secret,
		"SALESBOT_LOG_LEVEL=warn",
	}
	// The scheduler's jobs are off so that only chat traffic is measured
	// (an empty spec turns a job off); the outbox worker still runs.
	for _, job := range []string{"WORKBENCH", "REPORT_REMINDER", "MANAGER_DIGEST", "WEEKLY_REPORT", "MONTHLY_REPORT", "APPOINTMENTS", "PAYMENT_REMINDER", "STALE_NUDGE"} {
		env = append(env, "SALESBOT_SCHEDULER_"+job+"=")
	}
	if v := os.Getenv("GODEBUG"); v != "" {
		env = append(env, "GODEBUG="+v)
	}
	if v := os.Getenv("GOMAXPROCS"); v != "" {
		env = append(env, "GOMAXPROCS="+v)
	}
	logPath := filepath.Join(dir, "salesbot.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve")
	cmd.Dir = dir
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, err
	}
	p := &procServer{cmd: cmd, addr: addr, exited: make(chan struct{}), log: logPath}
	go func() {
		p.err = cmd.Wait()
		logf.Close()
		close(p.exited)
	}()
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case <-p.exited:
			return nil, fmt.Errorf("salesbot serve exited during start-up (%v); log: %s\n%s", p.err, logPath, tail(logPath))
		default:
		}
		if healthy(ctx, "http://"+addr+"/healthz") {
			break
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			p.Stop()
			return nil, fmt.Errorf("salesbot serve did not answer /healthz within 60 s; log: %s\n%s", logPath, tail(logPath))
		}
		time.Sleep(50 * time.Millisecond)
	}
	select {
	case <-fake.hookSet:
	case <-time.After(30 * time.Second):
		p.Stop()
		return nil, fmt.Errorf("salesbot serve did not call setWebhook; log: %s\n%s", logPath, tail(logPath))
	}
	return p, nil
}

func healthy(ctx context.Context, u string) bool {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

func (p *procServer) HookURL() string { return "http://" + p.addr + "/telegram/webhook" }
func (p *procServer) PID() int        { return p.cmd.Process.Pid }

func (p *procServer) Metrics(ctx context.Context) (metrics, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+p.addr+"/metrics", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return metrics{}, err
	}
	defer resp.Body.Close()
	return parseMetrics(resp.Body)
}

// Stop sends SIGTERM and waits for the graceful stop (SIGKILL after 20 s).
func (p *procServer) Stop() error {
	select {
	case <-p.exited:
		return p.err
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
		return errors.New("salesbot serve did not stop within 20 s of SIGTERM; killed")
	}
	return p.err
}

// inprocServer is the webhook path assembled in this process from the same
// packages `salesbot serve` wires (store, bot, bot/telegram, chart), with
// the Telegram channel's pacing waits switched off through its documented
// Config.Sleep hook. It measures what the pipeline could do if Telegram's
// send limits did not apply; it is not what production runs.
type inprocServer struct {
	srv  *http.Server
	addr string
	tg   *telegram.Channel
	b    *bot.Bot
	db   *store.DB
}

func startInProcess(ctx context.Context, dsn string, fake *fakeAPI, secret string) (*inprocServer, error) {
	db, err := store.Open(ctx, store.Postgres, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	charts, err := chart.NewRenderer("")
	if err != nil {
		charts = nil // as serve does without a CJK font: numbers as text
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		db.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		db.Close()
		return nil, err
	}
	addr := ln.Addr().String()
	tg, err := telegram.New(ctx, telegram.Config{Token: fake.token, Endpoint: fake.url, Mode: telegram.ModeWebhook,
		WebhookURL: "http://" + addr + "/telegram/webhook", WebhookSecret: secret, DefaultLang: "zh",
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
	if err != nil {
		ln.Close()
		db.Close()
		return nil, err
	}
	b := bot.New(bot.Options{Store: db, Transient: store.IsTransient, Now: time.Now, Location: loc, DefaultLang: "zh", StaleDays: 14, Charts: charts, BotUsername: tg.Username()})
	tg.Attach(b, db)
	mux := http.NewServeMux()
	mux.Handle("/telegram/webhook", tg.WebhookHandler())
	s := &inprocServer{srv: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second, WriteTimeout: 15 * time.Second},
		addr: addr, tg: tg, b: b, db: db}
	go s.srv.Serve(ln)
	if err := tg.Start(ctx); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *inprocServer) HookURL() string { return "http://" + s.addr + "/telegram/webhook" }
func (s *inprocServer) PID() int        { return 0 }

func (s *inprocServer) Metrics(context.Context) (metrics, error) {
	cum, sum, count := s.b.Latency().Snapshot()
	u, f, r := s.b.Stats()
	return metrics{le: bot.LatencyBuckets, cum: cum, sum: sum, count: count, updates: u, failures: f, replies: r}, nil
}

func (s *inprocServer) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 12*time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
	err := s.tg.Close(ctx)
	s.db.Close()
	return err
}

// procStatus reads VmHWM and VmRSS (kB) of a process.
func procStatus(pid int) (hwm, rss int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmHWM":
			hwm = n
		case "VmRSS":
			rss = n
		}
	}
	return hwm, rss
}

// clockTicks is USER_HZ; Linux reports /proc times in it (100 everywhere
// that matters).
const clockTicks = 100

// procCPU is a process's user+system CPU time.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	return statCPU(string(b))
}

// statCPU reads utime+stime from a /proc/PID/stat line.
func statCPU(s string) time.Duration {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+st) * time.Second / clockTicks
}

// postgresCPU returns the CPU time of each PostgreSQL process serving
// database db (backends and autovacuum workers name it in their titles).
func postgresCPU(db string) map[int]time.Duration {
	out := map[int]time.Duration{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmd, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || !strings.HasPrefix(string(cmd), "postgres:") || !strings.Contains(string(cmd), " "+db+" ") {
			continue
		}
		if b, err := os.ReadFile("/proc/" + e.Name() + "/stat"); err == nil {
			out[pid] = statCPU(string(b))
		}
	}
	return out
}

// cpuSince is the CPU the processes of now used since before (processes
// that started in between count whole; those that ended are lost).
func cpuSince(before, now map[int]time.Duration) time.Duration {
	var d time.Duration
	for pid, t := range now {
		d += t - before[pid]
	}
	return d
}

// machineCPU returns busy and total CPU time of the whole machine, and the
// part of busy spent in interrupts and softirqs (not billed to a process).
func machineCPU() (busy, total, irq time.Duration) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 8 || f[0] != "cpu" {
		return 0, 0, 0
	}
	var sum, idle, intr int64
	for i, x := range f[1:] {
		n, _ := strconv.ParseInt(x, 10, 64)
		if i >= 8 { // guest time is already in user
			break
		}
		sum += n
		switch i {
		case 3, 4: // idle, iowait
			idle += n
		case 5, 6: // irq, softirq
			intr += n
		}
	}
	tick := func(n int64) time.Duration { return time.Duration(n) * time.Second / clockTicks }
	return tick(sum - idle), tick(sum), tick(intr)
}

// waitQuiet waits until the machine's CPU, measured over 2 s while this
// benchmark runs nothing, is at most limit busy (a fraction), or until
// maxWait has passed. It returns the last measurement.
func waitQuiet(ctx context.Context, limit float64, maxWait time.Duration) float64 {
	deadline := time.Now().Add(maxWait)
	said := false
	for {
		b0, t0, _ := machineCPU()
		if !sleepUntil(ctx, time.Now().Add(2*time.Second)) {
			return 0
		}
		b1, t1, _ := machineCPU()
		busy := 0.0
		if t1 > t0 {
			busy = (b1 - b0).Seconds() / (t1 - t0).Seconds()
		}
		if busy <= limit || !time.Now().Before(deadline) {
			if busy > limit {
				logf("the machine is still %.0f%% busy with other work; going ahead (figures will be noisy)", 100*busy)
			}
			return busy
		}
		if !said {
			logf("the machine is %.0f%% busy with other work; waiting up to %s for it to settle", 100*busy, time.Until(deadline).Round(time.Second))
			said = true
		}
	}
}
