package sales

import (
	"context"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
)

// A unit's direct children are what its target is split into and what it
// should add up from: for a department, its sub-departments and its own
// active reps; for the company, the top-level departments and the active
// reps in none.

// TargetChildren lists the direct children of a unit the actor may set
// targets for, sub-departments first. NotFound for another unit.
func (s *Service) TargetChildren(ctx context.Context, actor crm.Viewer, kind crm.UnitKind, id int64) ([]TargetUnit, error) {
	units, err := s.TargetUnits(ctx, actor, true)
	if err != nil {
		return nil, err
	}
	if _, ok := findUnit(units, kind, id); !ok || kind == crm.UnitUser {
		return nil, crm.Errorf(crm.CodeNotFound, "target.unit_invalid")
	}
	return s.children(ctx, kind, id)
}

// children lists a unit's direct children, whoever asks.
func (s *Service) children(ctx context.Context, kind crm.UnitKind, id int64) ([]TargetUnit, error) {
	if kind == crm.UnitUser {
		return nil, nil
	}
	depts, err := s.org.Departments(ctx)
	if err != nil {
		return nil, err
	}
	users, err := s.org.Users(ctx)
	if err != nil {
		return nil, err
	}
	var out []TargetUnit
	for _, d := range depts {
		if d.ParentID == id && d.ID != id {
			out = append(out, TargetUnit{crm.UnitDepartment, d.ID, d.Name, crm.Scope{DeptIDs: crm.Subtree(depts, d.ID), OwnerID: -1}})
		}
	}
	for _, u := range users {
		if u.Active && u.Role == crm.RoleRep && u.DeptID == id {
			out = append(out, RepUnit(u))
		}
	}
	return out, nil
}

func findUnit(units []TargetUnit, kind crm.UnitKind, id int64) (TargetUnit, bool) {
	for _, u := range units {
		if u.Kind == kind && u.ID == id {
			return u, true
		}
	}
	return TargetUnit{}, false
}

// UnitActual is a metric of a unit the actor may set targets for, in
// [from, to) (what a split by last period's share goes by). NotFound for
// another unit.
func (s *Service) UnitActual(ctx context.Context, actor crm.Viewer, m crm.Metric, kind crm.UnitKind, id int64, from, to time.Time) (int64, error) {
	units, err := s.TargetUnits(ctx, actor, true)
	if err != nil {
		return 0, err
	}
	u, ok := findUnit(units, kind, id)
	if !ok {
		return 0, crm.Errorf(crm.CodeNotFound, "target.unit_invalid")
	}
	return s.rep.MetricActual(ctx, m, u.Scope, from, to)
}

// TargetPart is one child's target in a TargetSum.
type TargetPart struct {
	Unit  TargetUnit
	Value int64
}

// TargetSum is a unit's target beside what its direct children's targets
// add up to.
type TargetSum struct {
	Unit   TargetUnit // Name "" for the company
	Metric crm.Metric
	Target int64
	Sum    int64
	Parts  []TargetPart // the children that have a target
}

// TargetMismatches says, after t was set, where a target and its unit's
// direct children's targets (same metric and period) do not add up: the
// unit t is for, when children of it have targets, and the unit above
// it. Only units whose targets the actor may see are told of.
func (s *Service) TargetMismatches(ctx context.Context, actor crm.Viewer, t crm.Target) ([]TargetSum, error) {
	all, err := s.pipe.Targets(ctx, t.Period, t.PeriodStart)
	if err != nil {
		return nil, err
	}
	value := map[unitKey]int64{}
	for _, x := range all {
		if x.Metric == t.Metric {
			value[unitKey{x.Unit, x.UnitID}] = x.Value
		}
	}
	parentKind, parentID, ok, err := s.parentUnit(ctx, t.Unit, t.UnitID)
	if err != nil {
		return nil, err
	}
	candidates := []unitKey{{t.Unit, t.UnitID}}
	if ok {
		candidates = append(candidates, unitKey{parentKind, parentID})
	}
	seeable, err := s.TargetUnits(ctx, actor, false)
	if err != nil {
		return nil, err
	}
	var out []TargetSum
	for _, c := range candidates {
		kind, id := c.kind, c.id
		target, has := value[c]
		if kind == crm.UnitUser || !has {
			continue
		}
		unit, ok := findUnit(seeable, kind, id)
		if !ok {
			continue
		}
		kids, err := s.children(ctx, kind, id)
		if err != nil {
			return nil, err
		}
		sum := TargetSum{Unit: unit, Metric: t.Metric, Target: target}
		for _, k := range kids {
			if v, has := value[unitKey{k.Kind, k.ID}]; has {
				sum.Parts = append(sum.Parts, TargetPart{k, v})
				sum.Sum += v
			}
		}
		if len(sum.Parts) > 0 && sum.Sum != sum.Target {
			out = append(out, sum)
		}
	}
	return out, nil
}

type unitKey struct {
	kind crm.UnitKind
	id   int64
}

// parentUnit is the unit directly above a unit: a rep's department (the
// company for none), a department's parent (the company at the top).
func (s *Service) parentUnit(ctx context.Context, kind crm.UnitKind, id int64) (crm.UnitKind, int64, bool, error) {
	switch kind {
	case crm.UnitUser:
		u, err := s.org.User(ctx, id)
		if err != nil {
			return "", 0, false, err
		}
		if u.DeptID == 0 {
			return crm.UnitCompany, 0, true, nil
		}
		return crm.UnitDepartment, u.DeptID, true, nil
	case crm.UnitDepartment:
		depts, err := s.org.Departments(ctx)
		if err != nil {
			return "", 0, false, err
		}
		for _, d := range depts {
			if d.ID == id {
				if d.ParentID == 0 {
					return crm.UnitCompany, 0, true, nil
				}
				return crm.UnitDepartment, d.ParentID, true, nil
			}
		}
	}
	return "", 0, false, nil
}
