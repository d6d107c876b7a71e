package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/lib/pq"

	"github.com/salesbot-crm/salesbot/bot/telegram"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
)

// pgServer is the PostgreSQL server the benchmark creates its databases on.
type pgServer struct {
	admin string // DSN of a database to connect to for CREATE/DROP DATABASE
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func randomName(prefix string) string {
	b := make([]byte, 5)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// dsn is the admin DSN with the database name replaced.
func (p pgServer) dsn(db string) (string, error) {
	u, err := url.Parse(p.admin)
	if err != nil {
		return "", fmt.Errorf("--pg: %w", err)
	}
	u.Path = "/" + db
	return u.String(), nil
}

func (p pgServer) exec(ctx context.Context, q string) error {
	db, err := sql.Open("postgres", p.admin)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, q)
	return err
}

func (p pgServer) create(ctx context.Context, name string) (string, error) {
	if err := p.exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	return p.dsn(name)
}

func (p pgServer) drop(name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return p.exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
}

// connections returns the server's max_connections, its
// superuser_reserved_connections and how many connections are open now.
func (p pgServer) connections(ctx context.Context) (max, reserved, open int, err error) {
	db, err := sql.Open("postgres", p.admin)
	if err != nil {
		return 0, 0, 0, err
	}
	defer db.Close()
	err = db.QueryRowContext(ctx, `SELECT current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int,
		(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')`).Scan(&max, &reserved, &open)
	return max, reserved, open, err
}

// seedRep is a bound rep with the customers they own.
type seedRep struct {
	uid       int64
	customers []customerRef
}

// firstUID is the Telegram user id of the first simulated rep.
const firstUID = 5_100_000_000

// seed migrates a fresh database with the store and adds n reps in one
// department, each bound to a Telegram account and owning perRep
// customers created 30 days ago (so /today has stale customers to show).
func seed(ctx context.Context, dsn string, n, perRep int, names *nameGen) ([]seedRep, error) {
	db, err := store.Open(ctx, store.Postgres, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	dept, err := db.CreateDepartment(ctx, 0, "压测销售部", 0)
	if err != nil {
		return nil, err
	}
	reps := make([]seedRep, n)
	created := time.Now().AddDate(0, 0, -30)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	next := make(chan int)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				uid := int64(firstUID + i)
				u, err := db.CreateUser(ctx, 0, crm.User{Name: fmt.Sprintf("压测%04d", i+1), Role: crm.RoleRep, DeptID: dept.ID})
				if err == nil {
					id := strconv.FormatInt(uid, 10)
					err = db.BindIdentity(ctx, crm.Identity{Channel: telegram.Name, ExternalID: id, UserID: u.ID, ChatID: id, Reachable: true})
				}
				r := seedRep{uid: uid}
				for k := 0; k < perRep && err == nil; k++ {
					name, trade := names.next()
					_, err = db.CreateCustomer(ctx, u.ID, crm.Customer{Name: name, Industry: "IT/软件", OwnerID: u.ID, CreatedAt: created})
					r.customers = append(r.customers, customerRef{name: name, trade: trade})
				}
				if err != nil {
					select {
					case errs <- fmt.Errorf("seed rep %d: %w", i+1, err):
					default:
					}
					continue
				}
				reps[i] = r
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	select {
	case err := <-errs:
		return nil, err
	default:
	}
	return reps, nil
}

// tpcbScale is the pgbench scale factor for the TPC-B-like script.
const tpcbScale = 10

// pgbenchResult is one pgbench run.
type pgbenchResult struct {
	Requested  int    // the client count asked for
	Clients    int    // the client count it ran with
	Script     string // "single-row INSERT" or "TPC-B (default)"
	TPS        float64
	LatencyAvg float64 // ms
	Seconds    int
}

var (
	tpsRE = regexp.MustCompile(`tps = ([0-9.]+) \((without initial connection time|excluding connections establishing)\)`)
	latRE = regexp.MustCompile(`latency average = ([0-9.]+) ms`)
)

// findPgbench locates pgbench: the flag, PATH, or PostgreSQL's bin dirs.
func findPgbench(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if p, err := exec.LookPath("pgbench"); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pgbench")
	if len(matches) > 0 {
		return matches[len(matches)-1], nil
	}
	return "", errors.New("pgbench not found: install postgresql-client or pass --pgbench")
}

// pgbench runs the single-row INSERT script (and, with tpcb, the default
// TPC-B-like script) on a scratch database with each client count.
func (p pgServer) pgbench(ctx context.Context, bin string, clients []int, seconds int, tpcb bool, logf func(string, ...any)) ([]pgbenchResult, error) {
	name := randomName("salesbot_pgbench_")
	dsn, err := p.create(ctx, name)
	if err != nil {
		return nil, err
	}
	defer p.drop(name)
	u, _ := url.Parse(dsn)
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "5432"
	}
	user := "postgres"
	if u.User != nil && u.User.Username() != "" {
		user = u.User.Username()
	}
	conn := []string{"-h", host, "-p", port, "-U", user}
	dir, err := os.MkdirTemp("", "salesbot-pgbench")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "insert.sql")
	// One transaction = one autocommitted single-row INSERT into a table
	// with a bigserial primary key, like the rows salesbot writes.
	if err := os.WriteFile(script, []byte("INSERT INTO bench_insert (chat_id, body) VALUES (:client_id, 'one single-row insert transaction');\n"), 0o644); err != nil {
		return nil, err
	}
	run := func(args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, bin, append(append(args, conn...), name)...)
		cmd.Env = append(os.Environ(), "PGPASSWORD="+passwordOf(u))
		out, err := cmd.CombinedOutput()
		if err != nil {
			return string(out), fmt.Errorf("%s %s: %w\n%s", filepath.Base(bin), strings.Join(args, " "), err, out)
		}
		return string(out), nil
	}
	// Scale 10: the TPC-B-like script updates one of 10 branch rows per
	// transaction, so with tens of clients it also measures row contention.
	logf("pgbench: initialising %s (scale %d)", name, tpcbScale)
	if _, err := run("-i", "-q", "-s", strconv.Itoa(tpcbScale)); err != nil {
		return nil, err
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return nil, err
	}
	_, err = db.ExecContext(ctx, `CREATE TABLE bench_insert (id bigserial PRIMARY KEY, chat_id bigint NOT NULL, body text NOT NULL, at timestamptz NOT NULL DEFAULT now())`)
	db.Close()
	if err != nil {
		return nil, err
	}
	// bench runs one script; when other work holds so many connections that
	// pgbench cannot open its own, it tries again with two thirds of the
	// clients.
	bench := func(want int, script string, args ...string) (pgbenchResult, error) {
		for c := want; ; c = c * 2 / 3 {
			jobs := strconv.Itoa(min(2, c))
			logf("pgbench: %s, -c %d -j %s -T %d", script, c, jobs, seconds)
			text, err := run(append(args, "-c", strconv.Itoa(c), "-j", jobs, "-T", strconv.Itoa(seconds))...)
			if err == nil {
				r := parsePgbench(text, c, script, seconds)
				r.Requested = want
				return r, nil
			}
			if !strings.Contains(err.Error(), "too many clients") || c <= 1 {
				return pgbenchResult{}, err
			}
			logf("pgbench: the server has no room for %d more connections now", c)
		}
	}
	var out []pgbenchResult
	for _, c := range clients {
		r, err := bench(c, "single-row INSERT", "-n", "-f", script)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
		if tpcb {
			r, err := bench(c, "TPC-B (default)")
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
	}
	return out, nil
}

func passwordOf(u *url.URL) string {
	if u.User == nil {
		return ""
	}
	p, _ := u.User.Password()
	return p
}

func parsePgbench(text string, clients int, script string, seconds int) pgbenchResult {
	r := pgbenchResult{Clients: clients, Script: script, Seconds: seconds}
	if m := tpsRE.FindStringSubmatch(text); m != nil {
		r.TPS, _ = strconv.ParseFloat(m[1], 64)
	}
	if m := latRE.FindStringSubmatch(text); m != nil {
		r.LatencyAvg, _ = strconv.ParseFloat(m[1], 64)
	}
	return r
}

// dbStat is PostgreSQL's own accounting of one database.
type dbStat struct {
	commits, rollbacks         int64
	returned, fetched          int64
	inserted, updated, deleted int64
	sessions                   int64   // connections opened
	active                     float64 // ms backends spent running statements
}

func (a dbStat) sub(b dbStat) dbStat {
	return dbStat{a.commits - b.commits, a.rollbacks - b.rollbacks, a.returned - b.returned, a.fetched - b.fetched,
		a.inserted - b.inserted, a.updated - b.updated, a.deleted - b.deleted, a.sessions - b.sessions, a.active - b.active}
}

// stats reads pg_stat_database for a database.
func (p pgServer) stats(ctx context.Context, name string) (dbStat, error) {
	db, err := sql.Open("postgres", p.admin)
	if err != nil {
		return dbStat{}, err
	}
	defer db.Close()
	var s dbStat
	err = db.QueryRowContext(ctx, `SELECT xact_commit, xact_rollback, tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted,
		sessions, active_time FROM pg_stat_database WHERE datname = $1`, name).
		Scan(&s.commits, &s.rollbacks, &s.returned, &s.fetched, &s.inserted, &s.updated, &s.deleted, &s.sessions, &s.active)
	return s, err
}
