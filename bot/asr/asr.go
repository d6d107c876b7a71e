// Package asr turns a voice note into text through any OpenAI-compatible
// speech-to-text server (SPEC "Field inputs": ai.asr_endpoint, ai.asr_model,
// ai.api_key): POST <endpoint>/audio/transcriptions with the file and the
// model as multipart form data, the key as a bearer token; the answer's
// "text" is the transcript. The key is never put in an error or a log.
package asr

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"time"
)

// DefaultTimeout bounds one transcription.
const DefaultTimeout = 20 * time.Second

// Client is a speech-to-text server.
type Client struct {
	Endpoint string // base URL, e.g. http://127.0.0.1:8000/v1
	Model    string // e.g. whisper-1
	Key      string // optional bearer token
	Language string // a hint ("zh"), optional
	HTTP     *http.Client
	Timeout  time.Duration // default DefaultTimeout
}

// Transcribe sends one audio file (name tells its format: .ogg, .amr,
// .mp3 …) and returns what was said ("" when nothing was heard).
func (c *Client) Transcribe(ctx context.Context, name string, audio []byte) (string, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		return "", err
	}
	fw.Write(audio)
	w.WriteField("model", c.Model)
	w.WriteField("response_format", "json")
	if c.Language != "" {
		w.WriteField("language", c.Language)
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	url := strings.TrimRight(c.Endpoint, "/") + "/audio/transcriptions"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, &body)
	if err != nil {
		return "", fmt.Errorf("asr: %w", err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	if c.Key != "" {
		req.Header.Set("Authorization", "Bearer "+c.Key)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("asr: no answer from %s within %s", url, timeout)
		}
		return "", fmt.Errorf("asr: %s: %w", url, errors.Unwrap(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("asr: read the answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("asr: %s answered HTTP %d: %.200s", url, resp.StatusCode, raw)
	}
	var out struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return "", fmt.Errorf("asr: %s answered no JSON transcript: %.200s", url, raw)
	}
	return strings.TrimSpace(out.Text), nil
}
