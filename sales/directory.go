package sales

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// directory is the store's directory half, when it has one.
func (s *Service) directory() (crm.DirectoryStore, error) {
	d, ok := s.all.(crm.DirectoryStore)
	if !ok {
		return nil, fmt.Errorf("sales: the store cannot mirror a directory")
	}
	return d, nil
}

// DirectoryNeverSynced reports whether the directory was never synced
// completely (serve syncs at start then).
func (s *Service) DirectoryNeverSynced(ctx context.Context, source string) (bool, error) {
	d, err := s.directory()
	if err != nil {
		return false, err
	}
	at, err := d.LastDirectorySync(ctx, source)
	return at.IsZero(), err
}

// SyncDirectory mirrors a directory listing (WeCom's contacts) into the
// organisation: the department tree from its root, each member a user bound
// to their directory account, a department's leaders its managers and
// everyone else a rep — unless the role was changed in salesbot, which
// stays. Members who are disabled or left, and (when the listing is
// complete) members no longer listed, are deactivated; their managers are
// asked to hand over their customers. Each department and each member is
// written in its own transaction: a run that fails half-way leaves what it
// wrote whole, and the next run finishes the rest. A second run over the
// same listing changes nothing.
func (s *Service) SyncDirectory(ctx context.Context, source string, dir crm.Directory, at time.Time) (crm.SyncResult, error) {
	st, err := s.directory()
	if err != nil {
		return crm.SyncResult{}, err
	}
	res := crm.SyncResult{Problems: append([]string(nil), dir.Problems...)}

	// The tree, parents before children, from the root (or the
	// departments whose parent is 0); what cannot be reached from there (a
	// cycle, a missing parent) is reported and skipped.
	byID := map[int64]crm.DirDepartment{}
	children := map[int64][]int64{}
	var roots []int64
	for _, d := range dir.Departments {
		if _, dup := byID[d.ID]; dup {
			res.Problems = append(res.Problems, fmt.Sprintf("department %d listed twice: the first is used", d.ID))
			continue
		}
		byID[d.ID] = d
	}
	for _, d := range dir.Departments {
		if byID[d.ID].Name != d.Name || byID[d.ID].ParentID != d.ParentID {
			continue // the duplicate
		}
		_, hasParent := byID[d.ParentID]
		switch {
		case dir.Root != 0 && d.ID == dir.Root, dir.Root == 0 && d.ParentID == 0:
			roots = append(roots, d.ID)
		case dir.Root == 0 && !hasParent:
			// The app sees this department but not its parent (the
			// visible range is a few departments): it is a top one here.
			res.Problems = append(res.Problems, fmt.Sprintf("department %d %q: its parent %d is not in the listing (outside the app's 可见范围?); placed at the top", d.ID, d.Name, d.ParentID))
			roots = append(roots, d.ID)
		default:
			children[d.ParentID] = append(children[d.ParentID], d.ID)
		}
	}
	if dir.Root != 0 && len(roots) == 0 {
		res.Problems = append(res.Problems, fmt.Sprintf("wecom.sync_root %d is not in the listing (is it in the app's visible range?)", dir.Root))
	}
	sort.Slice(roots, func(i, j int) bool { return roots[i] < roots[j] })
	local := map[int64]int64{} // directory id → local id
	depth := map[int64]int{}
	var order []int64
	for len(roots) > 0 {
		id := roots[0]
		roots = roots[1:]
		if _, seen := local[id]; seen {
			continue
		}
		d := byID[id]
		parent := local[d.ParentID]
		if _, hasParent := byID[d.ParentID]; id == dir.Root || !hasParent {
			parent = 0
		}
		dept, created, changed, err := st.SyncDepartment(ctx, source, d, parent, at)
		if crm.ErrorCode(err) == crm.CodeConflict {
			// Another sync wrote it a moment ago: read it again.
			dept, created, changed, err = st.SyncDepartment(ctx, source, d, parent, at)
		}
		if err != nil {
			return res, err
		}
		local[id] = dept.ID
		depth[id] = depth[d.ParentID] + 1
		order = append(order, id)
		switch {
		case created:
			res.Changes = append(res.Changes, crm.DirChange{Kind: "dept_created", Name: dept.Name, DeptID: dept.ID})
		case changed:
			res.Changes = append(res.Changes, crm.DirChange{Kind: "dept_updated", Name: dept.Name, DeptID: dept.ID})
		}
		kids := children[id]
		sort.Slice(kids, func(i, j int) bool { return kids[i] < kids[j] })
		roots = append(roots, kids...)
	}
	for _, d := range dir.Departments {
		if _, ok := local[d.ID]; !ok {
			res.Problems = append(res.Problems, fmt.Sprintf("department %d %q skipped: its parent %d is missing from the listing or it is in a cycle", d.ID, d.Name, d.ParentID))
		}
	}

	leads := map[string][]int64{}
	for _, id := range order {
		for _, l := range byID[id].Leaders {
			leads[l] = append(leads[l], id)
		}
	}
	// One entry per member (a member listed under several departments).
	members := map[string]crm.DirMember{}
	var ids []string
	for _, m := range dir.Members {
		if m.ExternalID == "" {
			continue
		}
		if prev, ok := members[m.ExternalID]; ok {
			prev.Depts = appendNew(prev.Depts, m.Depts...)
			prev.LeaderOf = appendNew(prev.LeaderOf, m.LeaderOf...)
			members[m.ExternalID] = prev
			continue
		}
		members[m.ExternalID] = m
		ids = append(ids, m.ExternalID)
	}
	sort.Strings(ids)
	links, err := st.DirMembers(ctx, source)
	if err != nil {
		return res, err
	}
	linked := map[string]crm.DirMemberLink{}
	for _, l := range links {
		linked[l.ExternalID] = l
	}
	for _, id := range ids {
		m := members[id]
		m.LeaderOf = appendNew(m.LeaderOf, leads[id]...)
		if err := s.syncMember(ctx, st, source, m, linked, local, depth, at, &res); err != nil {
			return res, err
		}
	}
	if len(dir.Departments) == 0 {
		// An empty answer is a visible range that shows nothing, not a
		// company whose people all left.
		res.Problems = append(res.Problems, "the WeCom contacts listed no department: nobody was deactivated (check the app's 可见范围 in the admin console)")
		dir.Partial = true
	}
	if !dir.Partial {
		for _, l := range links {
			if _, listed := members[l.ExternalID]; listed || !l.Active {
				continue
			}
			if err := s.memberLeft(ctx, st, source, l.ExternalID, at, &res); err != nil {
				return res, err
			}
		}
		if err := st.DirectorySynced(ctx, source, at); err != nil {
			return res, err
		}
	}
	return res, nil
}

func appendNew(to []int64, xs ...int64) []int64 {
	for _, x := range xs {
		found := false
		for _, y := range to {
			found = found || x == y
		}
		if !found {
			to = append(to, x)
		}
	}
	return to
}

// placeMember decides a member's local department and role: a member who
// leads a mirrored department is its manager (of the highest one they
// lead, their main department first); everyone else is a rep of their main
// department (or of their first mirrored one).
func placeMember(m crm.DirMember, local map[int64]int64, depth map[int64]int) (ext, dept int64, role crm.Role, ok bool) {
	var led []int64
	for _, d := range m.LeaderOf {
		if _, in := local[d]; in {
			led = append(led, d)
		}
	}
	if len(led) > 0 {
		best := led[0]
		for _, d := range led {
			if d == m.Main() || (best != m.Main() && depth[d] < depth[best]) {
				best = d
			}
		}
		return best, local[best], crm.RoleManager, true
	}
	if d, in := local[m.Main()]; in {
		return m.Main(), d, crm.RoleRep, true
	}
	for _, d := range m.Depts {
		if l, in := local[d]; in {
			return d, l, crm.RoleRep, true
		}
	}
	return 0, 0, "", false
}

func (s *Service) syncMember(ctx context.Context, st crm.DirectoryStore, source string, m crm.DirMember, linked map[string]crm.DirMemberLink, local map[int64]int64, depth map[int64]int, at time.Time, res *crm.SyncResult) error {
	l, isLinked := linked[m.ExternalID]
	if m.Gone() {
		if isLinked && l.Active {
			return s.memberLeft(ctx, st, source, m.ExternalID, at, res)
		}
		return nil
	}
	ext, dept, role, ok := placeMember(m, local, depth)
	if !ok {
		res.Problems = append(res.Problems, fmt.Sprintf("member %q %s skipped: none of their departments %v is synced", m.ExternalID, m.Name, m.Depts))
		return nil
	}
	// The link keeps the department they were placed in (the one they
	// lead, else their main one): an event that names no department
	// leaves them there.
	m.MainDept, m.Depts = ext, appendNew(m.Depts, ext)
	u, what, err := st.SyncMember(ctx, source, m, dept, role, at)
	if crm.ErrorCode(err) == crm.CodeConflict {
		u, what, err = st.SyncMember(ctx, source, m, dept, role, at) // another sync linked them a moment ago
	}
	if crm.ErrorCode(err) == crm.CodeInvalid || crm.ErrorCode(err) == crm.CodeConflict {
		res.Problems = append(res.Problems, fmt.Sprintf("member %q %s skipped: %v", m.ExternalID, m.Name, err))
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case what == "created":
		res.Changes = append(res.Changes, crm.DirChange{Kind: "created", Name: u.Name, Detail: string(u.Role), UserID: u.ID})
	case what != "":
		res.Changes = append(res.Changes, crm.DirChange{Kind: "updated", Name: u.Name, Detail: what, UserID: u.ID})
	}
	if isLinked && !l.Active {
		back, err := st.ReactivateMember(ctx, source, m.ExternalID, at)
		if err != nil {
			return err
		}
		if back.Active {
			res.Changes = append(res.Changes, crm.DirChange{Kind: "reactivated", Name: back.Name, UserID: back.ID})
		}
	}
	return nil
}

// memberLeft deactivates a member who left and asks their manager (else
// the first admin) to hand over their customers.
func (s *Service) memberLeft(ctx context.Context, st crm.DirectoryStore, source, externalID string, at time.Time, res *crm.SyncResult) error {
	users, err := s.org.Users(ctx)
	if err != nil {
		return err
	}
	depts, err := s.org.Departments(ctx)
	if err != nil {
		return err
	}
	pushes := func(u crm.User, owned int) []crm.OutboxItem {
		if owned == 0 {
			return nil
		}
		to := handoverManager(u, users, depts)
		if to == 0 {
			return nil
		}
		key := "member_left:" + strconv.FormatInt(u.ID, 10) + ":" + strconv.FormatInt(at.Unix(), 10)
		return []crm.OutboxItem{crm.NewPush(key, crm.PushMemberLeft, to, crm.MemberLeftPush{UserID: u.ID, Customers: owned})}
	}
	u, was, err := st.DeactivateMember(ctx, source, externalID, pushes, at)
	if crm.ErrorCode(err) == crm.CodeInvalid || crm.ErrorCode(err) == crm.CodeNotFound {
		res.Problems = append(res.Problems, fmt.Sprintf("member %q not deactivated: %v", externalID, err))
		return nil
	}
	if err != nil || !was {
		return err
	}
	res.Changes = append(res.Changes, crm.DirChange{Kind: "deactivated", Name: u.Name, UserID: u.ID})
	if n, err := s.cust.CountOwned(ctx, u.ID); err == nil && n > 0 {
		res.Handovers = append(res.Handovers, u.ID)
	}
	return nil
}

// handoverManager is who hands over the customers of u: the active manager
// of u's department or the nearest department above it, else the first
// active admin.
func handoverManager(u crm.User, users []crm.User, depts []crm.Department) int64 {
	for _, d := range crm.Ancestors(depts, u.DeptID) {
		for _, m := range users {
			if m.Active && m.ID != u.ID && m.Role == crm.RoleManager && m.DeptID == d {
				return m.ID
			}
		}
	}
	var admin int64
	for _, m := range users {
		if m.Active && m.ID != u.ID && m.Role == crm.RoleAdmin && (admin == 0 || m.ID < admin) {
			admin = m.ID
		}
	}
	return admin
}

// ApplyDirEvent applies one change the directory reported (WeCom's
// change_contact callback): a member created, changed (a new UserID keeps
// them bound), moved or made a leader, or gone; a department created,
// renamed, moved or deleted (its local department stays). What lies outside
// the synced part of the directory is left alone.
func (s *Service) ApplyDirEvent(ctx context.Context, source string, e crm.DirEvent, at time.Time) (crm.SyncResult, error) {
	st, err := s.directory()
	if err != nil {
		return crm.SyncResult{}, err
	}
	var res crm.SyncResult
	switch e.Change {
	case "create_party", "update_party":
		return res, s.applyParty(ctx, st, source, e, at, &res)
	case "delete_party":
		d, removed, err := st.RemoveDirDepartment(ctx, source, e.Dept.ID)
		if err == nil && removed {
			res.Changes = append(res.Changes, crm.DirChange{Kind: "dept_removed", Name: d.Name, DeptID: d.ID})
		}
		return res, err
	case "delete_user":
		return res, s.memberLeft(ctx, st, source, e.Member.ExternalID, at, &res)
	case "create_user", "update_user":
	default:
		return res, nil
	}
	links, err := st.DirMembers(ctx, source)
	if err != nil {
		return res, err
	}
	linked := map[string]crm.DirMemberLink{}
	for _, l := range links {
		linked[l.ExternalID] = l
	}
	m := e.Member
	if e.NewID != "" && e.NewID != m.ExternalID {
		u, err := st.RenameMember(ctx, source, m.ExternalID, e.NewID, at)
		switch {
		case err == nil:
			res.Changes = append(res.Changes, crm.DirChange{Kind: "renamed", Name: u.Name, Detail: m.ExternalID + " → " + e.NewID, UserID: u.ID})
			if l, ok := linked[m.ExternalID]; ok {
				delete(linked, m.ExternalID)
				l.ExternalID = e.NewID
				linked[e.NewID] = l
			}
		case crm.ErrorCode(err) != crm.CodeNotFound:
			return res, err
		}
		m.ExternalID = e.NewID
	}
	l, isLinked := linked[m.ExternalID]
	// What the event does not say stays as it is.
	if !e.HasName && isLinked {
		m.Name = l.Name
	}
	if !e.HasDepts && isLinked {
		m.Depts, m.MainDept = []int64{l.ExternalDep}, l.ExternalDep
	}
	if !e.HasStatus {
		m.Status = crm.DirActive
	}
	if !isLinked && !e.HasDepts {
		return res, nil // not synced and nowhere to put them: the nightly sync decides
	}
	dmap, err := st.DirDepartmentMap(ctx, source)
	if err != nil {
		return res, err
	}
	depts, err := s.org.Departments(ctx)
	if err != nil {
		return res, err
	}
	depth := map[int64]int{}
	for ext, loc := range dmap {
		depth[ext] = len(crm.Ancestors(depts, loc))
	}
	if !e.HasLeader && isLinked {
		if l.SyncedRole == crm.RoleManager {
			m.LeaderOf = []int64{l.ExternalDep}
		}
		if e.HasDepts && l.SyncedRole == crm.RoleManager {
			m.LeaderOf = nil // moved: leading the old department says nothing of the new one
		}
	}
	return res, s.syncMember(ctx, st, source, m, linked, dmap, depth, at, &res)
}

func (s *Service) applyParty(ctx context.Context, st crm.DirectoryStore, source string, e crm.DirEvent, at time.Time, res *crm.SyncResult) error {
	d := e.Dept
	cur, err := st.DirDepartment(ctx, source, d.ID)
	known := err == nil
	if err != nil && crm.ErrorCode(err) != crm.CodeNotFound {
		return err
	}
	if known {
		if d.Name == "" {
			d.Name = cur.Name
		}
		if !e.HasParent {
			d.ParentID = cur.ParentID
		}
	}
	parentMirror, err := st.DirDepartment(ctx, source, d.ParentID)
	if err != nil && crm.ErrorCode(err) != crm.CodeNotFound {
		return err
	}
	parent := parentMirror.DeptID
	if parent == 0 {
		if !known {
			return nil // outside the synced part of the directory
		}
		if cur.ParentID != 0 {
			cur2, _ := st.DirDepartment(ctx, source, cur.ParentID)
			if cur2.DeptID != 0 {
				return nil // moved out of the synced part: the nightly sync decides
			}
		}
	}
	if known && parent != 0 {
		depts, err := s.org.Departments(ctx)
		if err != nil {
			return err
		}
		for _, a := range crm.Ancestors(depts, parent) {
			if a == cur.DeptID {
				res.Problems = append(res.Problems, fmt.Sprintf("department %d not moved under %d: that would make a cycle", d.ID, d.ParentID))
				return nil
			}
		}
	}
	dept, created, changed, err := st.SyncDepartment(ctx, source, d, parent, at)
	if err != nil {
		return err
	}
	switch {
	case created:
		res.Changes = append(res.Changes, crm.DirChange{Kind: "dept_created", Name: dept.Name, DeptID: dept.ID})
	case changed:
		res.Changes = append(res.Changes, crm.DirChange{Kind: "dept_updated", Name: dept.Name, DeptID: dept.ID})
	}
	return nil
}
