package crm_test

import (
	"errors"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/typed"
)

// Money.String output reads back (typed.Amount) as the same amount.
func TestAmountRoundTrip(t *testing.T) {
	for _, m := range []crm.Money{1, 99, 100, 300050, 5_000_000, 123_456_789, 100_000_000_000_000} {
		t.Run(m.String(), func(t *testing.T) {
			got, err := typed.Amount(m.String())
			if err != nil || crm.Money(got) != m {
				t.Fatalf("Amount(%q) = %d, %v; want %d", m.String(), got, err, m)
			}
		})
	}
}

func FuzzAmountRoundTrip(f *testing.F) {
	f.Add(int64(300050))
	f.Add(int64(1))
	f.Fuzz(func(t *testing.T, v int64) {
		if v <= 0 || v > typed.MaxAmount {
			return
		}
		m := crm.Money(v)
		got, err := typed.Amount(m.String())
		if err != nil || crm.Money(got) != m {
			t.Fatalf("Amount(%q) = %d, %v", m.String(), got, err)
		}
	})
}

// What typed cannot read is an invalid-input error with its catalogue key,
// as every other: the chat answers it in the person's language.
func TestTypedErrorsAreInvalid(t *testing.T) {
	_, err := typed.Amount("五块钱左右吧")
	e, ok := crm.AsError(err)
	if !ok || e.Code != crm.CodeInvalid || e.Key != "amount.invalid" {
		t.Fatalf("AsError(%v) = %+v, %v", err, e, ok)
	}
	if crm.ErrorCode(err) != crm.CodeInvalid || !errors.Is(e, crm.ErrInvalid) {
		t.Fatalf("ErrorCode(%v) = %q", err, crm.ErrorCode(err))
	}
	if _, err := typed.Date("下辈子", time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)); crm.ErrorCode(err) != crm.CodeInvalid {
		t.Fatalf("a date: %v", err)
	}
}
