package crm

import (
	"errors"
	"fmt"
)

// Code classifies an error for callers that react to its kind.
type Code string

// Error codes. Anything that is not a *Error is internal.
const (
	CodeNotFound    Code = "not_found"
	CodeConflict    Code = "conflict"
	CodeInvalid     Code = "invalid"
	CodeForbidden   Code = "forbidden"
	CodeUnbound     Code = "unbound"
	CodeUnavailable Code = "unavailable"
)

// Error is the one error type of the domain. Key names a catalogue entry a
// user can read in their language; Args fill its placeholders.
type Error struct {
	Code Code
	Key  string
	Args []any
	Err  error // optional cause, for logs
}

func (e *Error) Error() string {
	s := string(e.Code) + ": " + e.Key
	if len(e.Args) > 0 {
		s += fmt.Sprint(e.Args)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches errors of the same code and key, so errors.Is(err, ErrNotFound)
// works for any not-found error with the generic key.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	if !ok {
		return false
	}
	return t.Code == e.Code && (t.Key == "" || t.Key == e.Key)
}

// Errorf builds a domain error.
func Errorf(code Code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// Generic errors to compare against with errors.Is (they match any error of
// their code).
var (
	ErrNotFound  = &Error{Code: CodeNotFound}
	ErrConflict  = &Error{Code: CodeConflict}
	ErrInvalid   = &Error{Code: CodeInvalid}
	ErrForbidden = &Error{Code: CodeForbidden}
)

// ErrorCode returns the code of a domain error, or "" for internal errors.
func ErrorCode(err error) Code {
	if e, ok := AsError(err); ok {
		return e.Code
	}
	return ""
}

// invalidInput is an error of crm's leaf packages (typed: a text that
// cannot be read): invalid input with a catalogue key.
type invalidInput interface {
	error
	InvalidKey() string
}

// AsError returns the domain error in err's chain, if any; a leaf
// package's invalid-input error reads as CodeInvalid with its key.
func AsError(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	var in invalidInput
	if errors.As(err, &in) {
		return &Error{Code: CodeInvalid, Key: in.InvalidKey(), Err: err}, true
	}
	return nil, false
}
