// Package ai is the optional language model of the sentence reader: a
// client of any OpenAI-compatible chat completions server (`ai.endpoint`
// is its base URL as OpenAI clients take it, e.g. http://127.0.0.1:11434/v1
// for Ollama; calls go to <endpoint>/chat/completions). It asks for one
// JSON object — intent, customer words, text fields — and checks it
// against that schema; the caller re-reads dates and amounts with the
// rules and checks the customer's visibility itself. The API key is sent
// as a bearer token and never logged or put in an error.
package ai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/crm/sentence"
)

// DefaultTimeout bounds one call: past it the rules' reading stands.
const DefaultTimeout = 3 * time.Second

// Client calls an OpenAI-compatible server.
type Client struct {
	Endpoint string // base URL, e.g. http://127.0.0.1:11434/v1
	Model    string
	APIKey   string
	Timeout  time.Duration // 0: DefaultTimeout
	HTTP     *http.Client  // nil: a client without its own timeout
}

// instructions tell the model what to answer.
var instructions = `You read one message a field sales rep typed (Chinese or English) and answer with ONE JSON object, nothing else:
{"intent": one of ` + intentList() + `,
 "customer": the words of the message that name the customer company or its contact person ("" if none),
 "content": what happened, in the rep's words, "next_action": the next step without its date,
 "place": where (for an appointment), "purpose": what for (for an appointment), "contact": the contact person named}
visit = a visit, call or meeting that happened; paid = money received; plan = money due later; appt = an appointment booked;
stage = a deal moved to a sales stage; new = a new customer; complaint = the customer complains; question = the rep asks about a customer.
Never put dates, times or amounts in any field, and use only words from the message.`

func intentList() string {
	var qs []string
	for _, i := range sentence.Intents {
		qs = append(qs, `"`+string(i)+`"`)
	}
	return strings.Join(qs, ", ")
}

// ErrAnswer is an answer that is not the JSON object asked for.
var ErrAnswer = errors.New("ai: answer is not the JSON object asked for")

type chatRequest struct {
	Model          string            `json:"model"`
	Messages       []chatMessage     `json:"messages"`
	Temperature    float64           `json:"temperature"`
	ResponseFormat map[string]string `json:"response_format,omitempty"`
}

type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type chatResponse struct {
	Choices []struct {
		Message chatMessage `json:"message"`
	} `json:"choices"`
}

// Suggest asks the model about text. Errors: a timeout (context deadline),
// a transport or HTTP error (the status only, never the key), ErrAnswer
// or sentence.ErrBadSuggestion for an answer outside the schema.
func (c *Client) Suggest(ctx context.Context, text string) (sentence.Suggestion, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	body, err := json.Marshal(chatRequest{Model: c.Model, Temperature: 0, ResponseFormat: map[string]string{"type": "json_object"},
		Messages: []chatMessage{{Role: "system", Content: instructions}, {Role: "user", Content: text}}})
	if err != nil {
		return sentence.Suggestion{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(c.Endpoint, "/")+"/chat/completions", bytes.NewReader(body))
	if err != nil {
		return sentence.Suggestion{}, fmt.Errorf("ai: request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.APIKey)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return sentence.Suggestion{}, fmt.Errorf("ai: no answer within %s: %w", timeout, ctx.Err())
		}
		return sentence.Suggestion{}, fmt.Errorf("ai: call failed: %w", errors.Unwrap(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return sentence.Suggestion{}, fmt.Errorf("ai: server answered %s", resp.Status)
	}
	var cr chatResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&cr); err != nil || len(cr.Choices) == 0 {
		return sentence.Suggestion{}, ErrAnswer
	}
	return parseSuggestion(cr.Choices[0].Message.Content)
}

// parseSuggestion reads the model's JSON object strictly: no other keys,
// strings only, an intent of the list.
func parseSuggestion(content string) (sentence.Suggestion, error) {
	content = strings.TrimSpace(content)
	content = strings.TrimPrefix(strings.TrimPrefix(content, "```json"), "```")
	content = strings.TrimSpace(strings.TrimSuffix(content, "```"))
	dec := json.NewDecoder(strings.NewReader(content))
	dec.DisallowUnknownFields()
	var s sentence.Suggestion
	if err := dec.Decode(&s); err != nil || dec.More() {
		return sentence.Suggestion{}, ErrAnswer
	}
	if err := s.Check(); err != nil {
		return sentence.Suggestion{}, err
	}
	return s, nil
}
