package main

import (
	"context"
	"log/slog"

	"github.com/salesbot-crm/salesbot/bot/telegram"
)

// newTelegram connects to the Bot API (getMe) when telegram.token is set;
// nil otherwise. A rejected token or a bad setting is a configuration error.
func (m *Main) newTelegram(ctx context.Context) (*telegram.Channel, error) {
	tg, _ := m.cfg.Channels()
	if !tg {
		return nil, nil
	}
	cfg := telegram.Config{Token: m.cfg.Telegram.Token, Endpoint: m.cfg.Telegram.APIEndpoint, Mode: m.cfg.Telegram.Mode,
		WebhookURL: m.cfg.Telegram.WebhookURL, WebhookSecret: m.cfg.Telegram.WebhookSecret, Logger: m.logger, Now: m.Now,
		DefaultLang: m.cfg.Locale, Sleep: m.TelegramSleep}
	ch, err := telegram.New(ctx, cfg)
	if err != nil {
		return nil, &ConfigError{Key: "telegram", Value: "(hidden)", Allowed: err.Error()}
	}
	m.logger.Info("telegram connected", slog.String("bot", ch.Username()), slog.String("mode", m.cfg.Telegram.Mode))
	return ch, nil
}
