// Package typed reads the values sales reps type on their phones: amounts
// of money, percentages, times of day, dates and date-times, in Chinese and
// English, with full-width or half-width characters. Money is computed with
// integer arithmetic only: a decimal like "1.2亿" is read as integer and
// fraction digits and scaled exactly, never through float64. What cannot be
// read whole is refused with an *Error naming a catalogue key.
package typed

// MaxAmount is the largest amount Amount reads, in fen.
const MaxAmount = maxYuan * 100

// Error is why a text could not be read: Key names the catalogue entry
// that says so ("amount.invalid", "date.invalid", …). crm reads it as an
// invalid-input error with that key.
type Error struct{ Key string }

func (e *Error) Error() string { return "invalid: " + e.Key }

// InvalidKey is the catalogue key (crm.AsError reads errors by it).
func (e *Error) InvalidKey() string { return e.Key }

func invalid(key string) error { return &Error{Key: key} }
