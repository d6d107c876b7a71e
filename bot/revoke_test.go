package bot_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

var inviteCode = regexp.MustCompile(`/start ([2-9A-HJ-NP-Z]{8})`)

// codeIn returns the invite code a reply carries.
func codeIn(t *testing.T, reply string) string {
	t.Helper()
	m := inviteCode.FindStringSubmatch(reply)
	if m == nil {
		t.Fatalf("no invite code in %q", reply)
	}
	return m[1]
}

// A deactivated manager cannot get back in with an invite he made himself,
// from his own chat or anyone else's; his chat account binds to nobody new
// until an admin acts; reactivation gives it back to him (#20 item 1).
func TestDeactivationRevokesInvitesAndChats(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		east, _ := db.CreateDepartment(ctx, 0, "华东销售部", 0)
		boss := c.person("老板", crm.RoleAdmin, 0)
		wang := c.person("王经理", crm.RoleManager, east.ID)
		_ = boss

		own := codeIn(t, c.says("王经理", "/invite manager"))
		repCode := codeIn(t, c.says("王经理", "/invite rep"))
		if err := db.SetActive(ctx, 0, wang.ID, false); err != nil {
			t.Fatal(err)
		}
		expect(t, c.says("王经理", "/team"), "邀请码")          // unbound: onboarding, no data
		expect(t, c.says("王经理", "/start "+own), "已失效")    // his own code is void
		expect(t, c.says("路人", "/start "+repCode), "已失效") // for anyone
		refute(t, c.says("王经理", "/team"), "团队", "华东销售部")  // still nobody

		// A fresh code from the admin does not rebind his chat account.
		fresh := codeIn(t, c.says("老板", "/invite manager"))
		expect(t, c.says("王经理", "/start "+fresh), "已停用的用户", "管理员")
		if n, err := db.ReleaseRetiredIdentities(ctx, boss.ID, wang.ID); err != nil || n != 1 {
			t.Fatalf("release: %d, %v", n, err)
		}
		expect(t, c.says("王经理", "/start "+fresh), "你已加入") // an admin let it
		newWang, err := db.IdentityUser(ctx, "telegram", "王经理")
		if err != nil || newWang.ID == wang.ID || newWang.Role != crm.RoleManager {
			t.Fatalf("after release the chat is bound to %+v, %v", newWang, err)
		}

		// Reactivation binds a deactivated user's chats back to him.
		li := c.person("李四", crm.RoleRep, east.ID)
		if err := db.SetActive(ctx, 0, li.ID, false); err != nil {
			t.Fatal(err)
		}
		expect(t, c.says("李四", "/my"), "邀请码")
		if err := db.SetActive(ctx, 0, li.ID, true); err != nil {
			t.Fatal(err)
		}
		refute(t, c.says("李四", "/my"), "邀请码")
	})
}

// An invite is void once its maker no longer holds the role it grants.
func TestDemotionRevokesInvitesAboveTheNewRole(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		east, _ := db.CreateDepartment(ctx, 0, "华东销售部", 0)
		c.person("老板", crm.RoleAdmin, 0)
		wang := c.person("王经理", crm.RoleManager, east.ID)
		mgr := codeIn(t, c.says("王经理", "/invite manager"))
		rep := codeIn(t, c.says("王经理", "/invite rep"))
		expect(t, c.says("老板", "/admin role 王经理 rep"), "王经理")
		if u, _ := db.User(ctx, wang.ID); u.Role != crm.RoleRep {
			t.Fatalf("role %s", u.Role)
		}
		expect(t, c.says("甲", "/start "+mgr), "已失效")
		expect(t, c.says("乙", "/start "+rep), "你已加入")
	})
}

// The last admin cannot demote or deactivate themselves; admin-only
// commands say so.
func TestLastAdminStays(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		ctx := context.Background()
		east, _ := db.CreateDepartment(ctx, 0, "华东销售部", 0)
		boss := c.person("老板", crm.RoleAdmin, 0)
		c.person("王经理", crm.RoleManager, east.ID)
		expect(t, c.says("老板", "/admin role 老板 rep"), "最后一个管理员")
		expect(t, c.says("老板", "/admin role 老板 manager"), "最后一个管理员")
		if u, _ := db.User(ctx, boss.ID); u.Role != crm.RoleAdmin {
			t.Fatalf("the last admin became %s", u.Role)
		}
		if err := db.SetActive(ctx, 0, boss.ID, false); crm.ErrorCode(err) != crm.CodeInvalid {
			t.Fatalf("deactivating the last admin: %v", err)
		}
		got := c.says("王经理", "/admin")
		expect(t, got, "只有管理员")
		refute(t, got, "主管或管理员")
		expect(t, c.says("王经理", "/handover"), "") // managers' commands still open
		// With a second admin, the first may step down.
		expect(t, c.says("老板", "/admin role 王经理 admin"), "王经理")
		expect(t, c.says("老板", "/admin role 老板 manager"), "老板")
	})
}

// Invite codes resist guessing: after 5 failures in an hour a chat is not
// answered about codes (even a right one) until the hour has passed, and a
// crowd of chats is held back together (#20 item 9).
func TestInviteGuessingIsRateLimited(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		c := newChat(t, db)
		c.person("老板", crm.RoleAdmin, 0)
		good := codeIn(t, c.says("老板", "/invite rep"))
		for i := 0; i < crm.InviteFailuresPerChat; i++ {
			expect(t, c.says("猜码者", fmt.Sprintf("/start ZZZZZZ%02d", i)), "不存在")
		}
		got := c.says("猜码者", "/start "+good)
		expect(t, got, "错误次数太多")
		refute(t, got, "你已加入")
		expect(t, c.says("新同事", "/start ZZZZZZZZ"), "不存在") // another chat is not held back
		c.now = c.now.Add(crm.InviteAttemptWindow + time.Minute)
		expect(t, c.says("猜码者", "/start "+good), "你已加入")

		// Everyone waits once the whole deployment has seen too many failures.
		for i := 0; i < crm.InviteFailuresGlobal; i++ {
			if err := db.RecordInviteFailure(context.Background(), "telegram", fmt.Sprintf("bot%d", i), c.now); err != nil {
				t.Fatal(err)
			}
		}
		good = codeIn(t, c.says("老板", "/invite rep"))
		expect(t, c.says("又一位", "/start "+good), "稍后再试")
		c.now = c.now.Add(crm.InviteAttemptWindow + time.Minute)
		expect(t, c.says("又一位", "/start "+good), "你已加入")
	})
}
