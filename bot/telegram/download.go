package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// MaxDownload is the largest document the bot downloads (the Bot API
// serves at most 20 MB).
const MaxDownload = 20 << 20

// fetcher returns a function that downloads a document: getFile, then the
// file URL on the configured endpoint (the library's own download URL is a
// fixed host).
func (c *Channel) fetcher(fileID string, size int) func(ctx context.Context) ([]byte, error) {
	return func(ctx context.Context) ([]byte, error) {
		if size > MaxDownload {
			return nil, fmt.Errorf("telegram: file of %d bytes is over the %d-byte limit", size, MaxDownload)
		}
		resp, err := c.call(ctx, 0, "getFile", false, tgbotapi.FileConfig{FileID: fileID})
		if err != nil {
			return nil, err
		}
		var f tgbotapi.File
		if err := json.Unmarshal(resp.Result, &f); err != nil {
			return nil, fmt.Errorf("telegram: getFile: %w", err)
		}
		if f.FilePath == "" {
			return nil, errors.New("telegram: getFile gave no path")
		}
		url := strings.TrimRight(c.endpoint, "/") + "/file/bot" + c.token + "/" + f.FilePath
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return nil, c.redact(err)
		}
		hr, err := c.http.Do(req)
		if err != nil {
			return nil, c.redact(err)
		}
		defer hr.Body.Close()
		if hr.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("telegram: download: HTTP %d", hr.StatusCode)
		}
		data, err := io.ReadAll(io.LimitReader(hr.Body, MaxDownload+1))
		if err != nil {
			return nil, c.redact(err)
		}
		if len(data) > MaxDownload {
			return nil, fmt.Errorf("telegram: file over the %d-byte limit", MaxDownload)
		}
		return data, nil
	}
}
