// Command webhook is salesbot's chat load benchmark: N simulated reps chat
// with the real program (`salesbot serve`, built from this module and run
// as a child process) through the real Telegram webhook path, against a
// fake Bot API on 127.0.0.1 and a fresh PostgreSQL database, and it runs
// pgbench on the same machine in the same run for comparison.
//
//	go run ./bench/webhook                      # 50, 200 and 1,000 chats
//	go run ./bench/webhook --quick              # a smoke run, under a minute
//	go run ./bench/webhook --levels 5 --think 2s
//	go run ./bench/webhook --pacing both        # also the unpaced capacity
//
// Each rep is one private chat that sends its next message (or presses the
// next button) only after the bot's reply to the previous one arrived: a
// mix of /find, /today, /visit (customer by name, what happened, next step)
// and /new (a unique company, industry, size, region, source by buttons,
// contact, save). Reply latency runs from the moment the rep sends to the
// moment the reply's Bot API call reaches the fake. Results go to standard
// output as Markdown; progress goes to standard error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // Asia/Shanghai on machines without a zoneinfo database

	"github.com/salesbot-crm/salesbot/bot"
)

type options struct {
	levels      []int
	quick       bool
	warmup      time.Duration // 0: automatic
	duration    time.Duration
	think       time.Duration
	customers   int
	conns       int
	timeout     time.Duration
	pacing      string
	pg          string
	pgbench     string
	pgbenchTime int
	tpcb        bool
	noPgbench   bool
	bin         string
	keep        bool
	perfDir     string
	out         string
	quietLimit  float64
	quietWait   time.Duration
	cpuprofile  string
	dsnParams   string
	txReps      int
	tx          bool          // measure transactions per update instead
	txUpdates   int           // updates per case with tx
	txIdle      time.Duration // idle measurement with tx
	txThink     time.Duration // with tx: a rep reads each reply this long (mean) before the next message
}

const usageHead = `usage: go run ./bench/webhook [flags]

Load benchmark of the Telegram webhook path: N simulated reps chat with
'salesbot serve' (built from this module, run as a child process in webhook
mode) against a fake Bot API and a fresh PostgreSQL database; pgbench runs
on the same machine in the same run. Results: Markdown on standard output.

flags:
`

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("webhook", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageHead)
		fs.PrintDefaults()
	}
	levels := fs.String("levels", "50,200,1000", "concurrent chats (simulated reps) per run, comma-separated")
	fs.BoolVar(&o.quick, "quick", false, "smoke run: 50 chats, short windows, short pgbench (< 60 s)")
	fs.DurationVar(&o.warmup, "warmup", 0, "warm-up excluded from the figures (0: 10 s, or with real pacing the time one round of all chats takes at 30 messages/s, whichever is longer)")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "measured window per run")
	fs.DurationVar(&o.think, "think", 0, "mean think time of a rep before each message (uniform in [0, 2×think]); 0 answers at once")
	fs.IntVar(&o.customers, "customers", 5, "customers each rep owns before the run")
	fs.IntVar(&o.conns, "conns", 40, "concurrent webhook connections, like Telegram's max_connections (its default is 40)")
	fs.DurationVar(&o.timeout, "reply-timeout", 120*time.Second, "how long a rep waits for one reply before counting it lost")
	fs.StringVar(&o.pacing, "pacing", "real", "real: the salesbot binary as shipped (Telegram send pacing on); off: the same packages wired in this process with the pacing waits off (capacity without Telegram's limits); both")
	fs.StringVar(&o.pg, "pg", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "PostgreSQL admin DSN: the benchmark creates and drops its databases there")
	fs.StringVar(&o.pgbench, "pgbench", "", "pgbench binary (default: PATH, then /usr/lib/postgresql/*/bin)")
	fs.IntVar(&o.pgbenchTime, "pgbench-time", 20, "seconds per pgbench run")
	fs.BoolVar(&o.tpcb, "tpcb", false, "also run pgbench's default TPC-B-like script")
	fs.BoolVar(&o.noPgbench, "no-pgbench", false, "skip pgbench")
	fs.StringVar(&o.bin, "bin", "", "a salesbot binary to run (default: go build ./cmd/salesbot into a temporary directory)")
	fs.BoolVar(&o.keep, "keep", false, "keep the benchmark databases (default: dropped)")
	fs.StringVar(&o.perfDir, "perf", "", "record a perf CPU profile of the server during each measured window (real pacing) into this directory")
	fs.StringVar(&o.out, "out", "", "also write the Markdown results to this file")
	fs.Float64Var(&o.quietLimit, "quiet", 0.15, "before pgbench and each run, wait until other work uses at most this fraction of the machine's CPU")
	fs.DurationVar(&o.quietWait, "quiet-wait", 30*time.Second, "the longest wait for the machine to become quiet (0: do not wait; --quick does not wait)")
	fs.BoolVar(&o.tx, "tx", false, "measure database transactions per update (idle rate subtracted) instead of the load run")
	fs.IntVar(&o.txUpdates, "tx-updates", 100, "with --tx: updates per kind")
	fs.DurationVar(&o.txIdle, "tx-idle", 20*time.Second, "with --tx: how long the idle rate is measured")
	fs.DurationVar(&o.txThink, "tx-think", 0, "with --tx: each rep reads a reply for a random 0–2× this long before the next message (0: back to back)")
	fs.IntVar(&o.txReps, "tx-reps", 20, "with --tx: bound reps sending in parallel (1 with --dsn-params log_statement=all shows each update's statements in the server log)")
	fs.StringVar(&o.dsnParams, "dsn-params", "", "extra parameters for salesbot's PostgreSQL DSN, e.g. binary_parameters=yes (a configuration change, no code change)")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "with --pacing off: write a Go CPU profile of this process (pipeline, load generator and fake) over each measured window to FILE-<chats>.pprof")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if o.quick {
		if !set["levels"] {
			*levels = "50"
		}
		if !set["warmup"] {
			o.warmup = 3 * time.Second
		}
		if !set["duration"] {
			o.duration = 8 * time.Second
		}
		if !set["pgbench-time"] {
			o.pgbenchTime = 5
		}
		if !set["customers"] {
			o.customers = 3
		}
		if !set["reply-timeout"] {
			o.timeout = 20 * time.Second
		}
		if !set["quiet-wait"] {
			o.quietWait = 0
		}
	}
	for _, s := range strings.Split(*levels, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return o, fmt.Errorf("--levels: %q is not a positive number", s)
		}
		o.levels = append(o.levels, n)
	}
	switch o.pacing {
	case "real", "off", "both":
	default:
		return o, fmt.Errorf("--pacing: %q: want real, off or both", o.pacing)
	}
	if o.customers < 1 || o.conns < 1 || o.duration <= 0 || o.pgbenchTime < 1 {
		return o, errors.New("--customers, --conns, --duration and --pgbench-time must be positive")
	}
	return o, nil
}

func main() {
	o, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "webhook:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintln(os.Stderr, "webhook:", err)
		os.Exit(1)
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func run(ctx context.Context, o options) error {
	began := time.Now()
	pg := pgServer{admin: o.pg}
	maxConn, reserved, _, err := pg.connections(ctx)
	if err != nil {
		return fmt.Errorf("PostgreSQL at %s: %w", o.pg, err)
	}
	work, err := os.MkdirTemp("", "salesbot-webhook-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	bin := o.bin
	if bin == "" && (o.pacing != "off" || o.tx) {
		bin = filepath.Join(work, "salesbot")
		logf("building salesbot")
		if err := buildSalesbot(ctx, bin); err != nil {
			return err
		}
	}

	if o.tx {
		return runTx(ctx, o, pg, bin, work)
	}

	// pgbench first, while nothing else runs; one run per client count,
	// capped by the connections free now (other work may hold some) less
	// a margin of 10.
	pgCap := max(1, maxConn-reserved-5)
	var pgRes []pgbenchResult
	if !o.noPgbench {
		pgbin, err := findPgbench(o.pgbench)
		if err != nil {
			return err
		}
		if _, _, open, err := pg.connections(ctx); err == nil {
			pgCap = max(1, maxConn-reserved-open-10)
		}
		var clients []int
		for _, n := range o.levels {
			if c := min(n, pgCap); !slices.Contains(clients, c) {
				clients = append(clients, c)
			}
		}
		if o.quietWait > 0 {
			waitQuiet(ctx, o.quietLimit, o.quietWait)
		}
		if pgRes, err = pg.pgbench(ctx, pgbin, clients, o.pgbenchTime, o.tpcb, logf); err != nil {
			return err
		}
	}

	var results []levelResult
	for _, n := range o.levels {
		for _, pacing := range []string{"real", "off"} {
			if o.pacing != "both" && o.pacing != pacing {
				continue
			}
			r, err := runLevel(ctx, o, pg, bin, work, n, pacing)
			if err != nil {
				return fmt.Errorf("%d chats, pacing %s: %w", n, pacing, err)
			}
			results = append(results, r)
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
	}
	md := report(o, results, pgRes, pgCap, maxConn, reserved, time.Since(began))
	fmt.Print(md)
	if o.out != "" {
		return os.WriteFile(o.out, []byte(md), 0o644)
	}
	return nil
}

// buildSalesbot builds ./cmd/salesbot of the module this runs in.
func buildSalesbot(ctx context.Context, out string) error {
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./cmd/salesbot")
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build ./cmd/salesbot in %s: %w", root, err)
	}
	return nil
}

// levelResult is one run: n chats, one pacing.
type levelResult struct {
	Chats    int
	Pacing   string
	Warmup   time.Duration
	Window   time.Duration
	Replies  int     // replies that reached the fake inside the window
	PerSec   float64 // updates answered per second
	Lat      dist
	LatText  dist
	LatPress dist
	Acks     dist
	Posts    dist
	Handler  metrics // the server's histogram over the window
	Status   map[int]int
	Failures map[string]int
	Late     int64
	Other    int64
	Similar  int64
	HWM, RSS int64 // kB; 0 in process
	SrvCPU   time.Duration
	PgCPU    time.Duration
	BenchCPU time.Duration // this process: load generator and fake (and the server, in process)
	Busy     time.Duration
	Total    time.Duration
	IRQ      time.Duration // irq + softirq (network processing not billed to any process)
	Calls    map[string]int64
	Rejected int64   // Bot API calls the fake answered with an error
	Perf     string  // path of the perf report, if any
	Quiet    float64 // machine busy just before the run
	DB       dbStat  // PostgreSQL's accounting over the window
}

func runLevel(ctx context.Context, o options, pg pgServer, bin, work string, n int, pacing string) (levelResult, error) {
	res := levelResult{Chats: n, Pacing: pacing, Window: o.duration}
	dbName := randomName("salesbot_bench_")
	dsn, err := pg.create(ctx, dbName)
	if err != nil {
		return res, err
	}
	if !o.keep {
		defer pg.drop(dbName)
	} else {
		logf("keeping database %s", dbName)
	}
	if o.dsnParams != "" {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		dsn += sep + o.dsnParams
	}
	names := &nameGen{}
	logf("%d chats (pacing %s): seeding %s with %d reps × %d customers", n, pacing, dbName, n, o.customers)
	seeded, err := seed(ctx, dsn, n, o.customers, names)
	if err != nil {
		return res, err
	}
	fake, err := newFakeAPI("7000000001:AAbench_" + randHex(12))
	if err != nil {
		return res, err
	}
	defer fake.Close()
	secret := "bench_" + randHex(16)
	dir := filepath.Join(work, fmt.Sprintf("run-%d-%s", n, pacing))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, err
	}
	var srv server
	if pacing == "real" {
		p, err := startProcess(ctx, bin, dir, dsn, fake, secret)
		if err != nil {
			return res, err
		}
		srv = p
		logf("salesbot serve running (pid %d) at %s", p.PID(), p.HookURL())
	} else {
		s, err := startInProcess(ctx, dsn, fake, secret)
		if err != nil {
			return res, err
		}
		srv = s
		logf("in-process webhook pipeline (pacing waits off) at %s", s.HookURL())
	}
	stopped := false
	defer func() {
		if !stopped {
			srv.Stop()
		}
	}()

	if o.quietWait > 0 {
		res.Quiet = waitQuiet(ctx, o.quietLimit, o.quietWait)
	}
	warmup := o.warmup
	if warmup == 0 {
		warmup = 10 * time.Second
		if pacing == "real" {
			// One round: every chat answered once at 30 messages/s.
			warmup = max(warmup, time.Duration(float64(n)/30*1.2*float64(time.Second)))
		}
	}
	res.Warmup = warmup
	tr := &http.Transport{MaxIdleConns: o.conns * 2, MaxIdleConnsPerHost: o.conns * 2, IdleConnTimeout: 90 * time.Second}
	defer tr.CloseIdleConnections()
	l := &load{
		fake:     fake,
		hookURL:  srv.HookURL(),
		secret:   secret,
		client:   &http.Client{Transport: tr, Timeout: 30 * time.Second},
		conns:    make(chan struct{}, o.conns),
		rec:      newRecorder(),
		think:    o.think,
		timeout:  o.timeout,
		seedName: names,
	}
	start := time.Now()
	ramp := min(warmup/2, 5*time.Second)
	l.rec.from = start.Add(warmup)
	l.rec.to = l.rec.from.Add(o.duration)
	l.stopAt = l.rec.to
	runCtx, cancel := context.WithDeadline(ctx, l.stopAt.Add(o.timeout+5*time.Second))
	defer cancel()
	var wg sync.WaitGroup
	for i, s := range seeded {
		r := &rep{l: l, uid: s.uid, lastName: fmt.Sprintf("%04d", i+1), chat: fake.chat(s.uid),
			rng: rand.New(rand.NewPCG(uint64(s.uid), 42)), customers: s.customers}
		at := start.Add(time.Duration(int64(ramp) * int64(i) / int64(n)))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !sleepUntil(runCtx, at) {
				return
			}
			r.run(runCtx)
		}()
	}
	logf("%d reps chatting: warm-up %s, then %s measured", n, warmup.Round(time.Second), o.duration)

	if !sleepUntil(ctx, l.rec.from) {
		return res, ctx.Err()
	}
	m0, err := srv.Metrics(ctx)
	if err != nil {
		return res, fmt.Errorf("metrics: %w", err)
	}
	pid := srv.PID()
	self := os.Getpid()
	cpu0, pg0, me0 := procCPU(pid), postgresCPU(dbName), procCPU(self)
	busy0, total0, irq0 := machineCPU()
	st0, _ := pg.stats(ctx, dbName)
	var stopProfile func()
	if o.cpuprofile != "" && pid == 0 {
		stopProfile = startCPUProfile(fmt.Sprintf("%s-%d.pprof", o.cpuprofile, n))
	}
	var perfDone chan string
	if o.perfDir != "" && pid != 0 {
		perfDone = make(chan string, 1)
		go func() { perfDone <- recordPerf(ctx, o.perfDir, pid, n, o.duration) }()
	}
	if !sleepUntil(ctx, l.rec.to) {
		return res, ctx.Err()
	}
	m1, err := srv.Metrics(ctx)
	if err != nil {
		return res, fmt.Errorf("metrics: %w", err)
	}
	busy1, total1, irq1 := machineCPU()
	if stopProfile != nil {
		stopProfile()
	}
	if st1, err := pg.stats(ctx, dbName); err == nil {
		res.DB = st1.sub(st0)
	}
	res.SrvCPU, res.PgCPU, res.BenchCPU = procCPU(pid)-cpu0, cpuSince(pg0, postgresCPU(dbName)), procCPU(self)-me0
	res.Busy, res.Total, res.IRQ = busy1-busy0, total1-total0, irq1-irq0
	res.Handler = m1.sub(m0)
	logf("window over; waiting for replies still on their way")
	wg.Wait()
	if pid != 0 {
		res.HWM, res.RSS = procStatus(pid)
	}
	if perfDone != nil {
		res.Perf = <-perfDone
	}
	stopped = true
	if err := srv.Stop(); err != nil {
		logf("server stop: %v", err)
	}

	rec := l.rec
	rec.mu.Lock()
	defer rec.mu.Unlock()
	res.Replies = rec.replies
	res.PerSec = float64(rec.replies) / o.duration.Seconds()
	res.Lat, res.LatText, res.LatPress = summarize(rec.lat), summarize(rec.latText), summarize(rec.latPress)
	res.Acks, res.Posts = summarize(rec.acks), summarize(rec.posts)
	res.Status, res.Failures = rec.status, rec.failures
	res.Late, res.Other, res.Similar = rec.late.Load(), rec.other.Load(), rec.similar.Load()
	res.Calls = fake.Calls()
	res.Rejected = fake.rejected.Load()
	logf("%d chats (pacing %s): %.1f updates/s, reply p50 %s p99 %s, handler p99 %s",
		n, pacing, res.PerSec, fmtDur(res.Lat.P50), fmtDur(res.Lat.P99), fmtHandler(res.Handler, 0.99))
	return res, nil
}

func sleepUntil(ctx context.Context, t time.Time) bool {
	return bot.Sleep(ctx, time.Until(t)) == nil
}

// recordPerf samples the server's stacks with perf for d and writes the
// flat report next to the data; it returns the report's path ("" if perf
// failed, with the reason logged).
func recordPerf(ctx context.Context, dir string, pid, n int, d time.Duration) string {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		logf("perf: %v", err)
		return ""
	}
	data := filepath.Join(dir, fmt.Sprintf("perf-%d.data", n))
	rec := exec.CommandContext(ctx, "perf", "record", "-e", "cpu-clock", "-F", "499", "-g", "-p", strconv.Itoa(pid), "-o", data, "--", "sleep", strconv.Itoa(int(d.Seconds())))
	if out, err := rec.CombinedOutput(); err != nil {
		logf("perf record: %v\n%s", err, out)
		return ""
	}
	txt := filepath.Join(dir, fmt.Sprintf("perf-%d.txt", n))
	rep := exec.CommandContext(ctx, "perf", "report", "-i", data, "--stdio", "--no-children", "--sort", "symbol", "--percent-limit", "0.5", "-g", "none")
	out, err := rep.Output()
	if err != nil {
		logf("perf report: %v", err)
		return ""
	}
	if err := os.WriteFile(txt, out, 0o644); err != nil {
		logf("perf: %v", err)
		return ""
	}
	return txt
}

// startCPUProfile profiles this process until the returned func is called.
func startCPUProfile(path string) func() {
	f, err := os.Create(path)
	if err != nil {
		logf("cpuprofile: %v", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		logf("cpuprofile: %v", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
		logf("CPU profile written to %s", path)
	}
}

// machineLine describes the machine the figures come from.
func machineLine() string {
	model := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		line, _, _ := strings.Cut(string(b), "\n")
		if f := strings.Fields(line); len(f) >= 2 {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			mem = fmt.Sprintf("%.0f GB RAM", float64(kb)/1024/1024)
		}
	}
	return fmt.Sprintf("%d CPUs (%s), %s, %s %s/%s", runtime.NumCPU(), model, mem, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func postgresVersion(ctx context.Context, admin string) string {
	out, err := exec.CommandContext(ctx, "psql", admin, "-Atc", "select version()").Output()
	if err != nil {
		return "PostgreSQL"
	}
	v := strings.TrimSpace(string(out))
	if i := strings.Index(v, " on "); i > 0 {
		v = v[:i]
	}
	return v
}
