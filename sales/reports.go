package sales

import (
	"context"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/report"
)

// numbers is what report reads from.
func (s *Service) numbers() report.Store { return s.all }

// MyReportBody computes the objective part of the actor's report of a
// period: what they did, and their targets' progress.
func (s *Service) MyReportBody(ctx context.Context, actor crm.Viewer, kind crm.PeriodKind, now time.Time) (report.Body, error) {
	return report.RepBody(ctx, s.numbers(), actor.User, kind, now)
}

// MyReport returns the actor's report of the period starting on start.
// NotFound when they have filed none.
func (s *Service) MyReport(ctx context.Context, actor crm.Viewer, kind crm.PeriodKind, start crm.Date) (crm.Report, error) {
	return s.pipe.ReportFor(ctx, actor.ID, kind, start)
}

// SaveReport files (or replaces) the actor's report.
func (s *Service) SaveReport(ctx context.Context, actor crm.Viewer, r crm.Report) (crm.Report, error) {
	r.UserID = actor.ID
	if err := r.Check(); err != nil {
		return r, err
	}
	return s.rep.SaveReport(ctx, actor.ID, r)
}

// TeamReports returns the reps whose reports of the period starting on
// start the actor reads (reportingReps) and the reports they filed, by rep.
func (s *Service) TeamReports(ctx context.Context, actor crm.Viewer, kind crm.PeriodKind, start crm.Date) ([]crm.User, map[int64]crm.Report, error) {
	reports, err := s.rep.ReportsOfPeriod(ctx, kind, start)
	if err != nil {
		return nil, nil, err
	}
	byUser := map[int64]crm.Report{}
	filed := map[int64]bool{}
	for _, rp := range reports {
		byUser[rp.UserID] = rp
		filed[rp.UserID] = true
	}
	team, err := s.reportingReps(ctx, actor, func(ids []int64) (map[int64]bool, error) { return filed, nil })
	if err != nil {
		return nil, nil, err
	}
	return team, byUser, nil
}

// reportingReps is whose reports of a period the actor reads and counts:
// the active reps they manage, and the reps deactivated since who filed
// one for the period (a rep who left keeps the reports they filed; one
// who filed nothing is no longer expected to). filed answers which of the
// given reps filed.
func (s *Service) reportingReps(ctx context.Context, actor crm.Viewer, filed func(ids []int64) (map[int64]bool, error)) ([]crm.User, error) {
	users, err := s.org.Users(ctx)
	if err != nil {
		return nil, err
	}
	var all, left []crm.User
	var ids []int64
	for _, u := range users {
		if u.Role != crm.RoleRep || !actor.CanManage(u) {
			continue
		}
		all = append(all, u)
		if !u.Active {
			left = append(left, u)
			ids = append(ids, u.ID)
		}
	}
	if len(left) == 0 {
		return all, nil
	}
	f, err := filed(ids)
	if err != nil {
		return nil, err
	}
	out := all[:0:0]
	for _, u := range all {
		if u.Active || f[u.ID] {
			out = append(out, u)
		}
	}
	return out, nil
}

// ReportToRead returns a report and its rep for a reader: the rep
// themselves (when own is allowed) or their manager. NotFound
// "report.not_found" otherwise, as for a report that does not exist.
func (s *Service) ReportToRead(ctx context.Context, actor crm.Viewer, id int64, ownOK bool) (crm.Report, crm.User, error) {
	notFound := crm.Errorf(crm.CodeNotFound, "report.not_found")
	rp, err := s.rep.Report(ctx, id)
	if isNotFound(err) {
		return rp, crm.User{}, notFound
	}
	if err != nil {
		return rp, crm.User{}, err
	}
	rep, err := s.org.User(ctx, rp.UserID)
	if err != nil {
		return rp, rep, err
	}
	own := rep.ID == actor.ID
	if (own && !ownOK) || (!own && !actor.CanManage(rep)) {
		return crm.Report{}, crm.User{}, notFound
	}
	return rp, rep, nil
}

// CommentReport comments, as their manager, on a rep's report; it returns
// the rep. Forbidden "report.not_yours" for anyone else's (and one's own).
func (s *Service) CommentReport(ctx context.Context, actor crm.Viewer, id int64, comment string, at time.Time) (crm.Report, crm.User, error) {
	rp, err := s.rep.Report(ctx, id)
	if err != nil {
		return rp, crm.User{}, err
	}
	rep, err := s.org.User(ctx, rp.UserID)
	if err != nil {
		return rp, rep, err
	}
	if !actor.CanManage(rep) || rep.ID == actor.ID {
		return rp, rep, crm.Errorf(crm.CodeForbidden, "report.not_yours")
	}
	if err := crm.CheckComment(comment); err != nil {
		return rp, rep, err
	}
	rp, err = s.rep.CommentReport(ctx, actor.ID, id, comment, at)
	return rp, rep, err
}

// ReportCommentFor reads a comment on the actor's report, with who wrote
// it (the comment push).
func (s *Service) ReportCommentFor(ctx context.Context, actor crm.Viewer, id int64) (crm.Report, crm.User, error) {
	rp, _, err := s.ReportToRead(ctx, actor, id, true)
	if err != nil {
		return rp, crm.User{}, err
	}
	by, err := s.org.User(ctx, rp.CommentBy)
	return rp, by, err
}

// TargetUnit is a unit whose targets someone may see or set: the company
// (ID 0), a department (and its subtree) or a rep.
type TargetUnit struct {
	Kind  crm.UnitKind
	ID    int64
	Name  string // "" for the company
	Scope crm.Scope
}

// RepUnit is the target unit of one rep.
func RepUnit(u crm.User) TargetUnit {
	return TargetUnit{crm.UnitUser, u.ID, u.Name, crm.Scope{OwnerID: u.ID}}
}

// TargetUnits lists the units whose targets the actor may see (set false)
// or set: a rep sees their own and sets none; a manager sees and sets their
// departments and reps; an admin the company and every department (and,
// to set, every rep).
func (s *Service) TargetUnits(ctx context.Context, actor crm.Viewer, set bool) ([]TargetUnit, error) {
	if actor.Role == crm.RoleRep {
		if set {
			return nil, nil
		}
		return []TargetUnit{RepUnit(actor.User)}, nil
	}
	depts, err := s.org.Departments(ctx)
	if err != nil {
		return nil, err
	}
	v := crm.ViewerOf(actor.User, depts)
	var out []TargetUnit
	if actor.Role == crm.RoleAdmin {
		out = append(out, TargetUnit{crm.UnitCompany, 0, "", crm.Scope{All: true}})
	}
	for _, d := range depts {
		if actor.Role == crm.RoleAdmin || containsID(v.Depts, d.ID) {
			out = append(out, TargetUnit{crm.UnitDepartment, d.ID, d.Name, crm.Scope{DeptIDs: crm.Subtree(depts, d.ID), OwnerID: -1}})
		}
	}
	if actor.Role == crm.RoleManager || set {
		users, err := s.org.Users(ctx)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if u.Active && u.Role == crm.RoleRep && v.CanManage(u) {
				out = append(out, RepUnit(u))
			}
		}
	}
	return out, nil
}

func containsID(xs []int64, x int64) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// mayTarget reports whether the actor may set a target of the unit.
func (s *Service) mayTarget(ctx context.Context, actor crm.Viewer, unit crm.UnitKind, id int64) (bool, error) {
	units, err := s.TargetUnits(ctx, actor, true)
	if err != nil {
		return false, err
	}
	for _, u := range units {
		if u.Kind == unit && u.ID == id {
			return true, nil
		}
	}
	return false, nil
}

// SetTarget sets the target of a unit the actor may set targets for
// (TargetUnits). Forbidden "target.not_yours" for another unit.
func (s *Service) SetTarget(ctx context.Context, actor crm.Viewer, t crm.Target) (crm.Target, error) {
	if err := t.Check(); err != nil {
		return t, err
	}
	ok, err := s.mayTarget(ctx, actor, t.Unit, t.UnitID)
	if err != nil {
		return t, err
	}
	if !ok {
		return t, crm.Errorf(crm.CodeForbidden, "target.not_yours")
	}
	return s.pipe.SetTarget(ctx, actor.ID, t)
}

// Targets lists the targets of the periods starting on start.
func (s *Service) Targets(ctx context.Context, period crm.PeriodKind, start crm.Date) ([]crm.Target, error) {
	return s.pipe.Targets(ctx, period, start)
}

// DepartmentReps lists the active reps of one department (not of its
// sub-departments: those have targets of their own).
func (s *Service) DepartmentReps(ctx context.Context, dept int64) ([]crm.User, error) {
	users, err := s.org.Users(ctx)
	if err != nil {
		return nil, err
	}
	var out []crm.User
	for _, u := range users {
		if u.Active && u.Role == crm.RoleRep && u.DeptID == dept {
			out = append(out, u)
		}
	}
	return out, nil
}

// RepActual is a metric of a rep the actor manages, in [from, to).
func (s *Service) RepActual(ctx context.Context, actor crm.Viewer, m crm.Metric, repID int64, from, to time.Time) (int64, error) {
	if _, err := s.ManagedUser(ctx, actor, repID); err != nil {
		return 0, err
	}
	return s.rep.MetricActual(ctx, m, crm.Scope{OwnerID: repID}, from, to)
}

// Progress is the progress of a unit's targets of a period kind at now.
func (s *Service) Progress(ctx context.Context, u TargetUnit, kind crm.PeriodKind, now time.Time) ([]report.Progress, error) {
	return report.UnitProgress(ctx, s.numbers(), u.Kind, u.ID, u.Scope, kind, now)
}

// Distribution counts the customers the actor's numbers cover by a field
// (industry, size, region, source).
func (s *Service) Distribution(ctx context.Context, actor crm.Viewer, field string) (report.Distribution, error) {
	return report.CustomerDistribution(ctx, s.numbers(), actor.Scope(), field)
}

// TopCustomers is the Pareto view of the actor's customers' payments.
func (s *Service) TopCustomers(ctx context.Context, actor crm.Viewer, from, to time.Time) (report.Pareto, error) {
	return report.TopCustomers(ctx, s.numbers(), actor.Scope(), from, to)
}

// Funnel is the stage funnel of the actor's deals.
func (s *Service) Funnel(ctx context.Context, actor crm.Viewer, from, to time.Time) (report.Funnel, error) {
	return report.StageFunnel(ctx, s.numbers(), actor.Scope(), from, to)
}

// Ranking ranks the reps the actor's numbers cover by a metric.
func (s *Service) Ranking(ctx context.Context, actor crm.Viewer, metric string, from, to time.Time) ([]crm.NamedAmount, error) {
	return report.Ranking(ctx, s.numbers(), actor, metric, from, to)
}

// CustomerRevenue lists what each of the actor's customers paid in [from, to).
func (s *Service) CustomerRevenue(ctx context.Context, actor crm.Viewer, from, to time.Time) ([]crm.NamedAmount, error) {
	return s.stats.CustomerRevenue(ctx, actor.Scope(), from, to)
}

// TeamDay is what a manager's (or admin's) digest says of a day.
type TeamDay struct {
	Viewer crm.Viewer
	Team   string // the manager's department, "" for the company
	Stats  crm.TeamStats
	Reps   []crm.User     // the reps the digest counts (reportingReps)
	Filed  map[int64]bool // which of them filed their daily report
	Names  map[int64]string
	// Dead are the pushes that failed since the day began (admins only).
	Dead []crm.OutboxItem
}

// claimsToTell is the day's refused claims as the digest tells them: one
// per claimant and company, as their alerts are (claimAlertKey), each
// naming the customer's owner now, as the alert does when it is sent.
func (s *Service) claimsToTell(ctx context.Context, claims []crm.DuplicateClaim) ([]crm.DuplicateClaim, error) {
	var out []crm.DuplicateClaim
	seen := map[string]bool{}
	owners := map[int64]int64{}
	for _, d := range claims {
		k := claimAlertKey(d)
		if seen[k] {
			continue
		}
		seen[k] = true
		owner, ok := owners[d.CustomerID]
		if !ok {
			c, err := s.cust.Customer(ctx, d.CustomerID)
			if err != nil {
				return nil, err
			}
			owner, owners[d.CustomerID] = c.OwnerID, c.OwnerID
		}
		d.OwnerID = owner
		out = append(out, d)
	}
	return out, nil
}

// TeamDay reads the digest of the day starting on dayStart for the actor.
func (s *Service) TeamDay(ctx context.Context, actor crm.Viewer, dayStart, dayEnd time.Time) (TeamDay, error) {
	d := TeamDay{Viewer: actor}
	var err error
	if d.Stats, err = s.pipe.TeamStats(ctx, actor.Scope(), dayStart, dayEnd); err != nil {
		return d, err
	}
	if d.Stats.Claims, err = s.claimsToTell(ctx, d.Stats.Claims); err != nil {
		return d, err
	}
	if actor.Role == crm.RoleManager {
		if d.Team, err = s.DepartmentName(ctx, actor.DeptID); err != nil {
			return d, err
		}
	}
	if d.Names, err = s.UserNames(ctx); err != nil {
		return d, err
	}
	day := crm.DateOf(dayStart)
	if d.Reps, err = s.reportingReps(ctx, actor, func(ids []int64) (map[int64]bool, error) {
		return s.pipe.ReportsFiled(ctx, crm.PeriodDay, day, ids)
	}); err != nil {
		return d, err
	}
	if len(d.Reps) > 0 {
		ids := make([]int64, len(d.Reps))
		for i, u := range d.Reps {
			ids[i] = u.ID
		}
		if d.Filed, err = s.pipe.ReportsFiled(ctx, crm.PeriodDay, day, ids); err != nil {
			return d, err
		}
	}
	if actor.Role == crm.RoleAdmin {
		dead, err := s.out.OutboxItems(ctx, crm.OutboxDead, 200)
		if err != nil {
			return d, err
		}
		for _, it := range dead {
			if !it.CreatedAt.Before(dayStart) {
				d.Dead = append(d.Dead, it)
			}
		}
	}
	return d, nil
}
