// Package telegram is the Telegram channel: it turns Bot API updates
// (long polling or a webhook) into bot.Update values and the bot's replies
// (crm.Message) into Bot API calls, and it implements crm.Sender for pushes.
//
// Text is sent with parse_mode HTML and every byte of the bot's text escaped
// (< > &): the bot's texts are plain text, and escaping everything means no
// customer name or note can ever form markup or break parsing, while the
// adapter keeps the one place where formatting could be added later. Long
// texts are split at 4,096 UTF-16 units on rune boundaries, preferably at a
// newline. Buttons become inline keyboards whose callback_data is the
// button's opaque Data; every callback query is answered; a reply with
// Edit=true to a button press edits the message the button was on.
//
// Updates arrive by long polling (Start runs its own getUpdates loop, which
// stops as soon as its context ends) or by webhook (WebhookHandler). Either
// way each update is stored by the bot's update pipeline (bot.Pipeline)
// before it is acknowledged, so a redelivered update is answered once, and
// updates are answered by the pipeline's bounded pool of workers, each
// chat's in order, chats taking turns.
// Edited messages, channel posts, stickers and the like are stored and
// ignored. In groups only commands and messages that name the bot
// (@username, a reply to it, /cmd@username) reach the bot, commands for
// other bots are dropped, and the bot's answers reach the group only when
// the message was a command.
//
// Outgoing messages are paced (at most 30 per second overall, one per second
// per chat, 20 per minute per group) and retried; see Send. The token never
// appears in an error or a log line.
package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/crm"
)

// Name is the channel's name in identities, outbox rows and inbound keys.
const Name = "telegram"

// Receive modes.
const (
	ModePolling = "polling"
	ModeWebhook = "webhook"
)

// DefaultEndpoint is the public Bot API server.
const DefaultEndpoint = "https://api.telegram.org"

// SecretHeader carries the webhook secret on every delivery.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// allowedUpdates are the update kinds salesbot asks Telegram for.
var allowedUpdates = []string{"message", "callback_query"}

// Config configures the channel. Token is required; everything else has a
// default.
type Config struct {
	Token         string
	Endpoint      string // Bot API base URL (default https://api.telegram.org); calls go to <base>/bot<token>/<method>
	Mode          string // "polling" (default) or "webhook"
	WebhookURL    string // webhook mode: the public URL Telegram posts to
	WebhookSecret string // webhook mode: 1–256 of A–Z a–z 0–9 _ -
	// HTTPClient makes the API calls; every call also carries its own
	// deadline (30 s; getUpdates PollTimeout + 10 s), so a client Timeout,
	// if set, must exceed PollTimeout. Default: a client with connect, TLS
	// and overall timeouts.
	HTTPClient *http.Client
	Logger     *slog.Logger
	Now        func() time.Time
	// DefaultLang is the language of the command menu shown to users whose
	// app language is neither Chinese nor English (default "zh").
	DefaultLang string
	// Workers process updates; updates of one chat always go to the same
	// worker, in arrival order (default 8).
	Workers int
	// PollTimeout is the long-poll timeout of getUpdates (default 30 s).
	PollTimeout time.Duration
	// Sleep waits for pacing slots, retry_after and send back-off (not the
	// poll loop's back-off, which always uses real time). Default: a timer
	// that ends early when ctx does. Tests inject a virtual clock (Now and
	// Sleep together); a Sleep that returns at once disables pacing waits
	// and back-off.
	Sleep func(ctx context.Context, d time.Duration) error
	// Budget shares the send window with the other instances on this token
	// (store.DB); nil: this process paces alone.
	Budget crm.SendBudget
	// InboxLease is how long an accepted update may stay unanswered by the
	// process that accepted it before another takes it over (default
	// bot.DefaultInboxLease).
	InboxLease time.Duration
}

// Channel is a running Telegram channel.
type Channel struct {
	cfg         Config
	token       string
	endpoint    string
	api         atomic.Pointer[tgbotapi.BotAPI] // set by Connect; never used directly: see call
	connected   chan struct{}                   // closed by the first successful Connect
	connectOnce sync.Once
	lastErr     atomic.Pointer[string] // the last failed getMe, for Health
	http        *http.Client
	log         *slog.Logger
	now         func() time.Time
	sleep       func(ctx context.Context, d time.Duration) error
	pace        *pacer
	reqTimeout  time.Duration
	pollTimeout time.Duration

	bot   *bot.Bot
	store crm.InboxStore

	// The update pipeline (see receive.go).
	mu        sync.RWMutex
	closed    bool
	closing   chan struct{}
	closeOnce sync.Once
	pipe      *bot.Pipeline
	pollers   sync.WaitGroup
	base      context.Context // the poll loops' context, cancelled by Close
	cancel    context.CancelFunc
}

var secretRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// ErrRejected is a token the Bot API refused (getMe answered 401 or 404):
// a configuration error, not worth retrying.
var ErrRejected = errors.New("telegram: the Bot API rejected the token")

// New checks the configuration, builds the API client and calls getMe (so a
// wrong token or endpoint fails here, with the token redacted). It does not
// need the bot yet: Attach it before Start or WebhookHandler.
func New(ctx context.Context, cfg Config) (*Channel, error) {
	c, err := Open(cfg)
	if err != nil {
		return nil, err
	}
	if err := c.Connect(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Open checks the configuration and builds the channel without calling
// the Bot API: Connect does, and can be retried while Telegram cannot be
// reached (sends fail as retryable until then, Start waits for it).
func Open(cfg Config) (*Channel, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, errors.New("telegram: the bot token is empty")
	}
	switch cfg.Mode {
	case "":
		cfg.Mode = ModePolling
	case ModePolling:
	case ModeWebhook:
		if u, err := url.Parse(cfg.WebhookURL); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return nil, fmt.Errorf("telegram: webhook mode needs webhook_url, an absolute https URL (got %q)", cfg.WebhookURL)
		}
		if !secretRE.MatchString(cfg.WebhookSecret) {
			return nil, errors.New("telegram: webhook mode needs webhook_secret: 1 to 256 characters of A-Z, a-z, 0-9, _ and -")
		}
	default:
		return nil, fmt.Errorf("telegram: mode %q: want %q or %q", cfg.Mode, ModePolling, ModeWebhook)
	}
	if cfg.Endpoint == "" {
		cfg.Endpoint = DefaultEndpoint
	}
	base := strings.TrimRight(cfg.Endpoint, "/")
	if u, err := url.Parse(base); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("telegram: api_endpoint %q is not an http(s) base URL", cfg.Endpoint)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = bot.Sleep
	}
	if cfg.DefaultLang == "" {
		cfg.DefaultLang = "zh"
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 30 * time.Second
	}
	c := &Channel{
		cfg:         cfg,
		token:       cfg.Token,
		endpoint:    base,
		http:        cfg.HTTPClient,
		log:         cfg.Logger.With(slog.String("channel", Name)),
		now:         cfg.Now,
		sleep:       cfg.Sleep,
		reqTimeout:  30 * time.Second,
		pollTimeout: cfg.PollTimeout,
		closing:     make(chan struct{}),
		connected:   make(chan struct{}),
	}
	if c.http == nil {
		c.http = defaultClient(cfg.PollTimeout)
	}
	c.pace = newPacer(c.now, c.sleep, defaultLimits())
	if cfg.Budget != nil {
		// The bot's id (the token's part before ":") names the window: it
		// is the same for every instance on the token and is not secret.
		id, _, _ := strings.Cut(cfg.Token, ":")
		c.pace.budget, c.pace.scope, c.pace.log = cfg.Budget, "telegram:"+id, c.log
	}
	c.base, c.cancel = context.WithCancel(context.Background())
	return c, nil
}

// Connect calls getMe: the bot's identity, and proof the token works. A
// rejected token wraps ErrRejected; anything else (Telegram unreachable,
// a timeout, a 5xx) is worth trying again later.
func (c *Channel) Connect(ctx context.Context) error {
	if c.api.Load() != nil {
		return nil
	}
	// The library formats the URL with Sprintf(endpoint, token, method).
	format := strings.ReplaceAll(c.endpoint, "%", "%%") + "/bot%s/%s"
	gctx, cancel := context.WithTimeout(ctx, c.reqTimeout)
	defer cancel()
	api, err := tgbotapi.NewBotAPIWithClient(c.token, format, ctxClient{ctx: gctx, c: c.http})
	if err != nil {
		var te *tgbotapi.Error
		if errors.As(err, &te) && (te.Code == http.StatusUnauthorized || te.Code == http.StatusNotFound) {
			return fmt.Errorf("%w (telegram.token; getMe at %s: %d %s)", ErrRejected, c.endpoint, te.Code, c.redactString(te.Message))
		}
		return fmt.Errorf("telegram: getMe at %s: %w", c.endpoint, c.redact(err))
	}
	api.Client = c.http
	c.api.Store(api)
	c.connectOnce.Do(func() { close(c.connected) })
	return nil
}

// Connected reports whether getMe has succeeded.
func (c *Channel) Connected() bool { return c.api.Load() != nil }

// Reconnect backs off between tries of getMe while Telegram cannot be
// reached: 1 s, doubling to at most a minute.
var reconnectBackoff = []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 15 * time.Second, 30 * time.Second, time.Minute}

// ConnectRetrying calls Connect until it succeeds, ctx ends or the token
// is rejected (ErrRejected: retrying cannot help), backing off between
// tries; Health reports the last failure meanwhile.
func (c *Channel) ConnectRetrying(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		err := c.Connect(ctx)
		if err == nil {
			c.lastErr.Store(nil)
			return nil
		}
		if errors.Is(err, ErrRejected) || ctx.Err() != nil {
			return err
		}
		msg := err.Error()
		c.lastErr.Store(&msg)
		d := reconnectBackoff[min(attempt, len(reconnectBackoff)-1)]
		c.log.Warn("telegram: the Bot API cannot be reached; trying again", slog.Duration("after", d), slog.String("err", msg))
		if err := c.sleep(ctx, d); err != nil {
			return err
		}
	}
}

// Health is nil once Telegram has answered getMe, else why not.
func (c *Channel) Health(context.Context) error {
	if c.Connected() {
		return nil
	}
	if p := c.lastErr.Load(); p != nil {
		return fmt.Errorf("unreachable, retrying: %s", *p)
	}
	return errors.New("connecting")
}

// errNotConnected is a send before Telegram was reached: retried later.
var errNotConnected = errors.New("telegram: not connected yet (getMe has not succeeded)")

// defaultClient has a timeout on every phase; the overall one leaves room
// for a long poll (each call also has its own, shorter deadline).
func defaultClient(poll time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSHandshakeTimeout = 10 * time.Second
	t.IdleConnTimeout = 90 * time.Second
	t.MaxIdleConnsPerHost = 16
	return &http.Client{Transport: t, Timeout: poll + 30*time.Second}
}

// Username is the bot's @username (without "@"), from getMe: the lead passes
// it to bot.Options.BotUsername for t.me deep links.
func (c *Channel) Username() string {
	if a := c.api.Load(); a != nil {
		return a.Self.UserName
	}
	return ""
}

// Channel names the channel ("telegram").
func (c *Channel) Channel() string { return Name }

// Attach gives the channel the bot that answers updates and the store that
// deduplicates them and records reachability; it starts the update workers.
// Call it once, before Start or WebhookHandler.
func (c *Channel) Attach(b *bot.Bot, st crm.InboxStore) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bot != nil || c.closed {
		return
	}
	c.bot, c.store = b, st
	c.startWorkers()
}

// untilClosing returns a context of parent that also ends when Close is
// called, for the loops that must stop taking work then.
func (c *Channel) untilClosing(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		select {
		case <-c.closing:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// Start sets the command menus, then in polling mode deletes any webhook
// and polls until ctx ends or Close is called (returning nil), and in
// webhook mode registers the webhook and returns.
func (c *Channel) Start(ctx context.Context) error {
	c.mu.RLock()
	attached := c.bot != nil
	c.mu.RUnlock()
	if !attached {
		return errors.New("telegram: Attach the bot before Start")
	}
	if err := c.ConnectRetrying(ctx); err != nil {
		return err
	}
	if err := c.SetCommands(ctx); err != nil {
		c.log.Warn("telegram: setMyCommands failed; the command menu may be stale", slog.Any("err", err))
	}
	if c.cfg.Mode == ModeWebhook {
		return c.SetWebhook(ctx)
	}
	if _, err := c.call(ctx, 0, "deleteWebhook", false, tgbotapi.DeleteWebhookConfig{}); err != nil {
		c.log.Warn("telegram: deleteWebhook failed; polling anyway", slog.Any("err", err))
	}
	return c.poll(ctx)
}

// SetWebhook registers WebhookURL with the secret token (which the library
// cannot send itself) for messages and button presses.
func (c *Channel) SetWebhook(ctx context.Context) error {
	params := tgbotapi.Params{"url": c.cfg.WebhookURL, "secret_token": c.cfg.WebhookSecret}
	if err := params.AddInterface("allowed_updates", allowedUpdates); err != nil {
		return err
	}
	if _, err := c.call(ctx, 0, "setWebhook", false, rawRequest{name: "setWebhook", p: params}); err != nil {
		return fmt.Errorf("telegram: setWebhook: %w", err)
	}
	return nil
}

// SetCommands publishes the command menu (setMyCommands) in Chinese and
// English and, as the default for other languages, in DefaultLang, all from
// the bot's command table.
func (c *Channel) SetCommands(ctx context.Context) error {
	var errs []error
	for _, lc := range []struct{ code, lang string }{{"", c.cfg.DefaultLang}, {"zh", "zh"}, {"en", "en"}} {
		cmds := menuCommands(c.bot.Menu(lc.lang))
		cfg := tgbotapi.SetMyCommandsConfig{Commands: cmds, LanguageCode: lc.code}
		if _, err := c.call(ctx, 0, "setMyCommands", false, cfg); err != nil {
			errs = append(errs, fmt.Errorf("language %q: %w", lc.code, err))
		}
	}
	return errors.Join(errs...)
}

var commandRE = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// menuCommands turns the bot's menu into Bot API commands, leaving out what
// Telegram would refuse.
func menuCommands(menu []bot.MenuEntry) []tgbotapi.BotCommand {
	out := []tgbotapi.BotCommand{}
	for _, m := range menu {
		if !commandRE.MatchString(m.Command) || strings.TrimSpace(m.Description) == "" || len(out) == 100 {
			continue
		}
		out = append(out, tgbotapi.BotCommand{Command: m.Command, Description: cutUTF16(m.Description, 256)})
	}
	return out
}

// Close stops receiving (the poll loop returns, the webhook answers 503),
// then waits for updates already accepted to be answered, at most until ctx
// ends; then it cancels what is still running and returns ctx's error.
func (c *Channel) Close(ctx context.Context) error {
	c.closeOnce.Do(func() {
		close(c.closing)
		c.mu.Lock()
		c.closed = true
		c.mu.Unlock()
	})
	polled := make(chan struct{})
	go func() {
		c.pollers.Wait()
		close(polled)
	}()
	select {
	case <-polled:
	case <-ctx.Done():
	}
	c.mu.RLock()
	pipe := c.pipe
	c.mu.RUnlock()
	var err error
	if pipe != nil {
		err = pipe.Close(ctx)
	}
	c.cancel()
	if err != nil {
		return fmt.Errorf("telegram: close: in-flight updates abandoned: %w", err)
	}
	return nil
}

// rawRequest is a method with hand-made parameters (MakeRequest), for what
// the library's configs lack (setWebhook's secret_token). The library's
// Chattable has unexported methods, so request switches on both.
type rawRequest struct {
	name string
	p    tgbotapi.Params
}

// ctxClient gives each library call a context: the library builds requests
// without one, so this is how calls get deadlines and stop on cancel.
type ctxClient struct {
	ctx context.Context
	c   *http.Client
}

func (d ctxClient) Do(r *http.Request) (*http.Response, error) { return d.c.Do(r.WithContext(d.ctx)) }

// apiFor returns a copy of the library client whose requests carry ctx.
func (c *Channel) apiFor(ctx context.Context) *tgbotapi.BotAPI {
	p := c.api.Load()
	if p == nil {
		return nil
	}
	a := *p
	a.Client = ctxClient{ctx: ctx, c: c.http}
	return &a
}

// redactedError carries an error's text with the token removed. It unwraps
// past any *url.Error (whose URL holds the token) to the cause, so
// errors.Is(err, context.Canceled) and friends still work.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redact removes the token from err's text and from its chain.
func (c *Channel) redact(err error) error {
	if err == nil {
		return nil
	}
	msg := c.redactString(err.Error())
	var ue *url.Error
	if !errors.As(err, &ue) {
		if msg == err.Error() {
			return err
		}
		return &redactedError{msg: msg}
	}
	cause := ue.Err
	if cause != nil && c.redactString(cause.Error()) != cause.Error() {
		cause = &redactedError{msg: c.redactString(cause.Error())}
	}
	return &redactedError{msg: msg, err: cause}
}

// redactString replaces the token (raw and URL-escaped) in s.
func (c *Channel) redactString(s string) string {
	if c.token == "" {
		return s
	}
	for _, t := range []string{c.token, url.PathEscape(c.token), url.QueryEscape(c.token)} {
		s = strings.ReplaceAll(s, t, "<token>")
	}
	return s
}
