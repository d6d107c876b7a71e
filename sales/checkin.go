package sales

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/salesbot-crm/salesbot/crm"
)

// CheckedIn is a check-in just recorded: at which customer, whether it set
// the customer's location, and the visit it joined, if any.
type CheckedIn struct {
	crm.CheckIn
	Customer crm.Customer
	First    bool          // the customer had no location: this one is it now
	Visit    *crm.Activity // the visit it belongs to (one logged just before)
}

// CheckIn records the actor's check-in (签到) at a customer they may see:
// the first one sets the customer's location, later ones are measured
// against it; a visit the actor logged at the customer within
// crm.CheckInVisitWindow before makes one record with it.
func (s *Service) CheckIn(ctx context.Context, actor crm.Viewer, customerID int64, loc crm.Location, place string, at time.Time) (CheckedIn, error) {
	var out CheckedIn
	if err := loc.Check(); err != nil {
		return out, err
	}
	c, err := s.Customer(ctx, actor, customerID)
	if err != nil {
		return out, err
	}
	place = strings.TrimSpace(place)
	if utf8.RuneCountInString(place) > crm.MaxPlaceRunes {
		place = string([]rune(place)[:crm.MaxPlaceRunes])
	}
	known, ok, err := s.geo.CustomerLocation(ctx, c.ID)
	if err != nil {
		return out, err
	}
	k := crm.CheckIn{CustomerID: c.ID, UserID: actor.ID, At: at, Lat: loc.Lat, Lon: loc.Lon, Place: place}
	if ok {
		d := int64(math.Round(crm.Distance(known, loc)))
		k.DistanceM = &d
	}
	visit, found, err := s.geo.LatestVisitWithoutCheckIn(ctx, actor.ID, c.ID, at.Add(-crm.CheckInVisitWindow))
	if err != nil {
		return out, err
	}
	if found {
		k.ActivityID = &visit.ID
		out.Visit = &visit
	}
	if k, err = s.geo.AddCheckIn(ctx, actor.ID, k, !ok); err != nil {
		return out, err
	}
	out.CheckIn, out.Customer, out.First = k, c, !ok
	return out, nil
}

// joinCheckIn makes a visit just logged one record with the actor's
// check-in at the customer within crm.CheckInVisitWindow before, if any.
func (s *Service) joinCheckIn(ctx context.Context, a crm.Activity) (*crm.CheckIn, error) {
	if a.Kind != crm.ActVisit {
		return nil, nil
	}
	k, ok, err := s.geo.LatestUnlinkedCheckIn(ctx, a.UserID, a.CustomerID, a.At.Add(-crm.CheckInVisitWindow))
	if err != nil || !ok {
		return nil, err
	}
	if err := s.geo.LinkCheckIn(ctx, k.ID, a.ID); err != nil {
		if de, ok := crm.AsError(err); ok && de.Code == crm.CodeConflict {
			return nil, nil // joined to another visit meanwhile
		}
		return nil, err
	}
	k.ActivityID = &a.ID
	return &k, nil
}

// Nearby is a customer near a location, with how far it is.
type Nearby struct {
	Customer crm.Customer
	Metres   float64
}

// NearbyCustomers lists the customers the actor may see whose known
// location is within crm.CheckInNearby of loc, nearest first, at most limit.
func (s *Service) NearbyCustomers(ctx context.Context, actor crm.Viewer, loc crm.Location, limit int) ([]Nearby, error) {
	if err := loc.Check(); err != nil {
		return nil, err
	}
	placed, err := s.geo.PlacedCustomers(ctx, actor.Scope(), crm.Around(loc, crm.CheckInNearby), 500)
	if err != nil {
		return nil, err
	}
	var out []Nearby
	for _, p := range placed {
		if d := crm.Distance(loc, crm.Location{Lat: p.Lat, Lon: p.Lon}); d <= crm.CheckInNearby {
			out = append(out, Nearby{Customer: p.Customer, Metres: d})
		}
	}
	slices.SortStableFunc(out, func(a, b Nearby) int {
		switch {
		case a.Metres < b.Metres:
			return -1
		case a.Metres > b.Metres:
			return 1
		}
		return 0
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// CheckIns lists the check-ins at a customer the actor may see, newest
// first.
func (s *Service) CheckIns(ctx context.Context, actor crm.Viewer, customerID int64, limit int) ([]crm.CheckIn, error) {
	if _, err := s.Customer(ctx, actor, customerID); err != nil {
		return nil, err
	}
	return s.geo.CheckIns(ctx, customerID, limit)
}
