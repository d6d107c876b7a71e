package crm

import "slices"

// Viewer is a user with the departments their role reaches: what a
// permission check needs to know about the person asking.
type Viewer struct {
	User
	// Depts is the manager's department subtree (their own department and
	// every department below it). Empty for reps and admins.
	Depts []int64
}

// Scope is the set of customers a viewer may see, in a form the store can
// turn into SQL: everything, the customers of owners in some departments, or
// one owner's customers. A manager also sees their own customers.
type Scope struct {
	All     bool
	OwnerID int64
	DeptIDs []int64
	// CollaboratorID adds the customers this user collaborates on.
	CollaboratorID int64
}

// Scope returns what v may see.
func (v Viewer) Scope() Scope {
	switch v.Role {
	case RoleAdmin:
		return Scope{All: true}
	case RoleManager:
		return Scope{OwnerID: v.ID, DeptIDs: v.Depts}
	}
	return Scope{OwnerID: v.ID}
}

// VisibleScope is Scope plus the customers v collaborates on: what v may
// find, open and log activities on. Lists of "my" book and analytics use
// Scope.
func (v Viewer) VisibleScope() Scope {
	s := v.Scope()
	if !s.All {
		s.CollaboratorID = v.ID
	}
	return s
}

// CanSeeCustomer reports whether v may see c: by ownership or department
// (CanSee), or as a collaborator. Collaborators may log activities too.
func (v Viewer) CanSeeCustomer(c Customer) bool {
	if v.CanSee(c.OwnerID, c.OwnerDept) {
		return true
	}
	if !v.Active {
		return false
	}
	for _, id := range c.Collaborators {
		if id == v.ID {
			return true
		}
	}
	return false
}

// CanSee reports whether v may see a record owned by ownerID, whose owner is
// in ownerDept. Every read of a single customer goes through this check.
func (v Viewer) CanSee(ownerID, ownerDept int64) bool {
	if !v.Active {
		return false
	}
	s := v.Scope()
	if s.All || ownerID == v.ID {
		return true
	}
	for _, d := range s.DeptIDs {
		if d == ownerDept && ownerDept != 0 {
			return true
		}
	}
	return false
}

// CanChange reports whether v may change a customer owned by ownerID in
// ownerDept. Changing follows seeing: reps change their own, managers their
// subtree's, admins all.
func (v Viewer) CanChange(ownerID, ownerDept int64) bool { return v.CanSee(ownerID, ownerDept) }

// CanManage reports whether v may act on user u as a manager (hand over their
// customers, read their reports, set their targets).
func (v Viewer) CanManage(u User) bool {
	switch v.Role {
	case RoleAdmin:
		return true
	case RoleManager:
		if u.ID == v.ID {
			return true
		}
		for _, d := range v.Depts {
			if d == u.DeptID && d != 0 {
				return true
			}
		}
	}
	return false
}

// CanImport reports whether v may import customer lists: admins only.
func (v Viewer) CanImport() bool { return v.Active && v.Role == RoleAdmin }

// Subtree returns root and every department below it.
func Subtree(depts []Department, root int64) []int64 {
	if root == 0 {
		return nil
	}
	children := make(map[int64][]int64, len(depts))
	for _, d := range depts {
		children[d.ParentID] = append(children[d.ParentID], d.ID)
	}
	out := []int64{root}
	seen := map[int64]bool{root: true}
	for i := 0; i < len(out); i++ {
		for _, c := range children[out[i]] {
			if !seen[c] { // a cycle in bad data must not loop forever
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}

// ViewerOf builds the viewer for u from the department list.
func ViewerOf(u User, depts []Department) Viewer {
	v := Viewer{User: u}
	if u.Role == RoleManager {
		v.Depts = Subtree(depts, u.DeptID)
	}
	return v
}

// Ancestors returns dept and every department above it, nearest first (a
// cycle in bad data ends the walk).
func Ancestors(depts []Department, dept int64) []int64 {
	parent := make(map[int64]int64, len(depts))
	known := make(map[int64]bool, len(depts))
	for _, d := range depts {
		parent[d.ID] = d.ParentID
		known[d.ID] = true
	}
	var out []int64
	seen := map[int64]bool{}
	for dept != 0 && known[dept] && !seen[dept] {
		seen[dept] = true
		out = append(out, dept)
		dept = parent[dept]
	}
	return out
}

// ManagersOf returns who manages a record whose owner is in dept: the
// active managers of dept or any department above it, or, when there are
// none, the active admins. Those are who decide on a customer's transfer
// and hear of a claim on it.
func ManagersOf(dept int64, depts []Department, users []User) []int64 {
	up := map[int64]bool{}
	for _, d := range Ancestors(depts, dept) {
		up[d] = true
	}
	var managers, admins []int64
	for _, u := range users {
		switch {
		case !u.Active:
		case u.Role == RoleManager && up[u.DeptID]:
			managers = append(managers, u.ID)
		case u.Role == RoleAdmin:
			admins = append(admins, u.ID)
		}
	}
	if len(managers) > 0 {
		slices.Sort(managers)
		return managers
	}
	slices.Sort(admins)
	return admins
}

// AlertGroups returns the group chats that hear of what happens in dept:
// those registered for it, for any department above it, or for the whole
// company.
func AlertGroups(dept int64, depts []Department, groups []Group) []Group {
	up := map[int64]bool{0: true}
	for _, d := range Ancestors(depts, dept) {
		up[d] = true
	}
	var out []Group
	for _, g := range groups {
		if up[g.DeptID] {
			out = append(out, g)
		}
	}
	return out
}
