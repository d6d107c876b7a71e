package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/salesbot-crm/salesbot/crm"
)

// CreateDepartment adds a department under parent (0 for top level).
func (s *DB) CreateDepartment(ctx context.Context, actor int64, name string, parent int64) (crm.Department, error) {
	name = strings.TrimSpace(name)
	d := crm.Department{Name: name, ParentID: parent}
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		if parent != 0 {
			var n int
			if err := get(ctx, tx, &n, `SELECT COUNT(*) FROM departments WHERE id = ?`, parent); err != nil {
				return err
			}
			if n == 0 {
				return crm.Errorf(crm.CodeNotFound, "dept.not_found")
			}
		}
		id, err := insertID(ctx, tx, `INSERT INTO departments (name, parent_id) VALUES (?, ?) RETURNING id`, name, parent)
		if err != nil {
			if crm.ErrorCode(err) == crm.CodeConflict {
				return crm.Errorf(crm.CodeConflict, "dept.exists", name)
			}
			return err
		}
		d.ID = id
		return audit(ctx, tx, actor, "department", id, "create", nil, d, s.now())
	})
	if err != nil {
		return crm.Department{}, fmt.Errorf("store: create department %q: %w", name, err)
	}
	return d, nil
}

// Departments lists all departments by id.
func (s *DB) Departments(ctx context.Context) ([]crm.Department, error) {
	var out []crm.Department
	if err := sel(ctx, s.db, &out, `SELECT id, name, parent_id FROM departments ORDER BY id`); err != nil {
		return nil, fmt.Errorf("store: departments: %w", err)
	}
	return out, nil
}

// DepartmentByName finds a department by exact name.
func (s *DB) DepartmentByName(ctx context.Context, name string) (crm.Department, error) {
	var d crm.Department
	if err := get(ctx, s.db, &d, `SELECT id, name, parent_id FROM departments WHERE name = ?`, strings.TrimSpace(name)); err != nil {
		return d, fmt.Errorf("store: department %q: %w", name, err)
	}
	return d, nil
}

const userCols = `id, name, role, dept_id, active, locale, created_at`

// CreateUser adds a user.
func (s *DB) CreateUser(ctx context.Context, actor int64, u crm.User) (crm.User, error) {
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		u, err = s.createUser(ctx, tx, actor, u)
		return err
	})
	if err != nil {
		return crm.User{}, fmt.Errorf("store: create user %q: %w", u.Name, err)
	}
	return u, nil
}

func (s *DB) createUser(ctx context.Context, tx *sqlx.Tx, actor int64, u crm.User) (crm.User, error) {
	u.Name = strings.TrimSpace(u.Name)
	if u.DeptID != 0 {
		var n int
		if err := get(ctx, tx, &n, `SELECT COUNT(*) FROM departments WHERE id = ?`, u.DeptID); err != nil {
			return u, err
		}
		if n == 0 {
			return u, crm.Errorf(crm.CodeNotFound, "dept.not_found")
		}
	}
	u.Active = true
	u.CreatedAt = s.now()
	id, err := insertID(ctx, tx, `INSERT INTO users (name, role, dept_id, active, locale, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		u.Name, u.Role, u.DeptID, u.Active, u.Locale, u.CreatedAt)
	if err != nil {
		return u, err
	}
	u.ID = id
	return u, audit(ctx, tx, actor, "user", id, "create", nil, u, u.CreatedAt)
}

// User returns one user.
func (s *DB) User(ctx context.Context, id int64) (crm.User, error) {
	var u crm.User
	if err := get(ctx, s.db, &u, `SELECT `+userCols+` FROM users WHERE id = ?`, id); err != nil {
		return u, fmt.Errorf("store: user %d: %w", id, err)
	}
	return u, nil
}

// UserByName finds an active user by exact name (case-insensitive for
// Latin names).
func (s *DB) UserByName(ctx context.Context, name string) (crm.User, error) {
	var us []crm.User
	if err := sel(ctx, s.db, &us, `SELECT `+userCols+` FROM users WHERE active = ? ORDER BY id`, true); err != nil {
		return crm.User{}, fmt.Errorf("store: user %q: %w", name, err)
	}
	name = strings.TrimSpace(name)
	for _, u := range us {
		if strings.EqualFold(u.Name, name) {
			return u, nil
		}
	}
	return crm.User{}, fmt.Errorf("store: user %q: %w", name, crm.Errorf(crm.CodeNotFound, "user.not_found", name))
}

// Users lists all users, active first, then by name.
func (s *DB) Users(ctx context.Context) ([]crm.User, error) {
	var out []crm.User
	if err := sel(ctx, s.db, &out, `SELECT `+userCols+` FROM users ORDER BY active DESC, name, id`); err != nil {
		return nil, fmt.Errorf("store: users: %w", err)
	}
	return out, nil
}

// FirstAdmin is the earliest active admin.
func (s *DB) FirstAdmin(ctx context.Context) (crm.User, error) {
	var u crm.User
	if err := get(ctx, s.db, &u, `SELECT `+userCols+` FROM users WHERE role = 'admin' AND active = ? ORDER BY id LIMIT 1`, true); err != nil {
		return u, fmt.Errorf("store: first admin: %w", err)
	}
	return u, nil
}

// SetUserLocale stores a user's language.
func (s *DB) SetUserLocale(ctx context.Context, id int64, locale string) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		if _, err := exec(ctx, tx, `UPDATE users SET locale = ? WHERE id = ?`, locale, id); err != nil {
			return fmt.Errorf("store: set locale of user %d: %w", id, err)
		}
		return audit(ctx, tx, id, "user", id, "locale", nil, map[string]string{"locale": locale}, s.now())
	})
}

// IdentityUser returns the active user bound to a chat account.
func (s *DB) IdentityUser(ctx context.Context, channel, externalID string) (crm.User, error) {
	var u crm.User
	const q = `SELECT u.id, u.name, u.role, u.dept_id, u.active, u.locale, u.created_at
		FROM identities i JOIN users u ON u.id = i.user_id
		WHERE i.channel = ? AND i.external_id = ? AND u.active = ?`
	err := get(ctx, s.db, &u, q, channel, externalID, true)
	if crm.ErrorCode(err) == crm.CodeNotFound {
		return u, crm.Errorf(crm.CodeUnbound, "auth.unbound")
	}
	if err != nil {
		return u, fmt.Errorf("store: identity %s: %w", channel, err)
	}
	return u, nil
}

// BindIdentity binds (or rebinds) a chat account to a user.
func (s *DB) BindIdentity(ctx context.Context, id crm.Identity) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error { return s.bind(ctx, tx, id) })
}

func (s *DB) bind(ctx context.Context, tx *sqlx.Tx, id crm.Identity) error {
	if id.CreatedAt.IsZero() {
		id.CreatedAt = s.now()
	}
	id.Reachable = true
	const q = `INSERT INTO identities (channel, external_id, user_id, chat_id, reachable, created_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (channel, external_id) DO UPDATE SET user_id = excluded.user_id, chat_id = excluded.chat_id, reachable = excluded.reachable`
	if _, err := exec(ctx, tx, q, id.Channel, id.ExternalID, id.UserID, id.ChatID, id.Reachable, id.CreatedAt); err != nil {
		return fmt.Errorf("store: bind %s identity: %w", id.Channel, err)
	}
	return audit(ctx, tx, id.UserID, "identity", id.UserID, "bind", nil, map[string]string{"channel": id.Channel}, id.CreatedAt)
}

// Identities lists a user's bound chat accounts.
func (s *DB) Identities(ctx context.Context, userID int64) ([]crm.Identity, error) {
	var out []crm.Identity
	const q = `SELECT channel, external_id, user_id, chat_id, reachable, created_at FROM identities WHERE user_id = ? ORDER BY created_at`
	if err := sel(ctx, s.db, &out, q, userID); err != nil {
		return nil, fmt.Errorf("store: identities of user %d: %w", userID, err)
	}
	return out, nil
}

// CreateInvite stores a new invite code.
func (s *DB) CreateInvite(ctx context.Context, inv crm.Invite) (crm.Invite, error) {
	if inv.CreatedAt.IsZero() {
		inv.CreatedAt = s.now()
	}
	inv.CreatedAt = inv.CreatedAt.UTC()
	if inv.ExpiresAt.IsZero() {
		inv.ExpiresAt = inv.CreatedAt.Add(crm.InviteTTL)
	}
	inv.ExpiresAt = inv.ExpiresAt.UTC()
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		const q = `INSERT INTO invites (code, role, dept_id, name, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`
		if _, err := exec(ctx, tx, q, inv.Code, inv.Role, inv.DeptID, inv.Name, inv.CreatedBy, inv.CreatedAt, inv.ExpiresAt); err != nil {
			return err
		}
		return audit(ctx, tx, inv.CreatedBy, "invite", 0, "create", nil, map[string]any{"role": inv.Role, "dept_id": inv.DeptID, "name": inv.Name}, inv.CreatedAt)
	})
	if err != nil {
		return inv, fmt.Errorf("store: create invite: %w", err)
	}
	return inv, nil
}

// RedeemInvite uses an invite code once, creating the user and binding the
// chat account in one transaction. Whether the invite may still be used is
// crm's rule (Invite.Redeemable, given its creator); a chat account of a
// deactivated user is not bound to anyone new ("invite.chat_retired"). A
// failed attempt is counted (RecordInviteFailure is the caller's).
func (s *DB) RedeemInvite(ctx context.Context, code string, id crm.Identity, displayName, locale string, now time.Time) (crm.User, error) {
	var u crm.User
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var inv crm.Invite
		const q = `SELECT code, role, dept_id, name, created_by, created_at, expires_at, used_by, used_at, revoked_at FROM invites WHERE code = ?`
		if err := get(ctx, tx, &inv, q, strings.ToUpper(strings.TrimSpace(code))); err != nil {
			if crm.ErrorCode(err) == crm.CodeNotFound {
				return crm.Errorf(crm.CodeNotFound, "invite.unknown")
			}
			return err
		}
		var creator *crm.User
		if inv.CreatedBy > 0 {
			creator = new(crm.User)
			if err := get(ctx, tx, creator, `SELECT `+userCols+` FROM users WHERE id = ?`, inv.CreatedBy); err != nil {
				return err
			}
		}
		if err := inv.Redeemable(creator, now); err != nil {
			return err
		}
		var retired int
		if err := get(ctx, tx, &retired, `SELECT COUNT(*) FROM retired_identities WHERE channel = ? AND external_id = ?`, id.Channel, id.ExternalID); err != nil {
			return err
		}
		if retired > 0 {
			return crm.Errorf(crm.CodeInvalid, "invite.chat_retired")
		}
		// Claim the code first: of two concurrent redemptions only one
		// updates the row, and a revocation that committed first wins.
		r, err := exec(ctx, tx, `UPDATE invites SET used_by = -1, used_at = ? WHERE code = ? AND used_by = 0 AND revoked_at IS NULL`, now.UTC(), inv.Code)
		if err != nil {
			return err
		}
		if n, _ := r.RowsAffected(); n != 1 {
			return crm.Errorf(crm.CodeInvalid, "invite.used")
		}
		name := inv.Name
		if name == "" {
			name = displayName
		}
		if strings.TrimSpace(name) == "" {
			name = id.Channel + ":" + id.ExternalID
		}
		u, err = s.createUser(ctx, tx, inv.CreatedBy, crm.User{Name: name, Role: inv.Role, DeptID: inv.DeptID, Locale: locale})
		if err != nil {
			return err
		}
		if _, err := exec(ctx, tx, `UPDATE invites SET used_by = ? WHERE code = ?`, u.ID, inv.Code); err != nil {
			return err
		}
		id.UserID = u.ID
		return s.bind(ctx, tx, id)
	})
	if err != nil {
		return crm.User{}, fmt.Errorf("store: redeem invite: %w", err)
	}
	return u, nil
}

// RecordInviteFailure counts a failed redemption by a chat account, and
// forgets failures older than a day.
func (s *DB) RecordInviteFailure(ctx context.Context, channel, externalID string, now time.Time) error {
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		if _, err := exec(ctx, tx, `DELETE FROM invite_failures WHERE at < ?`, now.UTC().Add(-24*time.Hour)); err != nil {
			return err
		}
		_, err := exec(ctx, tx, `INSERT INTO invite_failures (channel, external_id, at) VALUES (?, ?, ?)`, channel, externalID, now.UTC())
		return err
	})
	if err != nil {
		return fmt.Errorf("store: record invite failure: %w", err)
	}
	return nil
}

// InviteAttempts counts the failed redemptions since a moment: by one chat
// account and by anyone.
func (s *DB) InviteAttempts(ctx context.Context, channel, externalID string, since time.Time) (crm.InviteAttempts, error) {
	var a crm.InviteAttempts
	const q = `SELECT COUNT(*) AS global, COALESCE(SUM(CASE WHEN channel = ? AND external_id = ? THEN 1 ELSE 0 END), 0) AS chat
		FROM invite_failures WHERE at >= ?`
	var row struct {
		Global int `db:"global"`
		Chat   int `db:"chat"`
	}
	if err := get(ctx, s.db, &row, q, channel, externalID, since.UTC()); err != nil {
		return a, fmt.Errorf("store: invite attempts: %w", err)
	}
	return crm.InviteAttempts{Chat: row.Chat, Global: row.Global}, nil
}

// ReleaseRetiredIdentities lets the chat accounts of a deactivated user be
// bound again by an invite (an admin's act, audited). It returns how many
// were released.
func (s *DB) ReleaseRetiredIdentities(ctx context.Context, actor, userID int64) (int, error) {
	var n int64
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		r, err := exec(ctx, tx, `DELETE FROM retired_identities WHERE user_id = ?`, userID)
		if err != nil {
			return err
		}
		n, _ = r.RowsAffected()
		return audit(ctx, tx, actor, "identity", userID, "release", nil, map[string]int64{"released": n}, s.now())
	})
	if err != nil {
		return 0, fmt.Errorf("store: release chats of user %d: %w", userID, err)
	}
	return int(n), nil
}

// SetReachable marks a chat account reachable or not.
func (s *DB) SetReachable(ctx context.Context, channel, externalID string, reachable bool) error {
	// Only a change writes a row: every private message marks its sender
	// reachable, and an update that changes nothing costs no WAL write.
	if _, err := exec(ctx, s.db, `UPDATE identities SET reachable = ? WHERE channel = ? AND external_id = ? AND reachable <> ?`, reachable, channel, externalID, reachable); err != nil {
		return fmt.Errorf("store: set %s identity reachable: %w", channel, err)
	}
	return nil
}

// RegisterGroup makes a group chat the alert group of a department.
func (s *DB) RegisterGroup(ctx context.Context, actor int64, g crm.Group) error {
	if g.CreatedAt.IsZero() {
		g.CreatedAt = s.now()
	}
	g.CreatedBy = actor
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		const q = `INSERT INTO chat_groups (channel, chat_id, dept_id, title, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (channel, chat_id) DO UPDATE SET dept_id = excluded.dept_id, title = excluded.title, created_by = excluded.created_by`
		if _, err := exec(ctx, tx, q, g.Channel, g.ChatID, g.DeptID, g.Title, g.CreatedBy, g.CreatedAt.UTC()); err != nil {
			return fmt.Errorf("store: register group: %w", err)
		}
		return audit(ctx, tx, actor, "group", g.DeptID, "register", nil, g, s.now())
	})
}

// Groups lists the registered group chats.
func (s *DB) Groups(ctx context.Context) ([]crm.Group, error) {
	var out []crm.Group
	if err := sel(ctx, s.db, &out, `SELECT channel, chat_id, dept_id, title, created_by, created_at FROM chat_groups ORDER BY channel, chat_id`); err != nil {
		return nil, fmt.Errorf("store: groups: %w", err)
	}
	return out, nil
}

// ClaimInbound records an inbound update key and reports whether it is new.
func (s *DB) ClaimInbound(ctx context.Context, channel, key string, now time.Time) (bool, error) {
	r, err := exec(ctx, s.db, `INSERT INTO inbound (channel, key, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, channel, key, now.UTC())
	if err != nil {
		return false, fmt.Errorf("store: claim inbound %s update: %w", channel, err)
	}
	n, _ := r.RowsAffected()
	return n == 1, nil
}

// AcceptInbound records an inbound update key with its payload and reports
// whether it is new.
func (s *DB) AcceptInbound(ctx context.Context, channel, key string, payload []byte, now time.Time) (bool, error) {
	r, err := exec(ctx, s.db, `INSERT INTO inbound (channel, key, received_at, payload, claimed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		channel, key, now.UTC(), string(payload), now.UTC())
	if err != nil {
		return false, fmt.Errorf("store: accept inbound %s update: %w", channel, err)
	}
	n, _ := r.RowsAffected()
	return n == 1, nil
}

// HandledInbound keeps a handled update's replies until FinishInbound.
func (s *DB) HandledInbound(ctx context.Context, channel, key string, replies []byte) error {
	if _, err := exec(ctx, s.db, `UPDATE inbound SET replies = ? WHERE channel = ? AND key = ? AND payload IS NOT NULL`, string(replies), channel, key); err != nil {
		return fmt.Errorf("store: keep the replies of an inbound %s update: %w", channel, err)
	}
	return nil
}

// FinishInbound drops an answered update's payload and replies.
func (s *DB) FinishInbound(ctx context.Context, channel, key string) error {
	if _, err := exec(ctx, s.db, `UPDATE inbound SET payload = NULL, replies = NULL WHERE channel = ? AND key = ? AND payload IS NOT NULL`, channel, key); err != nil {
		return fmt.Errorf("store: finish inbound %s update: %w", channel, err)
	}
	return nil
}

// ReleaseInbound backdates the claims of unanswered updates so that the
// next ClaimStaleInbound, in any instance, takes them.
func (s *DB) ReleaseInbound(ctx context.Context, channel string, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
	q, args, err := sqlx.In(`UPDATE inbound SET claimed_at = ? WHERE channel = ? AND key IN (?) AND payload IS NOT NULL`, time.Unix(0, 0).UTC(), channel, keys)
	if err == nil {
		_, err = exec(ctx, s.db, q, args...)
	}
	if err != nil {
		return fmt.Errorf("store: release inbound %s updates: %w", channel, err)
	}
	return nil
}

// ClaimStaleInbound takes over unanswered updates whose claim is older than
// lease. On PostgreSQL concurrent instances skip each other's rows (FOR
// UPDATE SKIP LOCKED); SQLite has one writer.
func (s *DB) ClaimStaleInbound(ctx context.Context, channel string, now time.Time, lease time.Duration, limit int) ([]crm.InboundUpdate, error) {
	lock := ""
	if s.driver == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var out []crm.InboundUpdate
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		q := `SELECT key, payload, replies, takeovers + 1 AS takeovers, received_at FROM inbound WHERE channel = ? AND payload IS NOT NULL AND claimed_at < ?
			ORDER BY claimed_at, received_at, key LIMIT ?` + lock
		if err := sel(ctx, tx, &out, q, channel, now.Add(-lease).UTC(), limit); err != nil {
			return err
		}
		for _, u := range out {
			if _, err := exec(ctx, tx, `UPDATE inbound SET claimed_at = ?, takeovers = takeovers + 1 WHERE channel = ? AND key = ?`, now.UTC(), channel, u.Key); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim stale inbound %s updates: %w", channel, err)
	}
	return out, nil
}

// UpdateUser changes a user's role and department.
func (s *DB) UpdateUser(ctx context.Context, actor int64, id int64, role crm.Role, dept int64) (crm.User, error) {
	var u crm.User
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		if err := get(ctx, tx, &u, `SELECT `+userCols+` FROM users WHERE id = ?`, id); err != nil {
			return err
		}
		if dept != 0 {
			var n int
			if err := get(ctx, tx, &n, `SELECT COUNT(*) FROM departments WHERE id = ?`, dept); err != nil {
				return err
			}
			if n == 0 {
				return crm.Errorf(crm.CodeNotFound, "dept.not_found")
			}
		}
		if err := s.checkLeaveAdmins(ctx, tx, u, role, u.Active); err != nil {
			return err
		}
		before := u
		u.Role, u.DeptID = role, dept
		if _, err := exec(ctx, tx, `UPDATE users SET role = ?, dept_id = ? WHERE id = ?`, role, dept, id); err != nil {
			return err
		}
		if role != before.Role {
			// A role set in salesbot is kept by the WeCom sync.
			if _, err := exec(ctx, tx, `UPDATE users SET role_source = ? WHERE id = ?`, crm.RoleLocal, id); err != nil {
				return err
			}
		}
		if err := s.revokeInvites(ctx, tx, u); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "user", id, "update", before, u, s.now())
	})
	if err != nil {
		return u, fmt.Errorf("store: update user %d: %w", id, err)
	}
	return u, nil
}

// SetActive activates or deactivates a user. Deactivating unbinds every
// chat account at once and is refused while the user still owns
// customers (hand them over first): Invalid "user.owns_customers".
func (s *DB) SetActive(ctx context.Context, actor int64, id int64, active bool) error {
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var u crm.User
		if err := get(ctx, tx, &u, `SELECT `+userCols+` FROM users WHERE id = ?`, id); err != nil {
			return err
		}
		if !active {
			var n int
			if err := get(ctx, tx, &n, `SELECT COUNT(*) FROM customers WHERE owner_id = ? AND archived = ?`, id, false); err != nil {
				return err
			}
			if n > 0 {
				return crm.Errorf(crm.CodeInvalid, "user.owns_customers", u.Name, n)
			}
			if err := s.checkLeaveAdmins(ctx, tx, u, u.Role, false); err != nil {
				return err
			}
			// The chat accounts are unbound and kept aside, so that no
			// invite binds them to a new user; the user's unused invites
			// are void.
			const retire = `INSERT INTO retired_identities (channel, external_id, user_id, chat_id, retired_at)
				SELECT channel, external_id, user_id, chat_id, ? FROM identities WHERE user_id = ?
				ON CONFLICT (channel, external_id) DO NOTHING`
			if _, err := exec(ctx, tx, retire, s.now().UTC(), id); err != nil {
				return err
			}
			u.Active = false
			if err := s.revokeInvites(ctx, tx, u); err != nil {
				return err
			}
			if _, err := exec(ctx, tx, `DELETE FROM identities WHERE user_id = ?`, id); err != nil {
				return err
			}
			if _, err := exec(ctx, tx, `DELETE FROM collaborators WHERE user_id = ?`, id); err != nil {
				return err
			}
		}
		if active && !u.Active {
			// Reactivation binds the user's former chat accounts back
			// (where nobody else holds them meanwhile).
			const back = `INSERT INTO identities (channel, external_id, user_id, chat_id, reachable, created_at)
				SELECT channel, external_id, user_id, chat_id, ?, ? FROM retired_identities WHERE user_id = ?
				ON CONFLICT (channel, external_id) DO NOTHING`
			if _, err := exec(ctx, tx, back, true, s.now().UTC(), id); err != nil {
				return err
			}
			if _, err := exec(ctx, tx, `DELETE FROM retired_identities WHERE user_id = ?`, id); err != nil {
				return err
			}
		}
		if _, err := exec(ctx, tx, `UPDATE users SET active = ? WHERE id = ?`, active, id); err != nil {
			return err
		}
		action := "activate"
		if !active {
			action = "deactivate"
		}
		return audit(ctx, tx, actor, "user", id, action, map[string]bool{"active": u.Active}, map[string]bool{"active": active}, s.now())
	})
	if err != nil {
		return fmt.Errorf("store: set user %d active=%v: %w", id, active, err)
	}
	return nil
}

// checkLeaveAdmins applies crm.CanLeaveAdmins with the number of other
// active admins.
func (s *DB) checkLeaveAdmins(ctx context.Context, tx *sqlx.Tx, u crm.User, role crm.Role, active bool) error {
	if u.Role != crm.RoleAdmin {
		return nil
	}
	var others int
	if err := get(ctx, tx, &others, `SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = ? AND id <> ?`, true, u.ID); err != nil {
		return err
	}
	return crm.CanLeaveAdmins(u, role, active, others)
}

// revokeInvites voids the unused invites u made that u could no longer
// make: all of them once u is inactive, those above u's role otherwise.
func (s *DB) revokeInvites(ctx context.Context, tx *sqlx.Tx, u crm.User) error {
	var granted []crm.Role
	for _, r := range []crm.Role{crm.RoleRep, crm.RoleManager, crm.RoleAdmin} {
		if !u.Active || !u.Role.AtLeast(r) {
			granted = append(granted, r)
		}
	}
	if len(granted) == 0 {
		return nil
	}
	q, args, err := sqlx.In(`UPDATE invites SET revoked_at = ? WHERE created_by = ? AND used_by = 0 AND revoked_at IS NULL AND role IN (?)`, s.now().UTC(), u.ID, granted)
	if err != nil {
		return err
	}
	r, err := exec(ctx, tx, q, args...)
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n > 0 {
		return audit(ctx, tx, u.ID, "invite", 0, "revoke", nil, map[string]int64{"revoked": n}, s.now())
	}
	return nil
}

// UserByNameAny finds a user by exact name, active or not.
func (s *DB) UserByNameAny(ctx context.Context, name string) (crm.User, error) {
	var us []crm.User
	if err := sel(ctx, s.db, &us, `SELECT `+userCols+` FROM users ORDER BY active DESC, id`); err != nil {
		return crm.User{}, fmt.Errorf("store: user %q: %w", name, err)
	}
	name = strings.TrimSpace(name)
	for _, u := range us {
		if strings.EqualFold(u.Name, name) {
			return u, nil
		}
	}
	return crm.User{}, fmt.Errorf("store: user %q: %w", name, crm.Errorf(crm.CodeNotFound, "user.not_found", name))
}

// CustomerHistory returns the audit entries of a customer and of every
// record that belongs to it (contacts, activities, deals, plans, payments,
// appointments, complaints), newest first.
func (s *DB) CustomerHistory(ctx context.Context, customerID int64, limit int) ([]crm.AuditEntry, error) {
	const q = `SELECT id, user_id, entity, entity_id, action, before, after, at FROM audit_log WHERE
		(entity = 'customer' AND entity_id = ?)
		OR (entity = 'contact' AND entity_id IN (SELECT id FROM contacts WHERE customer_id = ?))
		OR (entity = 'activity' AND entity_id IN (SELECT id FROM activities WHERE customer_id = ?))
		OR (entity = 'deal' AND entity_id IN (SELECT id FROM deals WHERE customer_id = ?))
		OR (entity = 'payment_plan' AND entity_id IN (SELECT id FROM payment_plans WHERE customer_id = ?))
		OR (entity = 'payment' AND entity_id IN (SELECT id FROM payments WHERE customer_id = ?))
		OR (entity = 'appointment' AND entity_id IN (SELECT id FROM appointments WHERE customer_id = ?))
		OR (entity = 'complaint' AND entity_id IN (SELECT id FROM complaints WHERE customer_id = ?))
		OR (entity = 'checkin' AND entity_id IN (SELECT id FROM checkins WHERE customer_id = ?))
		OR (entity = 'attachment' AND entity_id IN (SELECT id FROM attachments WHERE customer_id = ?))
		ORDER BY at DESC, id DESC LIMIT ?`
	var out []crm.AuditEntry
	id := customerID
	if err := sel(ctx, s.db, &out, q, id, id, id, id, id, id, id, id, id, id, limit); err != nil {
		return nil, fmt.Errorf("store: history of customer %d: %w", id, err)
	}
	return out, nil
}

// AuditLog lists the audit log in [from, to), oldest first (admin export).
func (s *DB) AuditLog(ctx context.Context, from, to time.Time, limit int) ([]crm.AuditEntry, error) {
	var out []crm.AuditEntry
	const q = `SELECT id, user_id, entity, entity_id, action, before, after, at FROM audit_log WHERE at >= ? AND at < ? ORDER BY at, id LIMIT ?`
	if err := sel(ctx, s.db, &out, q, from.UTC(), to.UTC(), limit); err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	return out, nil
}

// Backup writes a consistent copy of the database to path while it is in
// use (SQLite's VACUUM INTO). PostgreSQL is backed up with pg_dump.
func (s *DB) Backup(ctx context.Context, path string) error {
	if s.driver != SQLite {
		return crm.Errorf(crm.CodeInvalid, "backup.postgres")
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	return nil
}
