package crm

import (
	"math"
	"testing"
)

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b     Location
		want, by float64 // metres, tolerance
	}{
		{Location{39.9042, 116.4074}, Location{31.2304, 121.4737}, 1067_000, 5_000}, // 北京 → 上海
		{Location{39.99, 116.31}, Location{39.9918, 116.31}, 200, 1},                // 0.0018° of latitude
		{Location{39.99, 116.31}, Location{39.99, 116.31}, 0, 0},
		{Location{0.0001, 179.9999}, Location{0.0001, -179.9999}, 22, 1}, // across the date line
		{Location{89.9, 0}, Location{89.9, 180}, 22_239, 50},             // over the pole
	} {
		if got := Distance(c.a, c.b); math.Abs(got-c.want) > c.by {
			t.Errorf("Distance(%v, %v) = %.0f m, want %.0f ± %.0f", c.a, c.b, got, c.want, c.by)
		}
		if Distance(c.a, c.b) != Distance(c.b, c.a) {
			t.Errorf("Distance(%v, %v) is not symmetric", c.a, c.b)
		}
	}
}

// Around holds every point within the radius, in all directions.
func TestAroundHoldsTheRadius(t *testing.T) {
	for _, center := range []Location{{39.99, 116.31}, {-33.87, 151.21}, {64.15, -21.94}, {0, 179.99}, {89.99, 10}} {
		b := Around(center, CheckInNearby)
		for deg := 0.0; deg < 360; deg += 15 {
			// A point just inside the radius in this direction.
			r := (CheckInNearby - 1) / earthRadiusM
			th := deg * math.Pi / 180
			lat1, lon1 := center.Lat*math.Pi/180, center.Lon*math.Pi/180
			lat2 := math.Asin(math.Sin(lat1)*math.Cos(r) + math.Cos(lat1)*math.Sin(r)*math.Cos(th))
			lon2 := lon1 + math.Atan2(math.Sin(th)*math.Sin(r)*math.Cos(lat1), math.Cos(r)-math.Sin(lat1)*math.Sin(lat2))
			p := Location{lat2 * 180 / math.Pi, math.Mod(lon2*180/math.Pi+540, 360) - 180}
			if d := Distance(center, p); d > CheckInNearby {
				t.Fatalf("test point %v is %.0f m away", p, d)
			}
			if p.Lat < b.MinLat || p.Lat > b.MaxLat || p.Lon < b.MinLon || p.Lon > b.MaxLon {
				t.Errorf("Around(%v) = %+v misses %v at %.0f°", center, b, p, deg)
			}
		}
	}
}

func TestLocationCheck(t *testing.T) {
	for _, c := range []struct {
		l   Location
		key string
	}{
		{Location{39.99, 116.31}, ""},
		{Location{-90, -180}, ""},
		{Location{90, 180}, ""},
		{Location{0, 0}, "checkin.no_fix"},
		{Location{90.1, 0}, "checkin.bad_location"},
		{Location{0, -180.5}, "checkin.bad_location"},
		{Location{math.NaN(), 1}, "checkin.bad_location"},
		{Location{1, math.Inf(1)}, "checkin.bad_location"},
	} {
		err := c.l.Check()
		switch de, _ := AsError(err); {
		case c.key == "" && err != nil:
			t.Errorf("%v refused: %v", c.l, err)
		case c.key != "" && (de == nil || de.Key != c.key):
			t.Errorf("%v: %v, want %s", c.l, err, c.key)
		}
	}
}
