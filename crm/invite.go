package crm

import "time"

// Invite redemption limits: failed attempts counted over InviteAttemptWindow,
// per chat account and over the whole deployment. A code has 31^8 ≈ 8.5e11
// values; at 5 guesses an hour a chat guesses none in its lifetime, and the
// global cap keeps a crowd of chats from doing better.
const (
	InviteAttemptWindow   = time.Hour
	InviteFailuresPerChat = 5
	InviteFailuresGlobal  = 100
)

// InviteAttempts is how many redemptions failed lately.
type InviteAttempts struct {
	Chat   int // by this chat account
	Global int // by anyone
}

// Allowed reports whether one more redemption may be tried: Invalid
// "invite.too_many_attempts" (this chat) or Unavailable "invite.busy"
// (everyone) otherwise.
func (a InviteAttempts) Allowed() error {
	if a.Chat >= InviteFailuresPerChat {
		return Errorf(CodeInvalid, "invite.too_many_attempts")
	}
	if a.Global >= InviteFailuresGlobal {
		return Errorf(CodeUnavailable, "invite.busy")
	}
	return nil
}

// Redeemable reports whether inv may be used now. creator is the user who
// made it, nil when it was made on the command line (an operator's act):
// an invite made by someone no longer active, or no longer holding the
// role it grants, is void — deactivating a manager must not leave him a
// way back in.
func (inv Invite) Redeemable(creator *User, now time.Time) error {
	switch {
	case inv.UsedBy != 0:
		return Errorf(CodeInvalid, "invite.used")
	case inv.RevokedAt != nil:
		return Errorf(CodeInvalid, "invite.revoked")
	case now.After(inv.ExpiresAt):
		return Errorf(CodeInvalid, "invite.expired")
	case creator != nil && (!creator.Active || !creator.Role.AtLeast(inv.Role)):
		return Errorf(CodeInvalid, "invite.revoked")
	}
	return nil
}

// CanLeaveAdmins reports whether an admin may stop being one (demoted or
// deactivated) when otherAdmins other active admins remain: the last admin
// may not, or nobody could run /admin any more.
func CanLeaveAdmins(u User, newRole Role, active bool, otherAdmins int) error {
	if u.Role == RoleAdmin && u.Active && (newRole != RoleAdmin || !active) && otherAdmins == 0 {
		if !active {
			return Errorf(CodeInvalid, "user.last_admin")
		}
		return Errorf(CodeInvalid, "user.last_admin_demote")
	}
	return nil
}
