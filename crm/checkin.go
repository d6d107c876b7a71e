package crm

import (
	"context"
	"math"
	"time"
)

// Location is a point on the earth in WGS-84 degrees, as the chat apps send
// it (Telegram and WeCom both send latitude and longitude).
type Location struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Check refuses coordinates no phone sends: out of range, not a number, or
// 0,0 (a phone without a fix).
func (l Location) Check() error {
	switch {
	case math.IsNaN(l.Lat) || math.IsNaN(l.Lon) || math.IsInf(l.Lat, 0) || math.IsInf(l.Lon, 0),
		l.Lat < -90 || l.Lat > 90 || l.Lon < -180 || l.Lon > 180:
		return Errorf(CodeInvalid, "checkin.bad_location")
	case l.Lat == 0 && l.Lon == 0:
		return Errorf(CodeInvalid, "checkin.no_fix")
	}
	return nil
}

const earthRadiusM = 6371008.8 // mean radius (IUGG)

// Distance is the great-circle distance between a and b in metres
// (haversine; good to well under 1% at the distances a rep travels).
func Distance(a, b Location) float64 {
	rad := math.Pi / 180
	dLat := (b.Lat - a.Lat) * rad
	dLon := (b.Lon - a.Lon) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusM * math.Asin(math.Min(1, math.Sqrt(h)))
}

// Box is a latitude/longitude rectangle: what a store can search on an
// index before the exact distance is taken.
type Box struct {
	MinLat, MaxLat, MinLon, MaxLon float64
}

// Around is the box holding every point within metres of l (near the
// poles, every longitude).
func Around(l Location, metres float64) Box {
	dLat := metres / earthRadiusM * 180 / math.Pi
	b := Box{MinLat: l.Lat - dLat, MaxLat: l.Lat + dLat, MinLon: -180, MaxLon: 180}
	if c := math.Cos(l.Lat * math.Pi / 180); c > 0.01 {
		dLon := dLat / c
		if l.Lon-dLon > -180 && l.Lon+dLon < 180 {
			b.MinLon, b.MaxLon = l.Lon-dLon, l.Lon+dLon
		}
	}
	return b
}

// The check-in rules (SPEC "Field inputs").
const (
	// CheckInFar marks a check-in this many metres or more from the
	// customer's known location.
	CheckInFar = 1000
	// CheckInNearby is how far a location may be from a customer for the
	// customer to be offered when the rep did not say which.
	CheckInNearby = 3000
	// CheckInVisitWindow joins a check-in and a visit by the same person at
	// the same customer into one record when they are this close in time.
	CheckInVisitWindow = 3 * time.Hour
	// MaxPlaceRunes bounds the place name a venue or WeCom label carries.
	MaxPlaceRunes = 200
)

// CheckIn is a rep's 签到 at a customer: where and when they were.
// DistanceM is how far from the customer's known location (nil for the
// check-in that set it); ActivityID is the visit it belongs to, once
// there is one.
type CheckIn struct {
	ID         int64     `db:"id" json:"id"`
	CustomerID int64     `db:"customer_id" json:"customer_id"`
	UserID     int64     `db:"user_id" json:"user_id"`
	ActivityID *int64    `db:"activity_id" json:"activity_id,omitempty"`
	At         time.Time `db:"at" json:"at"`
	Lat        float64   `db:"lat" json:"lat"`
	Lon        float64   `db:"lon" json:"lon"`
	Place      string    `db:"place" json:"place,omitempty"`
	DistanceM  *int64    `db:"distance_m" json:"distance_m,omitempty"`
}

// Location is where the check-in was.
func (c CheckIn) Location() Location { return Location{Lat: c.Lat, Lon: c.Lon} }

// Far reports a check-in CheckInFar or more from the customer.
func (c CheckIn) Far() bool { return c.DistanceM != nil && *c.DistanceM >= CheckInFar }

// Placed is a customer with its known location.
type Placed struct {
	Customer
	Lat float64 `db:"loc_lat"`
	Lon float64 `db:"loc_lon"`
}

// CheckInStore keeps check-ins and customers' locations.
type CheckInStore interface {
	// AddCheckIn records a check-in; when the customer has no location
	// yet, this one becomes it (setLocation: the caller found none).
	AddCheckIn(ctx context.Context, actor int64, c CheckIn, setLocation bool) (CheckIn, error)
	// CustomerLocation is a customer's known location; ok is false when
	// none is known.
	CustomerLocation(ctx context.Context, customerID int64) (loc Location, ok bool, err error)
	// PlacedCustomers lists the customers in scope whose location lies in
	// the box, at most limit.
	PlacedCustomers(ctx context.Context, s Scope, b Box, limit int) ([]Placed, error)
	// CheckIns lists a customer's check-ins, newest first.
	CheckIns(ctx context.Context, customerID int64, limit int) ([]CheckIn, error)
	// LinkCheckIn joins a check-in without a visit to the visit activity.
	// Conflict "changed_meanwhile" when it has one already.
	LinkCheckIn(ctx context.Context, checkInID, activityID int64) error
	// LatestUnlinkedCheckIn is the newest check-in by user at customer
	// since the time given that belongs to no visit.
	LatestUnlinkedCheckIn(ctx context.Context, userID, customerID int64, since time.Time) (CheckIn, bool, error)
	// LatestVisitWithoutCheckIn is the newest visit by user at customer
	// since the time given that has no check-in.
	LatestVisitWithoutCheckIn(ctx context.Context, userID, customerID int64, since time.Time) (Activity, bool, error)
}
