package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// Console sees its pushes (#14 item 13): `salesbot console --user 张三`
// delivers 张三's queued pushes (here his manager's comment on his daily
// report) into the console chat through the outbox — marked sent, never
// shown twice — and nobody else's: 王经理's console leaves it queued.
func TestConsoleDeliversTheUsersPushes(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			driver, dsn := "sqlite", filepath.Join(dir, "push.db")
			if engine == "postgres" {
				driver, dsn = "postgres", storetest.NewPostgresDatabase(t)
			}
			env := []string{"SALESBOT_DATABASE_DRIVER=" + driver, "SALESBOT_DATABASE_DSN=" + dsn}
			run := func(stdin string, args ...string) string {
				t.Helper()
				code, out, stderr := runMain(t, dir, stdin, env, args...)
				if code != 0 {
					t.Fatalf("%v: exit %d\n%s\n%s", args, code, out, stderr)
				}
				return out
			}
			run("", "user", "add", "王经理", "--role", "manager", "--dept", "华东销售部")
			run("", "user", "add", "张三", "--role", "rep", "--dept", "华东销售部")
			run("/report\n客户对价格敏感，明天约技术交流。\n", "console", "--user", "张三")
			out := run("/report team\n1\n1\n很好，记得带样品。\n", "console", "--user", "王经理")
			if !strings.Contains(out, "点评已发给 张三") {
				t.Fatalf("the manager's comment: %s", out)
			}
			if strings.Contains(out, "📨") {
				t.Fatalf("张三's push shown in 王经理's console: %s", out)
			}
			comments := func(status string) int {
				t.Helper()
				db, err := store.Open(context.Background(), driver, dsn)
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				items, err := db.OutboxItems(context.Background(), status, 50)
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, it := range items {
					if it.Kind == crm.PushReportComment {
						n++
					}
				}
				return n
			}
			if comments(crm.OutboxPending) != 1 {
				t.Fatal("the comment push is not queued for 张三")
			}

			out = run("/help\n", "console", "--user", "张三")
			if !strings.Contains(out, "📨") || !strings.Contains(out, "很好，记得带样品。") || !strings.Contains(out, "王经理") {
				t.Fatalf("张三's console does not show his push: %s", out)
			}
			if comments(crm.OutboxPending) != 0 || comments(crm.OutboxSent) != 1 {
				t.Fatalf("the delivered push is not marked sent: pending %d, sent %d", comments(crm.OutboxPending), comments(crm.OutboxSent))
			}
			out = run("/help\n", "console", "--user", "张三")
			if strings.Contains(out, "很好，记得带样品。") {
				t.Fatalf("the push was shown twice: %s", out)
			}
		})
	}
}
