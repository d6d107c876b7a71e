package sentence

import (
	"context"
	"errors"
	"unicode/utf8"
)

// Suggestion is what a language model proposes for a sentence the rules
// could not read (SPEC "One message is enough": optional, off by
// default): an intent, the words that name the customer, and text
// fields. It never carries a date or an amount: those are read again by
// the rules from the rep's own words.
type Suggestion struct {
	Intent     Intent `json:"intent"`
	Customer   string `json:"customer"`
	Content    string `json:"content"`
	NextAction string `json:"next_action"`
	Place      string `json:"place"`
	Purpose    string `json:"purpose"`
	Contact    string `json:"contact"`
}

// Model proposes a Suggestion for a sentence (an OpenAI-compatible server
// in package ai; a fake in tests).
type Model interface {
	Suggest(ctx context.Context, text string) (Suggestion, error)
}

// suggestionMax bounds a suggested text field, in runes.
const suggestionMax = 500

// ErrBadSuggestion is a suggestion outside its schema.
var ErrBadSuggestion = errors.New("sentence: suggestion outside its schema")

// Check refuses a suggestion whose intent is not one of the intents or
// whose text fields are too long.
func (s Suggestion) Check() error {
	switch s.Intent {
	case Visit, Paid, Plan, Appt, Stage, New, Complaint, Question:
	default:
		return ErrBadSuggestion
	}
	for _, f := range []string{s.Customer, s.Content, s.NextAction, s.Place, s.Purpose, s.Contact} {
		if utf8.RuneCountInString(f) > suggestionMax || !utf8.ValidString(f) {
			return ErrBadSuggestion
		}
	}
	return nil
}

// Intents lists the intents a model may propose (for its instructions).
var Intents = []Intent{Visit, Paid, Plan, Appt, Stage, New, Complaint, Question}
