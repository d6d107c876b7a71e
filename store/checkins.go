package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/salesbot-crm/salesbot/crm"
)

const checkInCols = `id, customer_id, user_id, activity_id, at, lat, lon, place, distance_m`

// AddCheckIn records a check-in and, with setLocation, makes it the
// customer's location unless another check-in set one meanwhile.
func (s *DB) AddCheckIn(ctx context.Context, actor int64, c crm.CheckIn, setLocation bool) (crm.CheckIn, error) {
	if c.At.IsZero() {
		c.At = s.now()
	}
	c.At = c.At.UTC().Truncate(time.Microsecond)
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		const q = `INSERT INTO checkins (customer_id, user_id, activity_id, at, lat, lon, place, distance_m) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`
		if c.ID, err = insertID(ctx, tx, q, c.CustomerID, c.UserID, c.ActivityID, c.At, c.Lat, c.Lon, c.Place, c.DistanceM); err != nil {
			return err
		}
		if setLocation {
			const l = `INSERT INTO customer_locations (customer_id, lat, lon, set_by, set_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`
			if _, err := exec(ctx, tx, l, c.CustomerID, c.Lat, c.Lon, actor, c.At); err != nil {
				return err
			}
		}
		return audit(ctx, tx, actor, "checkin", c.ID, "create", nil, c, s.now())
	})
	if err != nil {
		return c, fmt.Errorf("store: add check-in at customer %d: %w", c.CustomerID, err)
	}
	return c, nil
}

// CustomerLocation is a customer's known location.
func (s *DB) CustomerLocation(ctx context.Context, customerID int64) (crm.Location, bool, error) {
	var rows []crm.Location
	if err := sel(ctx, s.db, &rows, `SELECT lat, lon FROM customer_locations WHERE customer_id = ?`, customerID); err != nil {
		return crm.Location{}, false, fmt.Errorf("store: location of customer %d: %w", customerID, err)
	}
	if len(rows) == 0 {
		return crm.Location{}, false, nil
	}
	return rows[0], true, nil
}

// PlacedCustomers lists the customers in scope located in the box.
func (s *DB) PlacedCustomers(ctx context.Context, sc crm.Scope, b crm.Box, limit int) ([]crm.Placed, error) {
	where, args := scopeWhere(sc)
	q := `SELECT ` + customerCols + `, l.lat AS loc_lat, l.lon AS loc_lon` + customerFrom + `JOIN customer_locations l ON l.customer_id = c.id
		WHERE ` + where + ` AND l.lat BETWEEN ? AND ? AND l.lon BETWEEN ? AND ? ORDER BY c.id LIMIT ?`
	args = append(args, b.MinLat, b.MaxLat, b.MinLon, b.MaxLon, limit)
	var out []crm.Placed
	if err := sel(ctx, s.db, &out, q, args...); err != nil {
		return nil, fmt.Errorf("store: customers near a location: %w", err)
	}
	return out, nil
}

// CheckIns lists a customer's check-ins, newest first.
func (s *DB) CheckIns(ctx context.Context, customerID int64, limit int) ([]crm.CheckIn, error) {
	var out []crm.CheckIn
	q := `SELECT ` + checkInCols + ` FROM checkins WHERE customer_id = ? ORDER BY at DESC, id DESC LIMIT ?`
	if err := sel(ctx, s.db, &out, q, customerID, limit); err != nil {
		return nil, fmt.Errorf("store: check-ins of customer %d: %w", customerID, err)
	}
	return out, nil
}

// LinkCheckIn joins a check-in without a visit to the visit.
func (s *DB) LinkCheckIn(ctx context.Context, checkInID, activityID int64) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		r, err := exec(ctx, tx, `UPDATE checkins SET activity_id = ? WHERE id = ? AND activity_id IS NULL`, activityID, checkInID)
		if err != nil {
			return fmt.Errorf("store: link check-in %d: %w", checkInID, err)
		}
		if n, _ := r.RowsAffected(); n != 1 {
			return crm.Errorf(crm.CodeConflict, "changed_meanwhile")
		}
		return nil
	})
}

// LatestUnlinkedCheckIn is the newest check-in by user at customer since
// the time given that belongs to no visit.
func (s *DB) LatestUnlinkedCheckIn(ctx context.Context, userID, customerID int64, since time.Time) (crm.CheckIn, bool, error) {
	var out []crm.CheckIn
	q := `SELECT ` + checkInCols + ` FROM checkins WHERE user_id = ? AND customer_id = ? AND at >= ? AND activity_id IS NULL ORDER BY at DESC, id DESC LIMIT 1`
	if err := sel(ctx, s.db, &out, q, userID, customerID, since.UTC()); err != nil {
		return crm.CheckIn{}, false, fmt.Errorf("store: check-in of user %d at customer %d: %w", userID, customerID, err)
	}
	if len(out) == 0 {
		return crm.CheckIn{}, false, nil
	}
	return out[0], true, nil
}

// LatestVisitWithoutCheckIn is the newest visit by user at customer since
// the time given that has no check-in.
func (s *DB) LatestVisitWithoutCheckIn(ctx context.Context, userID, customerID int64, since time.Time) (crm.Activity, bool, error) {
	var out []crm.Activity
	q := `SELECT a.id, a.customer_id, a.user_id, a.kind, a.content, a.next_action, a.next_date, a.at FROM activities a
		WHERE a.user_id = ? AND a.customer_id = ? AND a.kind = ? AND a.at >= ?
		  AND NOT EXISTS (SELECT 1 FROM checkins k WHERE k.activity_id = a.id)
		ORDER BY a.at DESC, a.id DESC LIMIT 1`
	if err := sel(ctx, s.db, &out, q, userID, customerID, crm.ActVisit, since.UTC()); err != nil {
		return crm.Activity{}, false, fmt.Errorf("store: visit of user %d at customer %d: %w", userID, customerID, err)
	}
	if len(out) == 0 {
		return crm.Activity{}, false, nil
	}
	return out[0], true, nil
}

var _ crm.CheckInStore = (*DB)(nil)
