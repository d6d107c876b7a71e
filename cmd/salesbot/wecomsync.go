package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/salesbot-crm/salesbot/bot/wecom"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/store"
)

// newWeCom builds the WeCom channel from the configuration.
func (m *Main) newWeCom() (*wecom.Channel, error) {
	ch, err := wecom.New(wecom.Config{CorpID: m.cfg.WeCom.CorpID, AgentID: m.cfg.WeCom.AgentID, Secret: m.cfg.WeCom.Secret,
		Token: m.cfg.WeCom.Token, EncodingAESKey: m.cfg.WeCom.EncodingAESKey, APIBase: m.cfg.WeCom.APIBase, RobotKey: m.cfg.WeCom.RobotKey,
		DefaultLang: m.cfg.Locale, Logger: m.logger, Now: m.Now})
	if err != nil {
		return nil, &ConfigError{Key: "wecom", Value: "(hidden)", Allowed: err.Error()}
	}
	return ch, nil
}

// syncWeCom reads the WeCom contacts (through the serving channel, or a
// channel of its own) and mirrors them into the organisation; every change
// and problem is logged.
func (m *Main) syncWeCom(ctx context.Context, db *store.DB, now time.Time) (crm.SyncResult, error) {
	ch := m.wecomCh
	if ch == nil {
		c, err := m.newWeCom()
		if err != nil {
			return crm.SyncResult{}, err
		}
		defer c.Close(context.Background())
		ch = c
	}
	dir, err := ch.Directory(ctx, int64(m.cfg.WeCom.SyncRoot))
	if err != nil {
		return crm.SyncResult{}, err
	}
	res, err := sales.New(db).SyncDirectory(ctx, wecom.Name, dir, now)
	for _, c := range res.Changes {
		m.logger.Info("wecom sync", slog.String("change", c.Kind), slog.String("name", c.Name), slog.String("detail", c.Detail))
	}
	for _, p := range res.Problems {
		m.logger.Warn("wecom sync", slog.String("problem", p))
	}
	if err != nil {
		return res, fmt.Errorf("wecom sync: %w (what was synced before stays; the next run finishes it)", err)
	}
	m.logger.Info("wecom sync done", slog.Int("changes", len(res.Changes)), slog.Int("problems", len(res.Problems)), slog.Bool("partial", dir.Partial))
	return res, nil
}

// syncCmd is `salesbot sync wecom`: sync now and print what changed.
func (m *Main) syncCmd(ctx context.Context, args []string) error {
	if len(args) != 1 || args[0] != "wecom" {
		return usageError{"sync: want 'sync wecom'"}
	}
	if m.cfg.WeCom.CorpID == "" {
		return &ConfigError{Key: "wecom.corp_id", Value: "", Allowed: "the corp id of the WeCom company to sync (with wecom.agent_id, wecom.secret, …)"}
	}
	if !m.cfg.WeCom.SyncOn() {
		return &ConfigError{Key: "wecom.sync", Value: "false", Allowed: "true to sync the organisation from WeCom"}
	}
	db, err := m.openDB(ctx)
	if err != nil {
		return err
	}
	res, err := m.syncWeCom(ctx, db, m.Now())
	printSync(m, res)
	return err
}

func printSync(m *Main, res crm.SyncResult) {
	marks := map[string]string{"dept_created": "+ department", "dept_updated": "~ department", "dept_removed": "- department (no longer in WeCom; kept)",
		"created": "+", "updated": "~", "renamed": "~ UserID", "deactivated": "- deactivated", "reactivated": "+ reactivated"}
	for _, c := range res.Changes {
		line := marks[c.Kind] + " " + c.Name
		if c.Detail != "" {
			line += " (" + c.Detail + ")"
		}
		fmt.Fprintln(m.Stdout, line)
	}
	if n := len(res.Handovers); n > 0 {
		fmt.Fprintf(m.Stdout, "%d deactivated people still own customers: their managers were asked to hand them over\n", n)
	}
	for _, p := range res.Problems {
		fmt.Fprintln(m.Stdout, "! "+p)
	}
	if len(res.Changes) == 0 {
		fmt.Fprintln(m.Stdout, "nothing changed")
	} else {
		fmt.Fprintf(m.Stdout, "%d changes\n", len(res.Changes))
	}
}
