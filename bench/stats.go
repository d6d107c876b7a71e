package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/salesbot-crm/salesbot/store"
)

// durs collects durations.
type durs []time.Duration

// pct returns the p-th percentile (nearest rank), 0 for none.
func (d durs) pct(p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(p/100*float64(len(s)) + 0.5)
	if i < 1 {
		i = 1
	}
	if i > len(s) {
		i = len(s)
	}
	return s[i-1]
}

func (d durs) sum() time.Duration {
	var t time.Duration
	for _, x := range d {
		t += x
	}
	return t
}

func (d durs) mean() time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d.sum() / time.Duration(len(d))
}

func (d durs) max() time.Duration {
	if len(d) == 0 {
		return 0
	}
	return slices.Max(d)
}

// median returns the median of a few run results, with the spread.
func median(xs durs) (med, lo, hi time.Duration) {
	if len(xs) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2], s[0], s[len(s)-1]
}

// ms formats a duration in milliseconds.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

// spread formats a median with its range over runs.
func spread(xs durs) string {
	m, lo, hi := median(xs)
	if len(xs) < 2 {
		return ms(m)
	}
	return fmt.Sprintf("%s (%.2f–%.2f)", ms(m), float64(lo)/1e6, float64(hi)/1e6)
}

// procStatus reads fields of /proc/self/status (Linux), in kB.
func procStatus(fields ...string) map[string]string {
	out := map[string]string{}
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		for _, want := range fields {
			if k == want {
				out[k] = strings.TrimSpace(v)
			}
		}
	}
	return out
}

// printMemory prints the process's peak and current RSS and Go heap stats.
func printMemory() {
	st := procStatus("VmHWM", "VmRSS")
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fmt.Printf("load average %s\n", loadavg())
	fmt.Printf("memory: VmHWM (peak RSS) %s, VmRSS %s; Go heap: HeapAlloc %.1f MB, HeapInuse %.1f MB, HeapSys %.1f MB, Sys %.1f MB, TotalAlloc %.1f MB, NumGC %d, GC pause total %s\n",
		st["VmHWM"], st["VmRSS"], mb(m.HeapAlloc), mb(m.HeapInuse), mb(m.HeapSys), mb(m.Sys), mb(m.TotalAlloc), m.NumGC,
		time.Duration(m.PauseTotalNs).Round(time.Microsecond))
}

// loadavg is the machine's load average (Linux), to judge the noise.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// cpuClock reads the CPU time (user + system) this process and the
// PostgreSQL backends serving its database have used, so that a figure can
// be given apart from the time spent waiting for a core on a busy machine.
type cpuClock struct {
	db      *store.DB
	backend map[int]time.Duration // by backend pid, at start
	self    time.Duration
}

func startCPU(ctx context.Context, db *store.DB) *cpuClock {
	c := &cpuClock{db: db, self: selfCPU()}
	c.backend = backendCPU(ctx, db)
	return c
}

// elapsed returns the CPU time used since start: the process's, and the
// backends' (zero for SQLite, which runs in the process).
func (c *cpuClock) elapsed(ctx context.Context) (self, server time.Duration) {
	self = selfCPU() - c.self
	for pid, t := range backendCPU(ctx, c.db) {
		server += t - c.backend[pid]
	}
	return self, server
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// backendCPU reads /proc/PID/stat of the PostgreSQL backends connected to
// the database (the server runs on this machine in the benchmarks).
func backendCPU(ctx context.Context, db *store.DB) map[int]time.Duration {
	out := map[int]time.Duration{}
	if db.Driver() != store.Postgres {
		return out
	}
	var pids []int
	if err := db.SQL().SelectContext(ctx, &pids, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`); err != nil {
		return out
	}
	for _, pid := range pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		// Fields after the command name in parentheses: utime and stime
		// are the 14th and 15th of the line, in clock ticks (100 per second).
		st := string(b)
		i := strings.LastIndexByte(st, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(st[i+1:])
		if len(f) < 13 {
			continue
		}
		ut, _ := strconv.ParseInt(f[11], 10, 64)
		sy, _ := strconv.ParseInt(f[12], 10, 64)
		out[pid] = time.Duration(ut+sy) * 10 * time.Millisecond
	}
	return out
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }
