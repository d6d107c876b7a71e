package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/salesbot-crm/salesbot/crm/textwidth"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// runMain runs the program in dir with stdin and environment, returning
// the exit code and outputs.
func runMain(t *testing.T, dir, stdin string, env []string, args ...string) (int, string, string) {
	t.Helper()
	return runMainWith(t, &Main{}, dir, stdin, env, args...)
}

// runMainWith is runMain with a Main prepared by the test (its clock, its
// Telegram waits); the I/O and environment are filled in here.
func runMainWith(t *testing.T, m *Main, dir, stdin string, env []string, args ...string) (int, string, string) {
	t.Helper()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	var out, errb bytes.Buffer
	m.Stdin, m.Stdout, m.Stderr, m.Environ = strings.NewReader(stdin), &out, &errb, env
	code := m.Run(context.Background(), args)
	return code, out.String(), errb.String()
}

func TestExampleConfigIsTheDefaults(t *testing.T) {
	c, err := LoadConfig("../../config.example.yaml", true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, defaultConfig()) {
		t.Fatalf("config.example.yaml differs from the defaults:\n%+v\n%+v", c, defaultConfig())
	}
	// Every key is documented in the example.
	b, _ := os.ReadFile("../../config.example.yaml")
	for _, path := range envKeys() {
		leaf := path[strings.LastIndex(path, ".")+1:]
		if !strings.Contains(string(b), leaf+":") {
			t.Errorf("config.example.yaml does not document %s", path)
		}
	}
}

func TestEnvironmentOverridesFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.yaml")
	os.WriteFile(p, []byte("locale: en\nstale_days: 7\ntelegram:\n  api_endpoint: http://file.example\n"), 0o644)
	c, err := LoadConfig(p, true, []string{"SALESBOT_STALE_DAYS=21", "SALESBOT_TELEGRAM_API_ENDPOINT=http://127.0.0.1:9999", "SALESBOT_DATABASE_DRIVER=postgres", "SALESBOT_DATABASE_DSN=postgres://x@h/db"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Locale != "en" || c.StaleDays != 21 || c.Telegram.APIEndpoint != "http://127.0.0.1:9999" || c.Database.Driver != "postgres" {
		t.Fatalf("got %+v", c)
	}
}

func TestValidateNamesTheKey(t *testing.T) {
	cases := map[string]string{
		"SALESBOT_DATABASE_DRIVER=mysql":                 "database.driver",
		"SALESBOT_TIMEZONE=Mars/Olympus":                 "timezone",
		"SALESBOT_LOCALE=fr":                             "locale",
		"SALESBOT_AI_ENDPOINT=localhost:11434":           "ai.endpoint",
		"SALESBOT_AI_ENDPOINT=http://127.0.0.1:11434/v1": "ai.model",
		"SALESBOT_STALE_DAYS=abc":                        "stale_days",
		"SALESBOT_STALE_DAYS=0":                          "stale_days",
		"SALESBOT_TELEGRAM_MODE=push":                    "telegram.mode",
		"SALESBOT_TELEGRAM_API_ENDPOINT=ftp://x":         "telegram.api_endpoint",
		"SALESBOT_SCHEDULER_WORKBENCH=every day":         "scheduler.workbench",
		"SALESBOT_SCHEDULER_QUIET_HOURS=9pm-8am":         "scheduler.quiet_hours",
		"SALESBOT_LOG_LEVEL=loud":                        "log.level",
		"SALESBOT_WECOM_CORP_ID=ww123":                   "wecom.",
	}
	for env, key := range cases {
		_, err := LoadConfig("", false, []string{env})
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s: got %v, want an error naming %s", env, err, key)
		}
	}
	// The whole program: exit 2 and one clear line.
	code, _, stderr := runMain(t, t.TempDir(), "", []string{"SALESBOT_LOCALE=fr"}, "migrate")
	if code != 2 || !strings.Contains(stderr, "locale") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

func TestSecretsStayOutOfErrors(t *testing.T) {
	code, _, stderr := runMain(t, t.TempDir(), "", []string{"SALESBOT_DATABASE_DRIVER=postgres", "SALESBOT_DATABASE_DSN=postgres://bob:hunter2secret@127.0.0.1:1/crm?sslmode=disable&connect_timeout=2"}, "migrate")
	if code != 1 || strings.Contains(stderr, "hunter2secret") || !strings.Contains(stderr, "127.0.0.1:1") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

func TestFirstRunHelpOnStdin(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := runMain(t, dir, "/help\n", nil)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "/new") || !strings.Contains(out, "/visit") {
		t.Fatalf("no help text: %s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "salesbot.db")); err != nil {
		t.Fatalf("salesbot.db not left: %v", err)
	}
	if !strings.Contains(stderr, "salesbot.db") {
		t.Fatalf("banner does not say where data lives: %s", stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"frobnicate"}, {"user"}, {"user", "add", "--role", "king", "张三"}, {"invite", "--role", "boss"}, {"--nope"}} {
		code, _, stderr := runMain(t, dir, "", nil, args...)
		if code != 2 || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	code, out, _ := runMain(t, dir, "", nil, "--help")
	if code != 0 || !strings.Contains(out, "user add NAME") {
		t.Errorf("--help: %d %s", code, out)
	}
	code, out, _ = runMain(t, dir, "", nil, "version")
	if code != 0 || !strings.HasPrefix(out, "salesbot ") {
		t.Errorf("version: %d %s", code, out)
	}
}

func TestUsersInvitesAndConsoleAs(t *testing.T) {
	dir := t.TempDir()
	if code, out, e := runMain(t, dir, "", nil, "user", "add", "张三", "--role", "rep", "--dept", "华东销售部"); code != 0 || !strings.Contains(out, "张三") {
		t.Fatalf("user add: %d %s %s", code, out, e)
	}
	code, out, _ := runMain(t, dir, "", nil, "user", "list")
	if code != 0 || !strings.Contains(out, "张三") || !strings.Contains(out, "华东销售部") {
		t.Fatalf("user list: %d %s", code, out)
	}
	code, out, _ = runMain(t, dir, "", nil, "invite", "--role", "rep", "--dept", "华东销售部", "--name", "李四")
	if code != 0 || len(strings.TrimSpace(out)) != 8 {
		t.Fatalf("invite: %d %q", code, out)
	}
	code, out, _ = runMain(t, dir, "/today\n", nil, "console", "--user", "张三")
	if code != 0 || !strings.Contains(out, "张三") {
		t.Fatalf("console as 张三: %d %s", code, out)
	}
	if code, _, _ := runMain(t, dir, "", nil, "console", "--user", "nobody"); code != 2 {
		t.Fatalf("unknown console user: exit %d", code)
	}
}

// user list lines its columns up by display width: a Chinese name takes
// two cells per character, so ROLE starts in the same column on every line
// (#14 item 14; tabwriter counted runes and pushed Chinese rows left).
func TestUserListAlignsChineseNames(t *testing.T) {
	dir := t.TempDir()
	runMain(t, dir, "", nil, "dept", "add", "华东销售部")
	for _, name := range []string{"张三", "Zhang San", "欧阳娜娜"} {
		if code, out, e := runMain(t, dir, "", nil, "user", "add", name, "--role", "rep", "--dept", "华东销售部"); code != 0 {
			t.Fatalf("user add %s: %d %s %s", name, code, out, e)
		}
	}
	code, out, _ := runMain(t, dir, "", nil, "user", "list")
	if code != 0 {
		t.Fatalf("user list: %d %s", code, out)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("want a header and 3 users:\n%s", out)
	}
	col := func(line, word string) int {
		i := strings.Index(line, word)
		if i < 0 {
			t.Fatalf("no %q in %q", word, line)
		}
		return textwidth.Of(line[:i])
	}
	role, dept := col(lines[0], "ROLE"), col(lines[0], "DEPARTMENT")
	for _, line := range lines[1:] {
		if got := col(line, "rep"); got != role {
			t.Errorf("ROLE at cell %d, rep at cell %d:\n%s", role, got, out)
		}
		if got := col(line, "华东销售部"); got != dept {
			t.Errorf("DEPARTMENT at cell %d, 华东销售部 at cell %d:\n%s", dept, got, out)
		}
	}
}

func TestMigrateAndDemoOnBothEngines(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			env := []string{"SALESBOT_DATABASE_DRIVER=sqlite", "SALESBOT_DATABASE_DSN=" + filepath.Join(dir, "demo.db")}
			if engine == "postgres" {
				env = []string{"SALESBOT_DATABASE_DRIVER=postgres", "SALESBOT_DATABASE_DSN=" + storetest.NewPostgresDatabase(t)}
			}
			code, out, stderr := runMain(t, dir, "", env, "migrate")
			if code != 0 || !strings.Contains(out, "schema version") {
				t.Fatalf("migrate: %d %s %s", code, out, stderr)
			}
			code, out, stderr = runMain(t, dir, "", env, "demo")
			if code != 0 || !strings.Contains(out, "customers") {
				t.Fatalf("demo: %d %s %s", code, out, stderr)
			}
			code, _, stderr = runMain(t, dir, "", env, "demo")
			if code != 1 || !strings.Contains(stderr, "already has customers") {
				t.Fatalf("second demo: %d %s", code, stderr)
			}
			code, out, _ = runMain(t, dir, "", env, "user", "list")
			if code != 0 || strings.Count(out, "rep") < 12 {
				t.Fatalf("user list after demo: %s", out)
			}
		})
	}
}

func TestConsoleAddFindAndDuplicateClaim(t *testing.T) {
	dir := t.TempDir()
	runMain(t, dir, "", nil, "user", "add", "张三", "--role", "rep", "--dept", "华东销售部")
	runMain(t, dir, "", nil, "user", "add", "李四", "--role", "rep", "--dept", "华东销售部")
	script := "/new\n北京青禾新锐科技有限公司\n1\n2\n1\n3\n王经理 13800138000\n1\n/find 青禾\n"
	code, out, stderr := runMain(t, dir, script, nil, "console", "--user", "张三")
	if code != 0 || !strings.Contains(out, "已保存「北京青禾新锐科技有限公司」") || !strings.Contains(out, "「青禾」找到 1 个客户") {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, _ = runMain(t, dir, "/new\n青禾新锐科技（北京）有限公司\n", nil, "console", "--user", "李四")
	if code != 0 || !strings.Contains(out, "张三") || !strings.Contains(out, "认领") {
		t.Fatalf("second user not refused with the owner's name: %s", out)
	}
}

func TestOrgCommandsAndBackup(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"dept", "add", "华东销售部"},
		{"dept", "add", "上海组", "--parent", "华东销售部"},
		{"user", "add", "张三", "--role", "rep"},
		{"user", "set", "张三", "--dept", "上海组", "--role", "manager"},
	} {
		if code, out, stderr := runMain(t, dir, "", nil, args...); code != 0 {
			t.Fatalf("%v: %d %s %s", args, code, out, stderr)
		}
	}
	_, out, _ := runMain(t, dir, "", nil, "dept", "list")
	if !strings.Contains(out, "华东销售部\n  上海组") {
		t.Fatalf("dept list: %q", out)
	}
	_, out, _ = runMain(t, dir, "", nil, "user", "list")
	if !strings.Contains(out, "manager") || !strings.Contains(out, "上海组") {
		t.Fatalf("user list: %s", out)
	}
	if code, _, _ := runMain(t, dir, "", nil, "user", "set", "nobody", "--role", "rep"); code != 2 {
		t.Fatalf("unknown user: exit %d", code)
	}
	// The console chat adds a customer so the backup has something in it.
	runMain(t, dir, "/new\n瑞丰机械有限公司\n1\n-\n-\n-\n-\n1\n", nil, "console", "--user", "张三")
	if code, _, stderr := runMain(t, dir, "", nil, "user", "deactivate", "张三"); code != 1 || !strings.Contains(stderr, "hand them over") {
		t.Fatalf("deactivate with customers: %d %s", code, stderr)
	}
	backup := filepath.Join(dir, "backup.db")
	if code, out, stderr := runMain(t, dir, "", nil, "backup", backup); code != 0 {
		t.Fatalf("backup: %d %s %s", code, out, stderr)
	}
	// The copy is a working database with the customer in it.
	code, out, _ := runMain(t, dir, "/find 瑞丰\n", []string{"SALESBOT_DATABASE_DSN=" + backup}, "console", "--user", "张三")
	if code != 0 || !strings.Contains(out, "瑞丰机械有限公司") {
		t.Fatalf("backup content: %d %s", code, out)
	}
	if code, _, _ := runMain(t, dir, "", nil, "backup", backup); code != 2 {
		t.Fatalf("backup over an existing file: exit %d", code)
	}
}
