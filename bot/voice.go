package bot

import (
	"context"
	"log/slog"
	"strings"

	"github.com/salesbot-crm/salesbot/crm"
)

// maxVoiceBytes bounds a voice note downloaded for transcription (a
// minute of Opus is about 100 KB; WeCom voice notes last at most 60 s).
const maxVoiceBytes = 10 << 20

// hear transcribes a voice note: the text and true, or it says why it
// could not (no speech-to-text server configured, the server failed or
// timed out, nothing heard) and returns false. Nothing is saved either way.
func (s *Services) hear(ctx context.Context, r *Request) (string, bool) {
	if s.Transcriber == nil {
		r.Sayf("voice.no_asr")
		return "", false
	}
	d := r.Voice
	if d.Size > maxVoiceBytes {
		r.Sayf("voice.too_long")
		return "", false
	}
	audio, err := d.Fetch(ctx)
	if err == nil && len(audio) > maxVoiceBytes {
		r.Sayf("voice.too_long")
		return "", false
	}
	var text string
	if err == nil {
		text, err = s.Transcriber.Transcribe(ctx, d.Name, audio)
	}
	switch text = strings.TrimSpace(text); {
	case err != nil:
		s.Logger.LogAttrs(ctx, slog.LevelWarn, "voice note not transcribed", slog.String("file", d.Name), slog.String("err", err.Error()))
		r.Sayf("voice.failed")
		return "", false
	case text == "":
		r.Sayf("voice.empty")
		return "", false
	}
	r.Say(crm.Message{Text: r.T("voice.heard", text)})
	return text, true
}
