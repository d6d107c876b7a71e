package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// An update's accept reads its sender and chat states in its transaction;
// its state changes are saved with the replies kept or with the done mark.
func TestUpdateAcceptReadSave(t *testing.T) {
	ctx := context.Background()
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
		u, err := db.CreateUser(ctx, 0, crm.User{Name: "张三", Role: crm.RoleRep, Locale: "en"})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.BindIdentity(ctx, crm.Identity{Channel: "wecom", ExternalID: "zs", UserID: u.ID, ChatID: "zs"}); err != nil {
			t.Fatal(err)
		}
		form := crm.ConversationState{Channel: "wecom", ChatID: "zs", UserKey: "zs", Flow: "visit", Step: "content", Data: `{"a":1}`, ExpiresAt: now.Add(time.Hour)}
		if err := db.PutState(ctx, form); err != nil {
			t.Fatal(err)
		}
		read := &crm.UpdateRead{Channel: "wecom", ExternalID: "zs", Reachable: true, ChatID: "zs", StateKeys: []string{"zs", "#numbered"}, Now: now}
		fresh, uc, err := db.AcceptUpdate(ctx, "wecom", "msg:1", []byte("<xml/>"), now, read)
		if err != nil || !fresh {
			t.Fatalf("accept: %v %v", fresh, err)
		}
		if uc.User.ID != u.ID || uc.User.Locale != "en" || len(uc.States) != 1 || uc.States["zs"].Step != "content" {
			t.Fatalf("read with the accept: %+v", uc)
		}
		if again, uc, err := db.AcceptUpdate(ctx, "wecom", "msg:1", []byte("<xml/>"), now, read); err != nil || again || uc.User.ID != 0 {
			t.Fatalf("a redelivery: %v %+v %v", again, uc, err)
		}
		stranger, err := db.ReadUpdate(ctx, crm.UpdateRead{Channel: "wecom", ExternalID: "nobody", ChatID: "nobody", Now: now})
		if err != nil || stranger.User.ID != 0 || len(stranger.States) != 0 {
			t.Fatalf("a stranger: %+v %v", stranger, err)
		}

		// Kept with the replies: the form moved on, the replies wait.
		next := form
		next.Step = "next"
		if _, err := db.SaveUpdate(ctx, "wecom", "msg:1", []crm.StateChange{{State: next}}, []byte(`{"replies":[]}`), false, nil); err != nil {
			t.Fatal(err)
		}
		left, err := db.ClaimStaleInbound(ctx, "wecom", now.Add(time.Hour), time.Minute, 10)
		if err != nil || len(left) != 1 || string(left[0].Replies) != `{"replies":[]}` {
			t.Fatalf("kept: %+v %v", left, err)
		}
		if st, err := db.State(ctx, "wecom", "zs", "zs", now); err != nil || st.Step != "next" {
			t.Fatalf("state saved with the replies: %+v %v", st, err)
		}
		// Done, with the form's end, reading for the chat's next update.
		after, err := db.SaveUpdate(ctx, "wecom", "msg:1", []crm.StateChange{{State: form, Delete: true}}, nil, true, read)
		if err != nil || after.User.ID != u.ID || len(after.States) != 0 {
			t.Fatalf("done and read: %+v %v", after, err)
		}
		if left, err := db.ClaimStaleInbound(ctx, "wecom", now.Add(2*time.Hour), time.Minute, 10); err != nil || len(left) != 0 {
			t.Fatalf("finished: %+v %v", left, err)
		}
		if _, err := db.State(ctx, "wecom", "zs", "zs", now); crm.ErrorCode(err) != crm.CodeNotFound {
			t.Fatalf("state after the done mark: %v", err)
		}
	})
}

// Reads under BatchReads share a transaction and see writes made
// meanwhile; a missing row is still NotFound, and the batch ends cleanly.
func TestBatchReadsSeeWritesAndErrors(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *store.DB) {
		ctx, end := db.BatchReads(context.Background())
		defer end()
		if _, err := db.Users(ctx); err != nil {
			t.Fatal(err)
		}
		u, err := db.CreateUser(ctx, 0, crm.User{Name: "李四", Role: crm.RoleRep})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := db.User(ctx, u.ID); err != nil || got.Name != "李四" {
			t.Fatalf("a read after a write in the batch: %+v %v", got, err)
		}
		if _, err := db.User(ctx, u.ID+1000); crm.ErrorCode(err) != crm.CodeNotFound {
			t.Fatalf("a missing user: %v", err)
		}
		if _, err := db.IdentityUser(ctx, "wecom", "nobody"); crm.ErrorCode(err) != crm.CodeUnbound {
			t.Fatalf("an unbound account: %v", err)
		}
		end()
		if got, err := db.User(ctx, u.ID); err != nil || got.ID != u.ID {
			t.Fatalf("a read after the batch ended: %+v %v", got, err)
		}
	})
}
