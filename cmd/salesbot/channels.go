package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/bot/telegram"
	"github.com/salesbot-crm/salesbot/bot/wecom"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/store"
)

// ShutdownTimeout bounds a graceful stop: the process exits within it.
const ShutdownTimeout = 12 * time.Second

// openedChannels are the configured chat channels (Telegram, WeCom), not
// yet receiving, and the bot they answer with.
type openedChannels struct {
	bot     *bot.Bot
	tg      *telegram.Channel
	wecom   *wecom.Channel
	senders []crm.Sender
	closers []func(context.Context) error
}

// openChannels connects the configured chat channels and attaches them to
// a bot on db: what serve receives and sends with, and what run-job sends
// its pushes through.
func (m *Main) openChannels(ctx context.Context, db *store.DB) (openedChannels, error) {
	var oc openedChannels
	tg, err := m.newTelegram(ctx, db)
	if err != nil {
		return oc, err
	}
	username := ""
	if tg != nil {
		username = tg.Username()
	}
	oc.bot = m.newBotAs(db, username)
	if tg != nil {
		tg.Attach(oc.bot, db)
		oc.tg = tg
		oc.senders = append(oc.senders, tg)
		oc.closers = append(oc.closers, tg.Close)
	}
	if _, wc := m.cfg.Channels(); wc {
		ch, err := m.newWeCom()
		if err != nil {
			return oc, err
		}
		ch.Attach(oc.bot, db)
		if m.cfg.WeCom.SyncOn() {
			ch.SetDirectory(sales.New(db)) // change_contact callbacks
			m.wecomCh = ch
		}
		if g, ok := ch.RobotGroup(); ok {
			if err := sales.New(db).EnsureGroup(ctx, sales.System(), g); err != nil {
				return oc, fmt.Errorf("wecom: register the group robot: %w", err)
			}
		}
		oc.wecom = ch
		oc.senders = append(oc.senders, ch)
		oc.closers = append(oc.closers, ch.Close)
	}
	return oc, nil
}

// serveChannels runs the configured chat channels, the scheduler, the
// outbox worker and the HTTP server until ctx ends (SIGINT/SIGTERM), then
// stops them in order: no new updates, no new claims, in-flight work
// finished or released.
func (m *Main) serveChannels(ctx context.Context) error {
	db, err := m.openDB(ctx)
	if err != nil {
		return err
	}
	if _, _, err := m.ensureAdmin(ctx, db); err != nil {
		return err
	}
	ch, err := m.openChannels(ctx, db)
	if err != nil {
		return err
	}
	b, tg, senders, closers := ch.bot, ch.tg, ch.senders, ch.closers
	hooks := map[string]http.Handler{}
	health := channelHealth{}
	if tg != nil && m.cfg.Telegram.Mode == "webhook" {
		hooks["/telegram/webhook"] = tg.WebhookHandler()
	}
	if tg != nil {
		health["telegram"] = tg.Health
	}
	if ch.wecom != nil {
		hooks["/wecom/callback"] = ch.wecom.CallbackHandler()
	}

	ln, err := net.Listen("tcp", m.cfg.HTTP.Listen)
	if err != nil {
		return &ConfigError{Key: "http.listen", Value: m.cfg.HTTP.Listen, Allowed: "a free host:port to listen on (" + err.Error() + ")"}
	}
	w := m.newWorker(db, b, senders)
	srv := &http.Server{Handler: newHTTPHandler(db, b, w, health, hooks, m.Now), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second, WriteTimeout: 15 * time.Second}
	m.logger.Info("salesbot serving", slog.String("http", ln.Addr().String()), slog.Int("channels", len(senders)), slog.String("database", m.cfg.Database.Driver))

	sched := m.newScheduler(db)
	if err := sched.Start(ctx); err != nil {
		return err
	}
	workCtx, stopWork := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var syncing sync.WaitGroup // the first WeCom sync
	wg.Add(2)
	workerDone := make(chan struct{})
	go func() { defer wg.Done(); defer close(workerDone); w.Run(workCtx) }()
	serveErr := make(chan error, 2)
	go func() {
		defer wg.Done()
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			serveErr <- fmt.Errorf("http server: %w", err)
		}
	}()
	if ch.wecom != nil && m.cfg.WeCom.SyncOn() {
		if never, err := sales.New(db).DirectoryNeverSynced(ctx, wecom.Name); err != nil {
			m.logger.Warn("wecom sync: cannot tell whether the directory was synced", slog.Any("err", err))
		} else if never {
			// The first run: the directory comes from WeCom now, not at
			// night. In the background: WeCom being unreachable must not
			// stop the process. It ends before the channels close (their
			// Close puts the library's HTTP client back).
			syncing.Add(1)
			go func() {
				defer syncing.Done()
				if _, err := m.syncWeCom(ctx, db, m.Now()); err != nil && ctx.Err() == nil {
					m.logger.Error("wecom sync at start failed; the wecom_sync job tries again", slog.Any("err", err))
				}
			}()
		}
	}
	if tg != nil && !tg.Connected() {
		// Telegram could not be reached at start: everything else runs;
		// the channel keeps trying, then sets its menus and webhook or
		// polls. A token rejected meanwhile stops the process (exit 2).
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := tg.ConnectRetrying(ctx)
			if err == nil {
				b.SetBotUsername(tg.Username())
				m.logger.Info("telegram connected", slog.String("bot", tg.Username()), slog.String("mode", m.cfg.Telegram.Mode))
				err = tg.Start(ctx)
			}
			switch {
			case errors.Is(err, telegram.ErrRejected):
				serveErr <- &ConfigError{Key: "telegram.token", Value: "(hidden)", Allowed: "a bot token the Bot API accepts (" + err.Error() + ")"}
			case err != nil && ctx.Err() == nil:
				serveErr <- err
			}
		}()
	} else if tg != nil {
		// Menus, then the webhook (the server is up to receive it) or the
		// polling loop, which runs until ctx ends.
		if m.cfg.Telegram.Mode == "webhook" {
			if err := tg.Start(ctx); err != nil {
				stopWork()
				srv.Close()
				return err
			}
		} else {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := tg.Start(ctx); err != nil && ctx.Err() == nil {
					serveErr <- err
				}
			}()
		}
	}
	if m.Ready != nil {
		m.Ready <- ln.Addr().String()
	}
	select {
	case <-ctx.Done():
	case err := <-serveErr:
		stopWork()
		srv.Close()
		<-workerDone // the senders stay open until the worker is done
		syncing.Wait()
		for _, c := range closers {
			_ = c(context.Background())
		}
		wg.Wait()
		return err
	}
	m.logger.Info("shutting down")
	stopCtx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	_ = srv.Shutdown(stopCtx) // no new webhooks
	sched.Stop(stopCtx)
	stopWork()
	<-workerDone // in-flight pushes finished or released while the senders are still open
	syncing.Wait()
	for _, c := range closers {
		_ = c(stopCtx) // channels finish what they took in
	}
	wg.Wait()
	return nil
}
