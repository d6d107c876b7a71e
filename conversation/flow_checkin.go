package conversation

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
)

// The /checkin flow (签到, SPEC "Field inputs") records where a rep is, at
// which customer: "/checkin 青禾" then a location, or a location first and
// then the customer — one of the customers near it, or one named. A
// location sent while a visit is being logged checks in at that visit's
// customer without leaving the form (Engine.Locate).

const (
	keyLat   = "lat"
	keyLon   = "lon"
	keyPlace = "place"
	// nearbyLimit is how many nearby customers are offered.
	nearbyLimit = 5
)

func checkinFlow() *Flow {
	return &Flow{
		Name: "checkin",
		Begin: func(ctx context.Context, env *Env, f Form, args string) (Result, error) {
			if f.Get(keyLat) != "" { // a location came first
				return Result{Next: "nearby"}, nil
			}
			if args == "" {
				return Result{Next: "location"}, nil
			}
			return beginWithCustomer(checkinAfterPick)(ctx, env, f, args)
		},
		Steps: []*Step{
			customerStep(checkinAfterPick),
			{Name: "location", Location: true, Prompt: func(_ context.Context, env *Env, f Form) (Prompt, error) {
				key := "checkin.send_location"
				if env.Channel == "wecom" {
					key = "checkin.send_location_wecom"
				}
				text := env.T(key)
				if name := f.Get(keyCustomerName); name != "" {
					text = env.T("checkin.at", name) + "\n" + text
				}
				return Prompt{Text: text, AskLocation: true}, nil
			}, Parse: func(ctx context.Context, env *Env, f Form, in Input) (Result, error) {
				if in.Location == nil {
					return Result{}, crm.Errorf(crm.CodeInvalid, "checkin.need_location")
				}
				if err := in.Location.Check(); err != nil {
					return Result{}, err
				}
				set := locationFields(*in.Location, in.Place)
				if f.Get(keyCustomer) == "" {
					return Result{Next: "nearby", Set: set}, nil
				}
				res, err := checkinSave(ctx, env, f.With(set))
				return res.with(set), err
			}},
			{Name: "nearby", Prompt: checkinNearbyPrompt, Parse: pickAnswer(checkinAfterPick)},
		},
	}
}

// checkinAfterPick saves the check-in when the location is known, else
// asks for it.
func checkinAfterPick(ctx context.Context, env *Env, f Form) (Result, error) {
	if f.Get(keyLat) == "" {
		return Result{Next: "location"}, nil
	}
	return checkinSave(ctx, env, f)
}

func locationFields(l crm.Location, place string) Fields {
	return Fields{keyLat: strconv.FormatFloat(l.Lat, 'f', -1, 64), keyLon: strconv.FormatFloat(l.Lon, 'f', -1, 64), keyPlace: place}
}

func formLocation(f Form) crm.Location {
	lat, _ := strconv.ParseFloat(f.Get(keyLat), 64)
	lon, _ := strconv.ParseFloat(f.Get(keyLon), 64)
	return crm.Location{Lat: lat, Lon: lon}
}

// checkinNearbyPrompt offers the customers near the location sent, nearest
// first, or asks for a name when none is known near it.
func checkinNearbyPrompt(ctx context.Context, env *Env, f Form) (Prompt, error) {
	near, err := env.Sales.NearbyCustomers(ctx, env.Viewer, formLocation(f), nearbyLimit)
	if err != nil {
		return Prompt{}, err
	}
	if len(near) == 0 {
		return Prompt{Text: env.T("checkin.which_none")}, nil
	}
	p := Prompt{Text: env.T("checkin.which_nearby"), Columns: 1}
	for _, n := range near {
		p.Choices = append(p.Choices, Choice{Label: ShortName(n.Customer.Name) + " · " + FormatDistance(env.Lang, n.Metres), Value: "#" + itoa(n.Customer.ID)})
	}
	return p, nil
}

// checkinSave records the check-in and ends the form with its receipt.
func checkinSave(ctx context.Context, env *Env, f Form) (Result, error) {
	k, err := env.Sales.CheckIn(ctx, env.Viewer, f.Int(keyCustomer), formLocation(f), f.Get(keyPlace), env.Now)
	if err != nil {
		return Result{}, err
	}
	id := "#" + itoa(k.Customer.ID)
	menu := []Choice{{env.T("btn.open_card"), "/customer " + id}}
	if k.Visit == nil {
		menu = append([]Choice{{env.T("btn.log_visit"), "/visit " + id}}, menu...)
	}
	return Result{Done: true, Say: []crm.Message{{Text: CheckInReceipt(env.Lang, env.Now.Location(), k)}}, Menu: menu}, nil
}

// CheckInReceipt says what a check-in recorded: where, when (in zone),
// how far from the customer's known location (marked when far), and the
// visit it joined.
func CheckInReceipt(lang string, zone *time.Location, k sales.CheckedIn) string {
	text := T(lang, "checkin.done", k.Customer.Name, k.At.In(zone).Format("15:04"))
	switch {
	case k.First:
		text += T(lang, "checkin.first")
	case k.DistanceM != nil && k.Far():
		text += T(lang, "checkin.far", FormatDistance(lang, float64(*k.DistanceM)), FormatDistance(lang, crm.CheckInFar))
	case k.DistanceM != nil:
		text += T(lang, "checkin.near", FormatDistance(lang, float64(*k.DistanceM)))
	}
	if k.Place != "" {
		text += "\n" + T(lang, "checkin.place", k.Place)
	}
	if k.Visit != nil {
		text += "\n" + T(lang, "checkin.joined", k.Visit.At.In(zone).Format("15:04"), Short(k.Visit.Content, 30))
	}
	return text
}

// FormatDistance says a distance the way people do: metres under a
// kilometre, else kilometres with one decimal.
func FormatDistance(lang string, metres float64) string {
	if metres < 1000 {
		return T(lang, "distance.m", int(metres+0.5))
	}
	return T(lang, "distance.km", fmt.Sprintf("%.1f", metres/1000))
}
