package crm

import (
	"context"
	"time"
)

// DirectoryWeCom is the source of a directory mirrored from WeCom's
// contacts API (通讯录).
const DirectoryWeCom = "wecom"

// DirDepartment is a department of an outside directory (WeCom): its id
// there, its parent there (0: none) and its name.
type DirDepartment struct {
	ID       int64
	ParentID int64
	Name     string
	Leaders  []string // the members who lead it (department_leader)
}

// Member statuses of an outside directory (WeCom's status field).
const (
	DirActive   = 1 // 已激活
	DirDisabled = 2 // 已禁用
	DirInactive = 4 // 未激活 (invited, a member all the same)
	DirLeft     = 5 // 退出企业
)

// DirMember is a member of an outside directory.
type DirMember struct {
	ExternalID string // WeCom UserID
	Name       string
	Depts      []int64 // the departments they are in
	MainDept   int64   // main_department (0: the first of Depts)
	LeaderOf   []int64 // the departments they lead (is_leader_in_dept)
	Status     int     // DirActive …
}

// Main is the department a member belongs to: the main one when it is
// among their departments, else the first.
func (m DirMember) Main() int64 {
	for _, d := range m.Depts {
		if d == m.MainDept {
			return d
		}
	}
	if len(m.Depts) > 0 {
		return m.Depts[0]
	}
	return m.MainDept
}

// Gone reports whether the member no longer works there (disabled or left).
func (m DirMember) Gone() bool { return m.Status == DirDisabled || m.Status == DirLeft }

// Directory is a whole outside directory (or the subtree of its root).
type Directory struct {
	Root        int64 // the department the listing starts at (0: all)
	Departments []DirDepartment
	Members     []DirMember
	// Partial: some departments could not be read; members missing from
	// the listing are then not taken as having left.
	Partial bool
	// Problems says what could not be read and what to do about it.
	Problems []string
}

// DirChange is what one directory change did to the organisation.
type DirChange struct {
	Kind   string // "dept_created", "dept_updated", "dept_removed", "created", "updated", "renamed", "deactivated", "reactivated"
	Name   string // the department's or the user's name
	Detail string // what changed, for people
	UserID int64  // the local user (member changes)
	DeptID int64  // the local department (department changes)
}

// SyncResult is what a directory sync changed.
type SyncResult struct {
	Changes  []DirChange
	Problems []string
	// Handovers are the deactivated members who still own customers.
	Handovers []int64
}

// DirMemberLink is a member of the directory as salesbot knows them.
type DirMemberLink struct {
	ExternalID  string `db:"external_id"`
	UserID      int64  `db:"user_id"`
	SyncedRole  Role   `db:"synced_role"`
	RoleSource  string `db:"role_source"` // RoleFromDirectory or RoleLocal
	Active      bool   `db:"active"`
	Name        string `db:"name"`
	Role        Role   `db:"role"`
	DeptID      int64  `db:"dept_id"`
	ExternalDep int64  `db:"dept_external"`
}

// Where a user's role came from (users.role_source).
const (
	RoleFromDirectory = "directory" // set by the directory sync: the sync may change it
	RoleLocal         = "local"     // set in salesbot (an admin, an invite): the sync keeps it
)

// DirectoryStore mirrors an outside directory into the organisation. Each
// method is one transaction: a sync that stops half-way leaves every
// department and member it wrote whole, and the next run finishes the
// rest.
type DirectoryStore interface {
	// DirDepartmentMap maps the directory's department ids to local ones.
	DirDepartmentMap(ctx context.Context, source string) (map[int64]int64, error)
	// SyncDepartment creates or updates the local department mirroring d
	// under the local parent (0: top level). A local department of the same
	// name not yet mirrored is adopted; a name taken by another mirrored
	// department gets the parent's name added. changed is false when
	// nothing was written.
	SyncDepartment(ctx context.Context, source string, d DirDepartment, parent int64, at time.Time) (dept Department, created, changed bool, err error)
	// RemoveDirDepartment forgets the mirror of a department deleted in
	// the directory; the local department stays (nothing is deleted).
	RemoveDirDepartment(ctx context.Context, source string, id int64) (Department, bool, error)
	// DirDepartment returns the mirror of a directory department. NotFound.
	DirDepartment(ctx context.Context, source string, id int64) (DirMirror, error)
	// DirMembers lists the members linked to the directory.
	DirMembers(ctx context.Context, source string) ([]DirMemberLink, error)
	// SyncMember creates or updates the user of a directory member: name,
	// department, and the role when the role came from the directory (a
	// role set in salesbot stays); binds the chat account (channel =
	// source, external id = chat id = the member's id); an existing user
	// bound to that account is adopted. Deactivation is not its business
	// (DeactivateMember). It reports what changed ("" nothing).
	SyncMember(ctx context.Context, source string, m DirMember, dept int64, role Role, at time.Time) (User, string, error)
	// RenameMember moves a member's link and chat account to a new id
	// (WeCom's NewUserID). NotFound when old is not linked.
	RenameMember(ctx context.Context, source, old, new string, at time.Time) (User, error)
	// DeactivateMember deactivates the user of a member who left: their
	// chat accounts are unbound at once, their customers stay theirs until
	// a handover; pushes are queued in the same transaction. wasActive is
	// false when they were inactive already (nothing written). Invalid
	// "user.last_admin" for the last active admin. NotFound when not linked.
	DeactivateMember(ctx context.Context, source, externalID string, pushes func(u User, owned int) []OutboxItem, at time.Time) (u User, wasActive bool, err error)
	// ReactivateMember activates the user of a member who is back.
	ReactivateMember(ctx context.Context, source, externalID string, at time.Time) (User, error)
	// DirectorySynced records a complete sync; LastDirectorySync reads it
	// (zero time: never synced).
	DirectorySynced(ctx context.Context, source string, at time.Time) error
	LastDirectorySync(ctx context.Context, source string) (time.Time, error)
}

// DirEvent is one change reported by the directory (WeCom's change_contact
// callback). Fields the event does not carry are unset: an update_user
// names only what changed.
type DirEvent struct {
	Change string // create_user, update_user, delete_user, create_party, update_party, delete_party
	Member DirMember
	NewID  string // update_user: the member's new UserID (NewUserID)
	// Which member fields the event carries.
	HasName, HasDepts, HasLeader, HasStatus bool
	Dept                                    DirDepartment
	HasParent                               bool // update_party: ParentId given
}

// DirMirror is what salesbot keeps of a mirrored directory department.
type DirMirror struct {
	ExternalID int64  `db:"external_id"`
	DeptID     int64  `db:"dept_id"`
	ParentID   int64  `db:"parent_external"`
	Name       string `db:"name"`
}
