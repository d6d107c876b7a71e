package main

import (
	"context"
	"errors"
	"log/slog"

	"github.com/salesbot-crm/salesbot/bot/telegram"
	"github.com/salesbot-crm/salesbot/store"
)

// newTelegram opens the Telegram channel when telegram.token is set (nil
// otherwise) and tries the Bot API once (getMe). A rejected token or a bad
// setting is a configuration error; a Bot API that cannot be reached is
// not: the channel keeps trying in the background (serve) while the other
// channels, the scheduler and the HTTP server run.
//
// On PostgreSQL every message also reserves its slot in a send window kept
// in the database (send_slots), so all instances on the token share
// Telegram's 30 a second; on SQLite one process owns the file and paces
// alone.
func (m *Main) newTelegram(ctx context.Context, db *store.DB) (*telegram.Channel, error) {
	tg, _ := m.cfg.Channels()
	if !tg {
		return nil, nil
	}
	cfg := telegram.Config{Token: m.cfg.Telegram.Token, Endpoint: m.cfg.Telegram.APIEndpoint, Mode: m.cfg.Telegram.Mode,
		WebhookURL: m.cfg.Telegram.WebhookURL, WebhookSecret: m.cfg.Telegram.WebhookSecret, Logger: m.logger, Now: m.Now,
		DefaultLang: m.cfg.Locale, Sleep: m.TelegramSleep}
	if db != nil && db.Driver() == store.Postgres {
		cfg.Budget = db
	}
	ch, err := telegram.Open(cfg)
	if err != nil {
		return nil, &ConfigError{Key: "telegram", Value: "(hidden)", Allowed: err.Error()}
	}
	switch err := ch.Connect(ctx); {
	case errors.Is(err, telegram.ErrRejected):
		return nil, &ConfigError{Key: "telegram.token", Value: "(hidden)", Allowed: "a bot token the Bot API accepts (" + err.Error() + ")"}
	case err != nil:
		m.logger.Warn("telegram: the Bot API cannot be reached; starting without it and trying again", slog.String("err", err.Error()))
	default:
		m.logger.Info("telegram connected", slog.String("bot", ch.Username()), slog.String("mode", m.cfg.Telegram.Mode))
	}
	return ch, nil
}
