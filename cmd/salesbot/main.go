// Command salesbot is a sales CRM that lives in Telegram, WeCom and the
// terminal. See README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // time zones on machines without zoneinfo

	"github.com/salesbot-crm/salesbot/ai"
	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/bot/asr"
	"github.com/salesbot-crm/salesbot/bot/console"
	"github.com/salesbot-crm/salesbot/bot/wecom"
	"github.com/salesbot-crm/salesbot/chart"
	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/textwidth"
	"github.com/salesbot-crm/salesbot/internal/demo"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/sheet"
	"github.com/salesbot-crm/salesbot/store"
)

// Version is set at build time with -ldflags "-X main.Version=...".
var Version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := (&Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Environ: os.Environ(), Now: time.Now}).Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// Main is the whole program, with its inputs and outputs injected so tests
// run the real thing.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Environ        []string
	Now            func() time.Time
	// StdinIsTerminal overrides terminal detection (tests).
	StdinIsTerminal *bool
	// Ready, if set, receives the HTTP server's address once it listens.
	Ready chan<- string
	// TelegramSleep replaces the Telegram channel's pacing waits (tests
	// run on virtual time); nil waits for real.
	TelegramSleep func(ctx context.Context, d time.Duration) error

	cfg    Config
	charts *chart.Renderer
	loc    *time.Location
	logger *slog.Logger
	db     *store.DB
	// wecomCh is the serving WeCom channel when the organisation sync is
	// on: the wecom_sync job reads the contacts through it.
	wecomCh *wecom.Channel
}

// usageError is a command-line mistake: exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usageText = `salesbot — a sales CRM in your chat apps (Telegram, WeCom, console)

Usage:
  salesbot [--config FILE] [command]

Commands:
  serve                     run the channels, the scheduler and the HTTP server (default);
                            with no Telegram or WeCom credentials: chat in this terminal
  console [--user NAME]     chat in the terminal as NAME (default: the first admin);
                            reads standard input line by line, so it can be scripted
  migrate                   create or upgrade the database schema
  invite --role R [--dept D] [--name N]
                            print a one-time invite code (R: rep, manager, admin)
  user add NAME --role R [--dept D]
                            add a user (creates department D if it does not exist)
  user list                 list users
  user set NAME [--role R] [--dept D]
                            change a user's role or department
  user deactivate NAME      deactivate (after a handover): unbind their chats and
                            void their unused invite codes
  user activate NAME        reactivate, binding their former chats back
  user release NAME         let a deactivated user's former chats be bound to a
                            new user by an invite code
  dept add NAME [--parent P]
  dept list                 the department tree
  import FILE.xlsx|FILE.csv [--owner NAME] [--dry-run] [--allow-similar]
                            import customers (Chinese or English headers; GBK CSV
                            read correctly); duplicates are reported row by row and
                            skipped; rejected rows go to FILE.rejected.xlsx|csv
  export FILE.xlsx|FILE.csv [--user NAME] [--audit | --stats KIND | --reports day|week|month]
                            export customers (within NAME's permission), an analysis,
                            the current reports, or the audit log
  backup FILE               a consistent copy of the SQLite database, while it runs
                            (PostgreSQL: use pg_dump)
  demo                      load a realistic demo company into an empty database
  run-job NAME [--print] [--queue-only]
                            run one scheduler job now and send what it queues through
                            the configured channels (--print: show each one here too;
                            --queue-only: leave them to the running server)
                            (workbench, manager_digest, appointments, payment_reminder,
                            stale_nudge, report_reminder, weekly_report, monthly_report,
                            housekeeping, wecom_sync)
  sync wecom                 mirror the WeCom contacts (departments, members, leaders as
                            managers) into the organisation now and print what changed
  version                   print the version

Configuration: config.yaml in the working directory (or --config FILE), and
SALESBOT_* environment variables (e.g. SALESBOT_DATABASE_DSN). See config.example.yaml.
With no configuration, data lives in salesbot.db (SQLite) in the working directory.
`

// Run runs the command line and returns the exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	err := m.run(ctx, args)
	defer m.Close()
	var ue usageError
	var ce *ConfigError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(m.Stderr, "salesbot: %s\nRun 'salesbot --help' for usage.\n", ue.msg)
		return exitUsage
	case errors.As(err, &ce):
		fmt.Fprintf(m.Stderr, "salesbot: %s\n", ce)
		return exitUsage
	default:
		fmt.Fprintf(m.Stderr, "salesbot: %s\n", err)
		return exitFailure
	}
}

// Close releases the database.
func (m *Main) Close() error {
	if m.db != nil {
		err := m.db.Close()
		m.db = nil
		return err
	}
	return nil
}

func (m *Main) run(ctx context.Context, args []string) error {
	global := flag.NewFlagSet("salesbot", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	configPath := global.String("config", "", "configuration file")
	help := global.Bool("help", false, "show help")
	global.BoolVar(help, "h", false, "show help")
	if err := global.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if *help {
		fmt.Fprint(m.Stdout, usageText)
		return nil
	}
	args = global.Args()
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	if cmd == "help" {
		fmt.Fprint(m.Stdout, usageText)
		return nil
	}
	if cmd == "version" {
		fmt.Fprintln(m.Stdout, "salesbot", version())
		return nil
	}
	known := map[string]bool{"serve": true, "console": true, "migrate": true, "invite": true, "user": true, "dept": true, "demo": true, "run-job": true, "backup": true, "import": true, "export": true, "sync": true}
	if !known[cmd] {
		return usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
	path, explicit := "config.yaml", false
	if *configPath != "" {
		path, explicit = *configPath, true
	}
	cfg, err := LoadConfig(path, explicit, m.Environ)
	if err != nil {
		return err
	}
	m.cfg = cfg
	m.loc, _ = time.LoadLocation(cfg.Timezone)
	tg, wc := cfg.Channels()
	m.logger = newLogger(m.Stderr, cfg.Log, cmd == "console" || (cmd == "serve" && !tg && !wc))
	if m.Now == nil {
		m.Now = time.Now
	}
	if cmd == "serve" || cmd == "console" || cmd == "run-job" {
		if err := m.loadCharts(); err != nil {
			return err
		}
	}
	switch cmd {
	case "serve":
		return m.serve(ctx, args)
	case "console":
		return m.consoleCmd(ctx, args)
	case "migrate":
		return m.migrateCmd(ctx, args)
	case "invite":
		return m.inviteCmd(ctx, args)
	case "user":
		return m.userCmd(ctx, args)
	case "demo":
		return m.demoCmd(ctx, args)
	case "run-job":
		return m.runJobCmd(ctx, args)
	case "dept":
		return m.deptCmd(ctx, args)
	case "backup":
		return m.backupCmd(ctx, args)
	case "import":
		return m.importCmd(ctx, args)
	case "export":
		return m.exportCmd(ctx, args)
	case "sync":
		return m.syncCmd(ctx, args)
	}
	return nil
}

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func newLogger(w io.Writer, c LogConfig, chatInTerminal bool) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(c.Level))
	if chatInTerminal && lvl < slog.LevelWarn {
		// Per-update logs would interleave with the chat; keep warnings.
		lvl = slog.LevelWarn
	}
	opts := &slog.HandlerOptions{Level: lvl}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// parseFlags parses flags and positional arguments in any order.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageError{fmt.Sprintf("%s: %v", fs.Name(), err)}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// openDB opens and migrates the configured database.
func (m *Main) openDB(ctx context.Context) (*store.DB, error) {
	if m.db != nil {
		return m.db, nil
	}
	db, err := store.Open(ctx, m.cfg.Database.Driver, m.cfg.Database.DSN)
	if err != nil {
		return nil, err
	}
	db.Now = m.Now
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	m.db = db
	return db, nil
}

// ensureAdmin creates the first admin on an empty database.
func (m *Main) ensureAdmin(ctx context.Context, db *store.DB) (crm.User, bool, error) {
	u, err := db.FirstAdmin(ctx)
	if err == nil {
		return u, false, nil
	}
	if !errors.Is(err, crm.ErrNotFound) {
		return u, false, err
	}
	u, err = sales.New(db).AddUser(ctx, sales.System(), crm.User{Name: conversation.T(m.cfg.Locale, "setup.admin_name"), Role: crm.RoleAdmin, Locale: m.cfg.Locale})
	return u, err == nil, err
}

func (m *Main) newBot(db *store.DB) *bot.Bot { return m.newBotAs(db, "") }

// newBotAs builds the bot; telegramUsername makes /invite print deep links.
func (m *Main) newBotAs(db *store.DB, telegramUsername string) *bot.Bot {
	svc := sales.New(db)
	if m.cfg.AI.Endpoint != "" { // the sentence reader's optional model
		svc.SetModel(&ai.Client{Endpoint: m.cfg.AI.Endpoint, Model: m.cfg.AI.Model, APIKey: m.cfg.AI.APIKey, Timeout: ai.DefaultTimeout})
	}
	return bot.New(bot.Options{Store: db, Sales: svc, Sheets: sheet.Service{Sales: sales.New(db), StageName: conversation.SheetStageName}, Transient: store.IsTransient, Logger: m.logger, Now: m.Now, Location: m.loc, DefaultLang: m.cfg.Locale, StaleDays: m.cfg.StaleDays, Pool: m.cfg.Pool.Rules(),
		Charts: m.charts, BotUsername: telegramUsername, Transcriber: m.transcriber()})
}

// loadCharts finds the CJK font for charts. A configured chart.font that
// cannot be used is a configuration error; with none configured and none
// found, charts are off and the bot sends numbers as text.
func (m *Main) loadCharts() error {
	r, err := chart.NewRenderer(m.cfg.Chart.Font)
	switch {
	case err == nil:
		m.charts = r
	case m.cfg.Chart.Font != "":
		return &ConfigError{Key: "chart.font", Value: m.cfg.Chart.Font, Allowed: "a readable TrueType (.ttf/.ttc) font with Chinese glyphs, e.g. /usr/share/fonts/truetype/wqy/wqy-microhei.ttc"}
	default:
		m.logger.Warn("no CJK font found: charts are sent as text; install fonts-wqy-microhei or set chart.font")
	}
	return nil
}

func (m *Main) stdinIsTerminal() bool {
	if m.StdinIsTerminal != nil {
		return *m.StdinIsTerminal
	}
	f, ok := m.Stdin.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// serve runs the configured channels; with none configured it is the
// console chat as the first admin.
func (m *Main) serve(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Sprintf("serve takes no arguments, got %q", strings.Join(args, " "))}
	}
	tg, wc := m.cfg.Channels()
	if tg || wc {
		return m.serveChannels(ctx)
	}
	return m.console(ctx, "", true, true)
}

func (m *Main) consoleCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("console", flag.ContinueOnError)
	user := fs.String("user", "", "chat as this user (default: the first admin)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("console: unexpected argument %q (use --user NAME)", pos[0])}
	}
	return m.console(ctx, *user, false, false)
}

// console chats in the terminal as userName (default: the first admin);
// with the scheduler on, pushes show up in the chat.
func (m *Main) console(ctx context.Context, userName string, banner, withScheduler bool) error {
	db, err := m.openDB(ctx)
	if err != nil {
		return err
	}
	admin, created, err := m.ensureAdmin(ctx, db)
	if err != nil {
		return err
	}
	u := admin
	if userName != "" {
		if u, err = db.UserByName(ctx, userName); err != nil {
			if errors.Is(err, crm.ErrNotFound) {
				return usageError{fmt.Sprintf("console: no active user named %q (see 'salesbot user list')", userName)}
			}
			return err
		}
	}
	// The console is the local operator's terminal: it speaks as the user
	// it was started for.
	if err := db.BindIdentity(ctx, crm.Identity{Channel: console.Channel, ExternalID: console.ExternalID(u.ID), UserID: u.ID, ChatID: console.ExternalID(u.ID)}); err != nil {
		return err
	}
	interactive := m.stdinIsTerminal()
	if banner || interactive {
		m.printBanner(u, created, interactive)
	}
	c := &console.Console{Bot: m.newBot(db), In: m.Stdin, Out: m.Stdout, UserID: u.ID, UserName: u.Name, Echo: !interactive}
	return m.runConsole(ctx, db, c, withScheduler)
}

// printBanner tells a newcomer where the data lives and what to do next.
func (m *Main) printBanner(u crm.User, created, interactive bool) {
	where := m.cfg.Database.DSN
	if m.cfg.Database.Driver == store.SQLite {
		if abs, err := filepath.Abs(where); err == nil {
			where = abs
		}
		where = "SQLite " + where
	} else {
		where = "PostgreSQL " + store.RedactDSN(where)
	}
	fmt.Fprintf(m.Stderr, "salesbot %s — data: %s\n", version(), where)
	if created {
		fmt.Fprintf(m.Stderr, "Created the first admin, %q. You are chatting as them.\n", u.Name)
	}
	fmt.Fprintf(m.Stderr, "Chatting in the terminal as %s (%s). Send /help to begin", u.Name, u.Role)
	if interactive {
		fmt.Fprint(m.Stderr, ", Ctrl-D to quit")
	}
	fmt.Fprintln(m.Stderr, ".")
	fmt.Fprintln(m.Stderr, "To use Telegram or WeCom, set telegram.token or wecom.* in config.yaml (see config.example.yaml).")
}

func (m *Main) migrateCmd(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return usageError{"migrate takes no arguments"}
	}
	db, err := store.Open(ctx, m.cfg.Database.Driver, m.cfg.Database.DSN)
	if err != nil {
		return err
	}
	m.db = db
	v, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "database %s is at schema version %d\n", store.RedactDSN(m.cfg.Database.DSN), v)
	return nil
}

// deptByName finds a department, creating it when create is set.
func (m *Main) deptByName(ctx context.Context, db *store.DB, name string, create bool) (int64, error) {
	if name == "" {
		return 0, nil
	}
	d, err := db.DepartmentByName(ctx, name)
	if err == nil {
		return d.ID, nil
	}
	if !errors.Is(err, crm.ErrNotFound) {
		return 0, err
	}
	if !create {
		return 0, usageError{fmt.Sprintf("no department named %q", name)}
	}
	d, err = sales.New(db).AddDepartment(ctx, sales.System(), name, 0)
	return d.ID, err
}

func (m *Main) inviteCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("invite", flag.ContinueOnError)
	role := fs.String("role", "rep", "rep, manager or admin")
	dept := fs.String("dept", "", "department name (created if missing)")
	name := fs.String("name", "", "the invited person's name")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("invite: unexpected argument %q", pos[0])}
	}
	if !crm.Role(*role).Valid() {
		return usageError{fmt.Sprintf("invite: --role %q is not valid; use rep, manager or admin", *role)}
	}
	db, err := m.openDB(ctx)
	if err != nil {
		return err
	}
	d, err := m.deptByName(ctx, db, *dept, true)
	if err != nil {
		return err
	}
	inv, err := sales.New(db).IssueInvite(ctx, sales.System(), crm.Invite{Code: bot.NewInviteCode(), Role: crm.Role(*role), DeptID: d, Name: *name, CreatedAt: m.Now()})
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, inv.Code)
	fmt.Fprintf(m.Stderr, "One-time %s invite, valid until %s. The person sends: /start %s\n", *role, inv.ExpiresAt.In(m.loc).Format("2006-01-02 15:04"), inv.Code)
	return nil
}

func (m *Main) userCmd(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError{"user: want 'user add NAME --role R [--dept D]' or 'user list'"}
	}
	switch args[0] {
	case "add":
		fs := flag.NewFlagSet("user add", flag.ContinueOnError)
		role := fs.String("role", "rep", "rep, manager or admin")
		dept := fs.String("dept", "", "department name (created if missing)")
		pos, err := parseFlags(fs, args[1:])
		if err != nil {
			return err
		}
		if len(pos) != 1 || strings.TrimSpace(pos[0]) == "" {
			return usageError{"user add: want exactly one NAME (quote names with spaces)"}
		}
		if !crm.Role(*role).Valid() {
			return usageError{fmt.Sprintf("user add: --role %q is not valid; use rep, manager or admin", *role)}
		}
		db, err := m.openDB(ctx)
		if err != nil {
			return err
		}
		d, err := m.deptByName(ctx, db, *dept, true)
		if err != nil {
			return err
		}
		u, err := sales.New(db).AddUser(ctx, sales.System(), crm.User{Name: pos[0], Role: crm.Role(*role), DeptID: d})
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "added user %d: %s (%s)\n", u.ID, u.Name, u.Role)
		return nil
	case "list":
		if len(args) > 1 {
			return usageError{"user list takes no arguments"}
		}
		db, err := m.openDB(ctx)
		if err != nil {
			return err
		}
		users, err := db.Users(ctx)
		if err != nil {
			return err
		}
		depts, err := db.Departments(ctx)
		if err != nil {
			return err
		}
		names := map[int64]string{}
		for _, d := range depts {
			names[d.ID] = d.Name
		}
		sort.SliceStable(users, func(i, j int) bool { return users[i].ID < users[j].ID })
		rows := [][]string{{"ID", "NAME", "ROLE", "DEPARTMENT", "ACTIVE"}}
		// Synced from WeCom: their UserID, and where their role came from.
		links, err := db.DirMembers(ctx, crm.DirectoryWeCom)
		if err != nil {
			return err
		}
		linked := map[int64]crm.DirMemberLink{}
		for _, l := range links {
			linked[l.UserID] = l
		}
		if len(links) > 0 {
			rows[0] = append(rows[0], "WECOM", "ROLE FROM")
		}
		for _, u := range users {
			row := []string{strconv.FormatInt(u.ID, 10), u.Name, string(u.Role), names[u.DeptID], strconv.FormatBool(u.Active)}
			if len(links) > 0 {
				l, ok := linked[u.ID]
				from := "salesbot"
				if ok && l.RoleSource == crm.RoleFromDirectory {
					from = "wecom"
				}
				row = append(row, l.ExternalID, from)
			}
			rows = append(rows, row)
		}
		_, err = io.WriteString(m.Stdout, textwidth.Table(rows))
		return err
	case "set", "deactivate", "activate", "release":
		return m.userChange(ctx, args)
	}
	return usageError{fmt.Sprintf("user: unknown subcommand %q (want add, list, set, deactivate, activate or release)", args[0])}
}

// userChange runs "user set|deactivate|activate|release NAME".
func (m *Main) userChange(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("user "+args[0], flag.ContinueOnError)
	role := fs.String("role", "", "rep, manager or admin")
	dept := fs.String("dept", "", "department name")
	pos, err := parseFlags(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{fmt.Sprintf("user %s: want exactly one NAME", args[0])}
	}
	db, err := m.openDB(ctx)
	if err != nil {
		return err
	}
	u, err := db.UserByNameAny(ctx, pos[0])
	if errors.Is(err, crm.ErrNotFound) {
		return usageError{fmt.Sprintf("user %s: no user named %q", args[0], pos[0])}
	}
	if err != nil {
		return err
	}
	switch args[0] {
	case "set":
		r, d := u.Role, u.DeptID
		if *role != "" {
			if !crm.Role(*role).Valid() {
				return usageError{fmt.Sprintf("user set: --role %q is not valid; use rep, manager or admin", *role)}
			}
			r = crm.Role(*role)
		}
		if *dept != "" {
			if d, err = m.deptByName(ctx, db, *dept, false); err != nil {
				return err
			}
		}
		if _, err := sales.New(db).UpdateUser(ctx, sales.System(), u, r, d); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "%s: role %s, department %q\n", u.Name, r, *dept)
	case "deactivate", "activate":
		if err := sales.New(db).SetActive(ctx, sales.System(), u, args[0] == "activate"); err != nil {
			if e, ok := crm.AsError(err); ok && e.Key == "user.owns_customers" {
				return fmt.Errorf("%s still owns %v customers: hand them over first (/handover in chat)", u.Name, e.Args[1])
			}
			return err
		}
		fmt.Fprintf(m.Stdout, "%s: %sd\n", u.Name, args[0])
	case "release":
		if u.Active {
			return usageError{fmt.Sprintf("user release: %s is active; only a deactivated user's chats can be released", u.Name)}
		}
		n, err := sales.New(db).ReleaseIdentities(ctx, sales.System(), u)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "%s: %d former chat account(s) released; an invite code can bind them again\n", u.Name, n)
	}
	return nil
}

// deptCmd runs "dept add NAME [--parent P]" and "dept list".
func (m *Main) deptCmd(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError{"dept: want 'dept add NAME [--parent P]' or 'dept list'"}
	}
	db, err := m.openDB(ctx)
	if err != nil {
		return err
	}
	switch args[0] {
	case "add":
		fs := flag.NewFlagSet("dept add", flag.ContinueOnError)
		parent := fs.String("parent", "", "the parent department's name")
		pos, err := parseFlags(fs, args[1:])
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return usageError{"dept add: want exactly one NAME"}
		}
		p, err := m.deptByName(ctx, db, *parent, false)
		if err != nil {
			return err
		}
		d, err := sales.New(db).AddDepartment(ctx, sales.System(), pos[0], p)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "added department %d: %s\n", d.ID, d.Name)
		return nil
	case "list":
		depts, err := db.Departments(ctx)
		if err != nil {
			return err
		}
		children := map[int64][]crm.Department{}
		for _, d := range depts {
			children[d.ParentID] = append(children[d.ParentID], d)
		}
		var walk func(int64, int)
		walk = func(p int64, depth int) {
			for _, d := range children[p] {
				fmt.Fprintf(m.Stdout, "%s%s\n", strings.Repeat("  ", depth), d.Name)
				if depth < 10 {
					walk(d.ID, depth+1)
				}
			}
		}
		walk(0, 0)
		return nil
	}
	return usageError{fmt.Sprintf("dept: unknown subcommand %q (want add or list)", args[0])}
}

// backupCmd copies the SQLite database consistently while it is in use.
func (m *Main) backupCmd(ctx context.Context, args []string) error {
	if len(args) != 1 {
		return usageError{"backup: want exactly one FILE"}
	}
	if m.cfg.Database.Driver != store.SQLite {
		return usageError{"backup works on the SQLite database; back PostgreSQL up with pg_dump (see README)"}
	}
	if _, err := os.Stat(args[0]); err == nil {
		return usageError{fmt.Sprintf("backup: %s exists; choose a new file", args[0])}
	}
	db, err := m.openDB(ctx)
	if err != nil {
		return err
	}
	if err := db.Backup(ctx, args[0]); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "backed up to %s\n", args[0])
	return nil
}

func (m *Main) demoCmd(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return usageError{"demo takes no arguments"}
	}
	db, err := m.openDB(ctx)
	if err != nil {
		return err
	}
	if _, _, err := m.ensureAdmin(ctx, db); err != nil {
		return err
	}
	start := time.Now()
	sum, err := demo.Load(ctx, db, m.Now().In(m.loc), 1)
	if err != nil {
		if de, ok := crm.AsError(err); ok && de.Key == "demo.not_empty" {
			return errors.New("the database already has customers; the demo loads only into an empty database")
		}
		return err
	}
	fmt.Fprintf(m.Stdout, "demo company loaded in %s: %d departments, %d managers, %d reps, %d customers, %d activities, %d deals, %d payment plans, %d payments, %d appointments, %d complaints, %d targets\n",
		time.Since(start).Round(time.Millisecond), sum.Departments, sum.Managers, sum.Reps, sum.Customers, sum.Activities, sum.Deals, sum.PaymentPlans, sum.Payments, sum.Appointments, sum.Complaints, sum.Targets)
	fmt.Fprintln(m.Stdout, "Try: salesbot user list, then salesbot console --user NAME")
	return nil
}

// transcriber is the speech-to-text server for voice notes (ai.asr_endpoint),
// nil when none is configured.
func (m *Main) transcriber() bot.Transcriber {
	if m.cfg.AI.ASREndpoint == "" {
		return nil
	}
	return &asr.Client{Endpoint: m.cfg.AI.ASREndpoint, Model: m.cfg.AI.ASRModel, Key: m.cfg.AI.APIKey, Language: m.cfg.Locale}
}
