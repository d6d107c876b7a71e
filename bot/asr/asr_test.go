package asr

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// fakeServer speaks the OpenAI /audio/transcriptions contract: multipart
// "file" and "model", a bearer key, JSON {"text": …}.
func fakeServer(t *testing.T, answer func(w http.ResponseWriter, file []byte, model string)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/audio/transcriptions" {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		if r.Header.Get("Authorization") != "Bearer sk-secret" {
			w.WriteHeader(http.StatusUnauthorized)
			json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": "Incorrect API key"}})
			return
		}
		f, hdr, err := r.FormFile("file")
		if err != nil {
			http.Error(w, "no file", http.StatusBadRequest)
			return
		}
		data, _ := io.ReadAll(f)
		if !strings.HasSuffix(hdr.Filename, ".ogg") {
			http.Error(w, "bad name", http.StatusBadRequest)
			return
		}
		answer(w, data, r.FormValue("model"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestTranscribe(t *testing.T) {
	srv := fakeServer(t, func(w http.ResponseWriter, file []byte, model string) {
		if model != "whisper-1" || string(file) != "OggS-audio" {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"text": " 见了王总，聊方案 "})
	})
	c := &Client{Endpoint: srv.URL + "/v1/", Model: "whisper-1", Key: "sk-secret"}
	got, err := c.Transcribe(context.Background(), "voice-1.ogg", []byte("OggS-audio"))
	if err != nil || got != "见了王总，聊方案" {
		t.Fatalf("%q %v", got, err)
	}
}

func TestTranscribeFailures(t *testing.T) {
	slow := fakeServer(t, func(w http.ResponseWriter, _ []byte, _ string) { time.Sleep(300 * time.Millisecond) })
	garbage := fakeServer(t, func(w http.ResponseWriter, _ []byte, _ string) { io.WriteString(w, "<html>oops</html>") })
	broken := fakeServer(t, func(w http.ResponseWriter, _ []byte, _ string) {
		http.Error(w, "model overloaded", http.StatusServiceUnavailable)
	})
	silent := fakeServer(t, func(w http.ResponseWriter, _ []byte, _ string) { io.WriteString(w, `{"text": "  "}`) })
	for _, c := range []struct {
		name   string
		client *Client
		want   string // in the error; "" for no error and no text
	}{
		{"timeout", &Client{Endpoint: slow.URL + "/v1", Model: "m", Key: "sk-secret", Timeout: 50 * time.Millisecond}, "no answer"},
		{"garbage", &Client{Endpoint: garbage.URL + "/v1", Model: "m", Key: "sk-secret"}, "no JSON transcript"},
		{"HTTP 503", &Client{Endpoint: broken.URL + "/v1", Model: "m", Key: "sk-secret"}, "HTTP 503"},
		{"wrong key", &Client{Endpoint: broken.URL + "/v1", Model: "m", Key: "sk-wrong"}, "HTTP 401"},
		{"unreachable", &Client{Endpoint: "http://127.0.0.1:1/v1", Model: "m", Key: "sk-secret"}, "127.0.0.1:1"},
		{"nothing heard", &Client{Endpoint: silent.URL + "/v1", Model: "m", Key: "sk-secret"}, ""},
	} {
		got, err := c.client.Transcribe(context.Background(), "v.ogg", []byte("OggS"))
		switch {
		case c.want == "" && (err != nil || got != ""):
			t.Errorf("%s: %q %v, want no text and no error", c.name, got, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want an error with %q", c.name, err, c.want)
		case err != nil && strings.Contains(err.Error(), "sk-"):
			t.Errorf("%s: the key is in the error: %v", c.name, err)
		}
	}
}
