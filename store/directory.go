package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/salesbot-crm/salesbot/crm"
)

var _ crm.DirectoryStore = (*DB)(nil)

// DirDepartmentMap maps the directory's department ids to local ones.
func (s *DB) DirDepartmentMap(ctx context.Context, source string) (map[int64]int64, error) {
	var rows []struct {
		Ext  int64 `db:"external_id"`
		Dept int64 `db:"dept_id"`
	}
	if err := sel(ctx, s.db, &rows, `SELECT external_id, dept_id FROM directory_departments WHERE source = ?`, source); err != nil {
		return nil, fmt.Errorf("store: %s departments: %w", source, err)
	}
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.Ext] = r.Dept
	}
	return out, nil
}

// deptNameFor picks the local name of a mirrored department: its own, or
// with the parent's name when another department holds it, or with its
// directory id.
func deptNameFor(ctx context.Context, tx *sqlx.Tx, d crm.DirDepartment, parent, self int64) (string, error) {
	name := strings.TrimSpace(d.Name)
	if name == "" {
		name = "#" + strconv.FormatInt(d.ID, 10)
	}
	cands := []string{name}
	if parent != 0 {
		var pn string
		if err := get(ctx, tx, &pn, `SELECT name FROM departments WHERE id = ?`, parent); err == nil && pn != "" {
			cands = append(cands, name+"（"+pn+"）")
		}
	}
	cands = append(cands, name+" #"+strconv.FormatInt(d.ID, 10))
	for _, c := range cands {
		var holder int64
		err := get(ctx, tx, &holder, `SELECT id FROM departments WHERE name = ?`, c)
		if errors.Is(err, crm.ErrNotFound) || (err == nil && holder == self) {
			return c, nil
		}
		if err != nil {
			return "", err
		}
	}
	return "", crm.Errorf(crm.CodeConflict, "dept.exists", name)
}

// SyncDepartment creates or updates the local department mirroring d.
func (s *DB) SyncDepartment(ctx context.Context, source string, d crm.DirDepartment, parent int64, at time.Time) (dept crm.Department, created, changed bool, err error) {
	at = at.UTC()
	err = s.tx(ctx, func(tx *sqlx.Tx) error {
		var local int64
		err := get(ctx, tx, &local, `SELECT dept_id FROM directory_departments WHERE source = ? AND external_id = ?`, source, d.ID)
		switch {
		case errors.Is(err, crm.ErrNotFound):
			// A department made by hand with the same name is adopted.
			const q = `SELECT d.id, d.name, d.parent_id FROM departments d
				WHERE d.name = ? AND NOT EXISTS (SELECT 1 FROM directory_departments m WHERE m.source = ? AND m.dept_id = d.id)`
			err := get(ctx, tx, &dept, q, strings.TrimSpace(d.Name), source)
			if err != nil && !errors.Is(err, crm.ErrNotFound) {
				return err
			}
			if errors.Is(err, crm.ErrNotFound) {
				name, err := deptNameFor(ctx, tx, d, parent, 0)
				if err != nil {
					return err
				}
				id, err := insertID(ctx, tx, `INSERT INTO departments (name, parent_id) VALUES (?, ?) RETURNING id`, name, parent)
				if err != nil {
					return err
				}
				dept = crm.Department{ID: id, Name: name, ParentID: parent}
				created = true
				if err := audit(ctx, tx, 0, "department", id, "create", nil, map[string]any{"name": name, "parent_id": parent, "source": source, "external_id": d.ID}, at); err != nil {
					return err
				}
			} else if dept.ParentID != parent {
				before := dept
				dept.ParentID = parent
				if _, err := exec(ctx, tx, `UPDATE departments SET parent_id = ? WHERE id = ?`, parent, dept.ID); err != nil {
					return err
				}
				if err := audit(ctx, tx, 0, "department", dept.ID, "update", before, dept, at); err != nil {
					return err
				}
			}
			changed = true
			_, err = exec(ctx, tx, `INSERT INTO directory_departments (source, external_id, dept_id, parent_external, name, synced_at) VALUES (?, ?, ?, ?, ?, ?)`,
				source, d.ID, dept.ID, d.ParentID, d.Name, at)
			return err
		case err != nil:
			return err
		}
		if err := get(ctx, tx, &dept, `SELECT id, name, parent_id FROM departments WHERE id = ?`, local); err != nil {
			return err
		}
		var mirror struct {
			Name   string `db:"name"`
			Parent int64  `db:"parent_external"`
		}
		if err := get(ctx, tx, &mirror, `SELECT name, parent_external FROM directory_departments WHERE source = ? AND external_id = ?`, source, d.ID); err != nil {
			return err
		}
		before := dept
		if mirror.Name != d.Name {
			name, err := deptNameFor(ctx, tx, d, parent, dept.ID)
			if err != nil {
				return err
			}
			dept.Name = name
		}
		dept.ParentID = parent
		if dept == before && mirror.Name == d.Name && mirror.Parent == d.ParentID {
			return nil
		}
		changed = true
		if dept != before {
			if _, err := exec(ctx, tx, `UPDATE departments SET name = ?, parent_id = ? WHERE id = ?`, dept.Name, dept.ParentID, dept.ID); err != nil {
				return err
			}
			if err := audit(ctx, tx, 0, "department", dept.ID, "update", before, dept, at); err != nil {
				return err
			}
		}
		_, err = exec(ctx, tx, `UPDATE directory_departments SET name = ?, parent_external = ?, synced_at = ? WHERE source = ? AND external_id = ?`,
			d.Name, d.ParentID, at, source, d.ID)
		return err
	})
	if err != nil {
		return crm.Department{}, false, false, fmt.Errorf("store: sync %s department %d %q: %w", source, d.ID, d.Name, err)
	}
	return dept, created, changed, nil
}

// RemoveDirDepartment forgets the mirror of a department deleted in the
// directory; the local department and whoever is in it stay.
func (s *DB) RemoveDirDepartment(ctx context.Context, source string, id int64) (crm.Department, bool, error) {
	var dept crm.Department
	removed := false
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var local int64
		err := get(ctx, tx, &local, `SELECT dept_id FROM directory_departments WHERE source = ? AND external_id = ?`, source, id)
		if errors.Is(err, crm.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := get(ctx, tx, &dept, `SELECT id, name, parent_id FROM departments WHERE id = ?`, local); err != nil {
			return err
		}
		if _, err := exec(ctx, tx, `DELETE FROM directory_departments WHERE source = ? AND external_id = ?`, source, id); err != nil {
			return err
		}
		removed = true
		return audit(ctx, tx, 0, "department", local, "unmirror", map[string]any{"source": source, "external_id": id}, nil, s.now())
	})
	if err != nil {
		return dept, false, fmt.Errorf("store: remove %s department %d: %w", source, id, err)
	}
	return dept, removed, nil
}

// DirMembers lists the members linked to the directory with their users.
func (s *DB) DirMembers(ctx context.Context, source string) ([]crm.DirMemberLink, error) {
	const q = `SELECT m.external_id, m.user_id, m.synced_role, m.dept_external, u.role_source, u.active, u.name, u.role, u.dept_id
		FROM directory_members m JOIN users u ON u.id = m.user_id WHERE m.source = ? ORDER BY m.external_id`
	var out []crm.DirMemberLink
	if err := sel(ctx, s.db, &out, q, source); err != nil {
		return nil, fmt.Errorf("store: %s members: %w", source, err)
	}
	return out, nil
}

// SyncMember creates or updates the user of a directory member.
func (s *DB) SyncMember(ctx context.Context, source string, m crm.DirMember, dept int64, role crm.Role, at time.Time) (crm.User, string, error) {
	at = at.UTC()
	var u crm.User
	var what []string
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var link struct {
			UserID int64  `db:"user_id"`
			Dept   int64  `db:"dept_external"`
			Role   string `db:"synced_role"`
		}
		err := get(ctx, tx, &link, `SELECT user_id, dept_external, synced_role FROM directory_members WHERE source = ? AND external_id = ?`, source, m.ExternalID)
		if errors.Is(err, crm.ErrNotFound) {
			// Someone bound to this account already (an invite) or once
			// (deactivated since) is adopted; else a new user.
			var existing int64
			err = get(ctx, tx, &existing, `SELECT user_id FROM identities WHERE channel = ? AND external_id = ?`, source, m.ExternalID)
			if errors.Is(err, crm.ErrNotFound) {
				err = get(ctx, tx, &existing, `SELECT user_id FROM retired_identities WHERE channel = ? AND external_id = ?`, source, m.ExternalID)
			}
			if err != nil && !errors.Is(err, crm.ErrNotFound) {
				return err
			}
			if existing == 0 {
				// Someone added by hand (salesbot user add) under the same
				// name, the only one of that name, with no WeCom account and
				// no link yet, is that member: adopted, not duplicated.
				var same []int64
				const q = `SELECT u.id FROM users u WHERE u.name = ? AND u.active = ?
					AND NOT EXISTS (SELECT 1 FROM identities i WHERE i.user_id = u.id AND i.channel = ?)
					AND NOT EXISTS (SELECT 1 FROM retired_identities r WHERE r.user_id = u.id AND r.channel = ?)
					AND NOT EXISTS (SELECT 1 FROM directory_members m WHERE m.user_id = u.id AND m.source = ?)`
				if err := sel(ctx, tx, &same, q, strings.TrimSpace(m.Name), true, source, source, source); err != nil {
					return err
				}
				var n int
				if err := get(ctx, tx, &n, `SELECT COUNT(*) FROM users WHERE name = ?`, strings.TrimSpace(m.Name)); err != nil {
					return err
				}
				if len(same) == 1 && n == 1 {
					existing = same[0]
				}
			}
			if existing == 0 {
				u, err = s.createUser(ctx, tx, 0, crm.User{Name: m.Name, Role: role, DeptID: dept})
				if err != nil {
					return err
				}
				if _, err := exec(ctx, tx, `UPDATE users SET role_source = ? WHERE id = ?`, crm.RoleFromDirectory, u.ID); err != nil {
					return err
				}
				if err := s.bind(ctx, tx, crm.Identity{Channel: source, ExternalID: m.ExternalID, UserID: u.ID, ChatID: m.ExternalID, CreatedAt: at}); err != nil {
					return err
				}
				what = append(what, "created")
				_, err = exec(ctx, tx, `INSERT INTO directory_members (source, external_id, user_id, dept_external, synced_role, synced_at) VALUES (?, ?, ?, ?, ?, ?)`,
					source, m.ExternalID, u.ID, m.Main(), role, at)
				return err
			}
			if _, err := exec(ctx, tx, `INSERT INTO directory_members (source, external_id, user_id, dept_external, synced_role, synced_at) VALUES (?, ?, ?, ?, ?, ?)`,
				source, m.ExternalID, existing, 0, "", at); err != nil {
				return err
			}
			link.UserID = existing
			what = append(what, "linked")
		} else if err != nil {
			return err
		}
		var roleSource string
		if err := get(ctx, tx, &roleSource, `SELECT role_source FROM users WHERE id = ?`, link.UserID); err != nil {
			return err
		}
		if err := get(ctx, tx, &u, `SELECT `+userCols+` FROM users WHERE id = ?`, link.UserID); err != nil {
			return err
		}
		before := u
		if name := strings.TrimSpace(m.Name); name != "" && name != u.Name {
			what = append(what, fmt.Sprintf("name %s → %s", u.Name, name))
			u.Name = name
		}
		if dept != u.DeptID {
			var from, to string
			_ = get(ctx, tx, &from, `SELECT name FROM departments WHERE id = ?`, u.DeptID)
			_ = get(ctx, tx, &to, `SELECT name FROM departments WHERE id = ?`, dept)
			what = append(what, fmt.Sprintf("department %s → %s", from, to))
			u.DeptID = dept
		}
		if roleSource == crm.RoleFromDirectory && role != u.Role && u.Role != crm.RoleAdmin {
			what = append(what, fmt.Sprintf("role %s → %s", u.Role, role))
			u.Role = role
		}
		if u != before {
			// The role is written only while it still comes from the
			// directory: an admin's change committed meanwhile wins.
			const q = `UPDATE users SET name = ?, dept_id = ?, role = CASE WHEN role_source = ? THEN ? ELSE role END WHERE id = ?`
			if _, err := exec(ctx, tx, q, u.Name, u.DeptID, crm.RoleFromDirectory, u.Role, u.ID); err != nil {
				return err
			}
			if err := audit(ctx, tx, 0, "user", u.ID, "sync", before, u, at); err != nil {
				return err
			}
		}
		if u.Active {
			var bound int64
			err := get(ctx, tx, &bound, `SELECT user_id FROM identities WHERE channel = ? AND external_id = ?`, source, m.ExternalID)
			if errors.Is(err, crm.ErrNotFound) {
				if err := s.bind(ctx, tx, crm.Identity{Channel: source, ExternalID: m.ExternalID, UserID: u.ID, ChatID: m.ExternalID, CreatedAt: at}); err != nil {
					return err
				}
				what = append(what, "bound")
			} else if err != nil {
				return err
			}
		}
		if link.Dept != m.Main() || link.Role != string(role) {
			_, err := exec(ctx, tx, `UPDATE directory_members SET dept_external = ?, synced_role = ?, synced_at = ? WHERE source = ? AND external_id = ?`,
				m.Main(), role, at, source, m.ExternalID)
			return err
		}
		return nil
	})
	if err != nil {
		return crm.User{}, "", fmt.Errorf("store: sync %s member %q: %w", source, m.ExternalID, err)
	}
	return u, strings.Join(what, "; "), nil
}

// RenameMember moves a member's link and chat accounts to a new id.
func (s *DB) RenameMember(ctx context.Context, source, old, new string, at time.Time) (crm.User, error) {
	var u crm.User
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var id int64
		if err := get(ctx, tx, &id, `SELECT user_id FROM directory_members WHERE source = ? AND external_id = ?`, source, old); err != nil {
			if !errors.Is(err, crm.ErrNotFound) {
				return err
			}
			// Bound by an invite, not synced yet: the chat account moves.
			if err := get(ctx, tx, &id, `SELECT user_id FROM identities WHERE channel = ? AND external_id = ?`, source, old); err != nil {
				return err
			}
		}
		if err := get(ctx, tx, &u, `SELECT `+userCols+` FROM users WHERE id = ?`, id); err != nil {
			return err
		}
		// A link made for the new id meanwhile (a sync that ran between the
		// change and its callback) is the same person: it goes.
		if _, err := exec(ctx, tx, `DELETE FROM directory_members WHERE source = ? AND external_id = ? AND user_id <> ?`, source, new, id); err != nil {
			return err
		}
		if _, err := exec(ctx, tx, `DELETE FROM identities WHERE channel = ? AND external_id = ? AND user_id <> ?`, source, new, id); err != nil {
			return err
		}
		for _, q := range []string{
			`UPDATE directory_members SET external_id = ?, synced_at = ? WHERE source = ? AND external_id = ?`,
		} {
			if _, err := exec(ctx, tx, q, new, at.UTC(), source, old); err != nil {
				return err
			}
		}
		if _, err := exec(ctx, tx, `UPDATE identities SET external_id = ?, chat_id = ? WHERE channel = ? AND external_id = ?`, new, new, source, old); err != nil {
			return err
		}
		if _, err := exec(ctx, tx, `UPDATE retired_identities SET external_id = ?, chat_id = ? WHERE channel = ? AND external_id = ?`, new, new, source, old); err != nil {
			return err
		}
		return audit(ctx, tx, 0, "identity", id, "rename", map[string]string{"channel": source, "external_id": old}, map[string]string{"channel": source, "external_id": new}, at.UTC())
	})
	if err != nil {
		return u, fmt.Errorf("store: rename %s member %q: %w", source, old, err)
	}
	return u, nil
}

// DeactivateMember deactivates the user of a member who left the
// directory, although they may own customers (they stay theirs until the
// handover the pushes ask for).
func (s *DB) DeactivateMember(ctx context.Context, source, externalID string, pushes func(u crm.User, owned int) []crm.OutboxItem, at time.Time) (crm.User, bool, error) {
	at = at.UTC()
	var u crm.User
	was := false
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var id int64
		if err := get(ctx, tx, &id, `SELECT user_id FROM directory_members WHERE source = ? AND external_id = ?`, source, externalID); err != nil {
			if !errors.Is(err, crm.ErrNotFound) {
				return err
			}
			if err := get(ctx, tx, &id, `SELECT user_id FROM identities WHERE channel = ? AND external_id = ?`, source, externalID); err != nil {
				return err
			}
			if _, err := exec(ctx, tx, `INSERT INTO directory_members (source, external_id, user_id, synced_at) VALUES (?, ?, ?, ?)`, source, externalID, id, at); err != nil {
				return err
			}
		}
		if err := get(ctx, tx, &u, `SELECT `+userCols+` FROM users WHERE id = ?`, id); err != nil {
			return err
		}
		if !u.Active {
			return nil
		}
		if err := s.checkLeaveAdmins(ctx, tx, u, u.Role, false); err != nil {
			return err
		}
		was = true
		const retire = `INSERT INTO retired_identities (channel, external_id, user_id, chat_id, retired_at)
			SELECT channel, external_id, user_id, chat_id, ? FROM identities WHERE user_id = ?
			ON CONFLICT (channel, external_id) DO NOTHING`
		if _, err := exec(ctx, tx, retire, at, id); err != nil {
			return err
		}
		u.Active = false
		if err := s.revokeInvites(ctx, tx, u); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM identities WHERE user_id = ?`, `DELETE FROM collaborators WHERE user_id = ?`} {
			if _, err := exec(ctx, tx, q, id); err != nil {
				return err
			}
		}
		if _, err := exec(ctx, tx, `UPDATE users SET active = ? WHERE id = ?`, false, id); err != nil {
			return err
		}
		if _, err := exec(ctx, tx, `UPDATE directory_members SET left_at = ? WHERE source = ? AND user_id = ?`, at, source, id); err != nil {
			return err
		}
		var owned int
		if err := get(ctx, tx, &owned, `SELECT COUNT(*) FROM customers WHERE owner_id = ? AND archived = ?`, id, false); err != nil {
			return err
		}
		if pushes != nil {
			if _, err := s.enqueueItems(ctx, tx, pushes(u, owned), at); err != nil {
				return err
			}
		}
		return audit(ctx, tx, 0, "user", id, "deactivate", map[string]bool{"active": true}, map[string]any{"active": false, "left": source, "customers": owned}, at)
	})
	if err != nil {
		return u, false, fmt.Errorf("store: deactivate %s member %q: %w", source, externalID, err)
	}
	return u, was, nil
}

// ReactivateMember activates the user of a member who is back in the
// directory, if the directory deactivated them (a deactivation made in
// salesbot stays).
func (s *DB) ReactivateMember(ctx context.Context, source, externalID string, at time.Time) (crm.User, error) {
	at = at.UTC()
	var u crm.User
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var link struct {
			UserID int64      `db:"user_id"`
			Left   *time.Time `db:"left_at"`
		}
		if err := get(ctx, tx, &link, `SELECT user_id, left_at FROM directory_members WHERE source = ? AND external_id = ?`, source, externalID); err != nil {
			return err
		}
		if err := get(ctx, tx, &u, `SELECT `+userCols+` FROM users WHERE id = ?`, link.UserID); err != nil {
			return err
		}
		if u.Active || link.Left == nil {
			return nil
		}
		const back = `INSERT INTO identities (channel, external_id, user_id, chat_id, reachable, created_at)
			SELECT channel, external_id, user_id, chat_id, ?, ? FROM retired_identities WHERE user_id = ?
			ON CONFLICT (channel, external_id) DO NOTHING`
		if _, err := exec(ctx, tx, back, true, at, u.ID); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM retired_identities WHERE user_id = ?`, `UPDATE users SET active = TRUE WHERE id = ?`, `UPDATE directory_members SET left_at = NULL WHERE user_id = ?`} {
			if _, err := exec(ctx, tx, q, u.ID); err != nil {
				return err
			}
		}
		u.Active = true
		return audit(ctx, tx, 0, "user", u.ID, "activate", map[string]bool{"active": false}, map[string]any{"active": true, "back": source}, at)
	})
	if err != nil {
		return u, fmt.Errorf("store: reactivate %s member %q: %w", source, externalID, err)
	}
	return u, nil
}

// DirectorySynced records a complete sync.
func (s *DB) DirectorySynced(ctx context.Context, source string, at time.Time) error {
	const q = `INSERT INTO directory_syncs (source, synced_at) VALUES (?, ?) ON CONFLICT (source) DO UPDATE SET synced_at = excluded.synced_at`
	if _, err := exec(ctx, s.db, q, source, at.UTC()); err != nil {
		return fmt.Errorf("store: record %s sync: %w", source, err)
	}
	return nil
}

// LastDirectorySync is when the directory was last synced completely (zero:
// never).
func (s *DB) LastDirectorySync(ctx context.Context, source string) (time.Time, error) {
	var at time.Time
	err := get(ctx, s.db, &at, `SELECT synced_at FROM directory_syncs WHERE source = ?`, source)
	if errors.Is(err, crm.ErrNotFound) {
		return time.Time{}, nil
	}
	if err != nil {
		return at, fmt.Errorf("store: last %s sync: %w", source, err)
	}
	return at, nil
}

// DirDepartment returns the mirror of a directory department.
func (s *DB) DirDepartment(ctx context.Context, source string, id int64) (crm.DirMirror, error) {
	var m crm.DirMirror
	if err := get(ctx, s.db, &m, `SELECT external_id, dept_id, parent_external, name FROM directory_departments WHERE source = ? AND external_id = ?`, source, id); err != nil {
		return m, fmt.Errorf("store: %s department %d: %w", source, id, err)
	}
	return m, nil
}
