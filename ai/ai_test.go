package ai_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/ai"
	"github.com/salesbot-crm/salesbot/crm/sentence"
)

// fakeServer answers /v1/chat/completions with content as the model's
// message (or with status), and records the request.
func fakeServer(t *testing.T, status int, content string, got *http.Request, gotBody *map[string]any) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got != nil {
			*got = *r.Clone(context.Background())
		}
		if gotBody != nil {
			_ = json.NewDecoder(r.Body).Decode(gotBody)
		}
		if r.URL.Path != "/v1/chat/completions" {
			http.NotFound(w, r)
			return
		}
		if status != http.StatusOK {
			w.WriteHeader(status)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"choices": []any{map[string]any{"message": map[string]string{"role": "assistant", "content": content}}}})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestSuggestGoodAnswer(t *testing.T) {
	var req http.Request
	var body map[string]any
	srv := fakeServer(t, http.StatusOK, `{"intent":"visit","customer":"青禾","content":"见了王总","next_action":"发报价","place":"","purpose":"","contact":"王总"}`, &req, &body)
	c := &ai.Client{Endpoint: srv.URL + "/v1", Model: "qwen2.5:7b", APIKey: "sk-secret"}
	s, err := c.Suggest(context.Background(), "今天见了青禾王总")
	if err != nil {
		t.Fatal(err)
	}
	if s.Intent != sentence.Visit || s.Customer != "青禾" || s.NextAction != "发报价" || s.Contact != "王总" {
		t.Fatalf("suggestion %+v", s)
	}
	if req.Header.Get("Authorization") != "Bearer sk-secret" || body["model"] != "qwen2.5:7b" {
		t.Fatalf("request: auth %q, model %v", req.Header.Get("Authorization"), body["model"])
	}
}

func TestSuggestRefusesWhatIsOutsideTheSchema(t *testing.T) {
	for name, content := range map[string]string{
		"garbage":        "I think this is a visit.",
		"unknown intent": `{"intent":"lunch","customer":"青禾"}`,
		"unknown field":  `{"intent":"visit","customer":"青禾","amount":50000}`,
		"not a string":   `{"intent":"visit","customer":42}`,
		"two objects":    `{"intent":"visit"} {"intent":"paid"}`,
		"too long":       `{"intent":"visit","content":"` + strings.Repeat("长", 600) + `"}`,
	} {
		t.Run(name, func(t *testing.T) {
			srv := fakeServer(t, http.StatusOK, content, nil, nil)
			c := &ai.Client{Endpoint: srv.URL + "/v1", Model: "m"}
			if s, err := c.Suggest(context.Background(), "x"); err == nil {
				t.Fatalf("accepted %+v", s)
			}
		})
	}
}

func TestSuggestServerErrorNamesNoKey(t *testing.T) {
	srv := fakeServer(t, http.StatusUnauthorized, "", nil, nil)
	c := &ai.Client{Endpoint: srv.URL + "/v1", Model: "m", APIKey: "sk-secret"}
	_, err := c.Suggest(context.Background(), "x")
	if err == nil || strings.Contains(err.Error(), "sk-secret") {
		t.Fatalf("err = %v", err)
	}
}

func TestSuggestTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select { // an answer that never comes in time
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	c := &ai.Client{Endpoint: srv.URL + "/v1", Model: "m", Timeout: 50 * time.Millisecond}
	start := time.Now()
	_, err := c.Suggest(context.Background(), "x")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %s", d)
	}
	if ai.DefaultTimeout != 3*time.Second {
		t.Fatalf("default timeout %s, want 3s", ai.DefaultTimeout)
	}
}
