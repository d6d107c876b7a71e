package sales

import (
	"context"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// adminOnly refuses an act to anyone but an admin.
func adminOnly(actor crm.Viewer, what string) error {
	if actor.Role != crm.RoleAdmin || !actor.Active {
		return crm.Errorf(crm.CodeForbidden, "auth.admin_only_command", what)
	}
	return nil
}

// Redeemed is a chat account bound by an invite code.
type Redeemed struct {
	Viewer   crm.Viewer
	Attempts crm.InviteAttempts // failed tries before this one
	// Refused: there were too many failed tries; the code was not looked at.
	Refused bool
}

// RedeemInvite binds a chat account with an invite code. After too many
// failed tries (crm.InviteAttempts.Allowed) the code is not even looked at;
// a failed try is counted.
func (s *Service) RedeemInvite(ctx context.Context, code string, id crm.Identity, displayName, locale string, at time.Time) (Redeemed, error) {
	var r Redeemed
	var err error
	if r.Attempts, err = s.org.InviteAttempts(ctx, id.Channel, id.ExternalID, at.Add(-crm.InviteAttemptWindow)); err != nil {
		return r, err
	}
	if err := r.Attempts.Allowed(); err != nil {
		r.Refused = true
		return r, err
	}
	u, err := s.org.RedeemInvite(ctx, code, id, displayName, locale, at)
	if err != nil {
		if _, ok := crm.AsError(err); ok {
			if rerr := s.org.RecordInviteFailure(ctx, id.Channel, id.ExternalID, at); rerr != nil {
				return r, rerr
			}
		}
		return r, err
	}
	r.Viewer, err = s.ViewerOf(ctx, u)
	return r, err
}

// CreateInvite makes an invite code for a role no higher than the actor's,
// into the actor's department. Forbidden "invite.role_too_high" for a
// higher role.
func (s *Service) CreateInvite(ctx context.Context, actor crm.Viewer, code string, role crm.Role, at time.Time) (crm.Invite, error) {
	return s.IssueInvite(ctx, actor, crm.Invite{Code: code, Role: role, DeptID: actor.DeptID, CreatedAt: at})
}

// IssueInvite makes an invite as described (a department, the person's
// name), for a role no higher than the actor's; only an admin (or the
// command line) invites into another department than their own.
func (s *Service) IssueInvite(ctx context.Context, actor crm.Viewer, inv crm.Invite) (crm.Invite, error) {
	if !inv.Role.Valid() {
		return inv, crm.Errorf(crm.CodeInvalid, "user.role_invalid", string(inv.Role))
	}
	if !actor.Role.AtLeast(inv.Role) {
		return crm.Invite{}, crm.Errorf(crm.CodeForbidden, "invite.role_too_high")
	}
	if actor.Role != crm.RoleAdmin {
		inv.DeptID = actor.DeptID
	}
	inv.CreatedBy = actor.ID
	return s.org.CreateInvite(ctx, inv)
}

// ViewerByID returns the viewer of a user, System for id 0.
func (s *Service) ViewerByID(ctx context.Context, id int64) (crm.Viewer, error) {
	if id == 0 {
		return System(), nil
	}
	u, err := s.org.User(ctx, id)
	if err != nil {
		return crm.Viewer{}, err
	}
	return s.ViewerOf(ctx, u)
}

// SetLocale keeps the actor's language.
func (s *Service) SetLocale(ctx context.Context, actor crm.Viewer, lang string) error {
	return s.org.SetUserLocale(ctx, actor.ID, lang)
}

// RegisterGroup makes a group chat the alert group of the actor's
// department (an admin's: the company's) and returns its department's
// name ("" for the company).
func (s *Service) RegisterGroup(ctx context.Context, actor crm.Viewer, channel, chatID string, at time.Time) (string, error) {
	dept := actor.DeptID
	if actor.Role == crm.RoleAdmin {
		dept = 0
	}
	if err := s.org.RegisterGroup(ctx, actor.ID, crm.Group{Channel: channel, ChatID: chatID, DeptID: dept, CreatedAt: at}); err != nil {
		return "", err
	}
	return s.DepartmentName(ctx, dept)
}

// RegisterGroupFor is an admin registering a group chat the bot cannot be
// asked in (a WeCom app chat) for a department (0: the company).
func (s *Service) RegisterGroupFor(ctx context.Context, actor crm.Viewer, g crm.Group) error {
	if err := adminOnly(actor, "/admin group"); err != nil {
		return err
	}
	return s.org.RegisterGroup(ctx, actor.ID, g)
}

// AnyUserByName finds a user by name, active or not. NotFound "user.not_found".
func (s *Service) AnyUserByName(ctx context.Context, name string) (crm.User, error) {
	return s.org.UserByNameAny(ctx, name)
}

// EnsureGroup registers g as an alert group unless a group of its channel
// is registered already (the WeCom group robot at start), as an admin.
func (s *Service) EnsureGroup(ctx context.Context, actor crm.Viewer, g crm.Group) error {
	if err := adminOnly(actor, "/admin group"); err != nil {
		return err
	}
	groups, err := s.org.Groups(ctx)
	if err != nil {
		return err
	}
	for _, x := range groups {
		if x.Channel == g.Channel {
			return nil
		}
	}
	return s.org.RegisterGroup(ctx, actor.ID, g)
}

// UserByName finds an active user by exact name. NotFound.
func (s *Service) UserByName(ctx context.Context, name string) (crm.User, error) {
	return s.org.UserByName(ctx, name)
}

// System acts for the product itself: the person at the command line
// (salesbot import, export, user …) and a push to a group queued by a rule.
// It may do what an admin may, has no account, and is audited as user 0.
func System() crm.Viewer { return crm.Viewer{User: crm.User{Role: crm.RoleAdmin, Active: true}} }

// DepartmentByName finds a department. NotFound.
func (s *Service) DepartmentByName(ctx context.Context, name string) (crm.Department, error) {
	return s.org.DepartmentByName(ctx, name)
}

// AddDepartment adds a department under parent (0: top level), as an admin.
// Invalid "dept.name_empty"; Conflict "dept.exists".
func (s *Service) AddDepartment(ctx context.Context, actor crm.Viewer, name string, parent int64) (crm.Department, error) {
	if err := adminOnly(actor, "/admin dept"); err != nil {
		return crm.Department{}, err
	}
	name = strings.TrimSpace(name)
	if err := crm.CheckDepartmentName(name); err != nil {
		return crm.Department{}, err
	}
	return s.org.CreateDepartment(ctx, actor.ID, name, parent)
}

// AddUser adds a person, as an admin (or the command line). Invalid
// "user.name_empty", "user.role_invalid".
func (s *Service) AddUser(ctx context.Context, actor crm.Viewer, u crm.User) (crm.User, error) {
	if err := adminOnly(actor, "salesbot user add"); err != nil {
		return u, err
	}
	u.Name = strings.TrimSpace(u.Name)
	if err := u.Check(); err != nil {
		return u, err
	}
	return s.org.CreateUser(ctx, actor.ID, u)
}

// UpdateUser gives a user a role and a department, as an admin. Invalid
// "user.role_invalid", "user.last_admin_demote".
func (s *Service) UpdateUser(ctx context.Context, actor crm.Viewer, u crm.User, role crm.Role, dept int64) (crm.User, error) {
	if err := adminOnly(actor, "/admin role"); err != nil {
		return u, err
	}
	if !role.Valid() {
		return u, crm.Errorf(crm.CodeInvalid, "user.role_invalid", string(role))
	}
	return s.org.UpdateUser(ctx, actor.ID, u.ID, role, dept)
}

// SetRole changes a user's role, as an admin.
func (s *Service) SetRole(ctx context.Context, actor crm.Viewer, u crm.User, role crm.Role) (crm.User, error) {
	return s.UpdateUser(ctx, actor, u, role, u.DeptID)
}

// MoveUser moves a user to a department, as an admin.
func (s *Service) MoveUser(ctx context.Context, actor crm.Viewer, u crm.User, dept int64) (crm.User, error) {
	return s.UpdateUser(ctx, actor, u, u.Role, dept)
}

// ReleaseIdentities lets a deactivated user's former chat accounts be bound
// again by an invite, as an admin; it returns how many were released.
// Invalid "user.active" for an active user.
func (s *Service) ReleaseIdentities(ctx context.Context, actor crm.Viewer, u crm.User) (int, error) {
	if err := adminOnly(actor, "salesbot user release"); err != nil {
		return 0, err
	}
	if u.Active {
		return 0, crm.Errorf(crm.CodeInvalid, "user.active", u.Name)
	}
	return s.org.ReleaseRetiredIdentities(ctx, actor.ID, u.ID)
}

// SetActive activates or deactivates a user, as an admin who is not
// deactivating themselves (Invalid "admin.not_yourself"). Invalid
// "user.owns_customers" while they own customers, "user.last_admin" for
// the last active admin.
func (s *Service) SetActive(ctx context.Context, actor crm.Viewer, u crm.User, active bool) error {
	if err := adminOnly(actor, "/admin deactivate"); err != nil {
		return err
	}
	if !active && u.ID == actor.ID {
		return crm.Errorf(crm.CodeInvalid, "admin.not_yourself")
	}
	return s.org.SetActive(ctx, actor.ID, u.ID, active)
}
