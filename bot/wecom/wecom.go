// Package wecom is the WeCom (企业微信) channel: a self-built application
// (自建应用) whose encrypted callback URL receives members' messages, menu
// clicks and card button presses, and which answers and pushes with
// application messages, template cards, images, app group chats and a group
// robot. Platform calls go through github.com/silenceper/wechat/v2/work.
//
// # Chat ids
//
// Send takes these chat ids:
//
//	<UserID>          a member, by their WeCom UserID (what identities store)
//	appchat:<chatid>  an app group chat created through appchat/create
//	robot             the group robot configured as Config.RobotKey
//	robot:<key>       another group robot, by its webhook key
//
// A member's private chat id is their UserID, so Update.ChatID ==
// Update.UserID for every WeCom update. Group targets get markdown (the
// first line in bold) and images; buttons are not shown in groups (a
// self-built app receives nothing from group chats).
//
// # Messages
//
// Texts go out as text messages (every client shows them; markdown
// application messages are not shown in the WeChat plugin), split at 2,048
// bytes on rune boundaries. A message with up to
// six short buttons becomes a button_interaction template card whose
// button keys are the Buttons' Data; a press comes back as a
// template_card_event, which greys the card ("已选择：保存") and reaches the
// bot as Update.Button. A card's buttons are kept in the store's
// conversation state under the member and the card's task_id (for three
// days): a press is matched only to a card sent to the member pressing, so
// one naming another member's task_id (or an unknown card) is answered as
// a stale button and reaches neither the bot nor any card. Longer texts
// or more buttons get numbered options ("回复数字：1 保存  2 修改"); the
// channel reports the options last shown to a member to the bot's
// pipeline (bot.Pipeline.Showed), which keeps them in the conversation
// state and reads a typed "2" as the second one, even after a restart or
// on another instance. Images
// are uploaded as temporary media (the media_id is reused for two days)
// and sent as image messages. Menu clicks (click events) are read as the
// text of their key: give menu items keys such as "/today" or "工作台".
// Opening the application (enter_agent) greets a member who is not bound
// yet, once a day. The first message of an unbound member looks up their
// name with user/get (cached for an hour) so /start names the person.
//
// # Callbacks
//
// CallbackHandler answers WeCom's URL verification (GET) with the decrypted
// echostr and, for a POST, checks the signature in constant time before
// decrypting, refuses a callback signed more than CallbackWindow (5
// minutes) from the channel's clock (a replay), checks the corp id,
// parses the message and hands it to the bot's update pipeline
// (bot.Pipeline: the door, the shared queue, the durable inbox; its key is
// the MsgId, else a SHA-256 of the decrypted payload: WeCom retries a
// callback it got no answer for within 5 s), then answers an empty 200 at
// once. The pipeline handles the updates, each member's in arrival order,
// members taking turns, and the channel delivers the replies (Deliver).
// An acknowledged update survives a crash: the next process answers it.
//
// # Organisation sync
//
// Directory reads the company's contacts (department/list, user/list with
// fetch_child, or user/list_id + user/get where user/list is closed to the
// app) for sales.Service.SyncDirectory; contacts API errors come back as a
// *DirectoryError that says what to do (60011, 60020, 40014/42001). With
// SetDirectory, change_contact callbacks (members and departments created,
// changed, deleted; a new UserID) are applied at once, deduped like every
// callback, in their own branch of the callback handler (contacts.go).
//
// # Pacing and retries
//
// A member may receive at most 30 application messages a minute from one
// application; more are dropped silently by WeCom. Replies are merged
// (consecutive texts become one message) and wait for the member's budget;
// Send (pushes, called by the outbox worker) returns a *crm.RetryAfterError
// when the budget is spent instead of waiting. The group robot takes 20
// messages a minute (app chats are held to 20 as well). Transient failures
// (network errors, 5xx, errcode -1, a timeout) are retried with back-off; a
// rate limit (45009) makes Send return a *crm.RetryAfterError; an expired
// access token (40014/42001) clears the token cache and retries once; a
// member who left (60111, 81013, invaliduser) is marked unreachable and the
// error wraps crm.ErrUnreachable. Scheduled pushes should avoid the crowded
// minutes at :00 and :30: see PushTime. The budgets are counted in this
// process: with several instances, let one of them send the pushes.
//
// # The library's HTTP client is process-global
//
// The library builds every URL on the fixed host qyapi.weixin.qq.com and
// sends every request through the package variable util.DefaultHTTPClient.
// New replaces that variable with a client whose transport sends those
// requests to Config.APIBase (and has a timeout); Close puts the previous
// one back. There is one such variable per process: run one Channel at a
// time, and tests that create a Channel must not run in parallel.
package wecom

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/silenceper/wechat/v2/util"
	"github.com/silenceper/wechat/v2/work"
	"github.com/silenceper/wechat/v2/work/addresslist"
	"github.com/silenceper/wechat/v2/work/appchat"
	workconfig "github.com/silenceper/wechat/v2/work/config"
	"github.com/silenceper/wechat/v2/work/material"
	"github.com/silenceper/wechat/v2/work/message"
	"github.com/silenceper/wechat/v2/work/robot"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/crm"
)

// Name is the channel's name in updates, identities and the outbox.
const Name = "wecom"

// DefaultAPIBase is WeCom's API server.
const DefaultAPIBase = "https://qyapi.weixin.qq.com"

// libraryHost is the host the library builds every URL on.
const libraryHost = "qyapi.weixin.qq.com"

// Config configures the channel. CorpID, AgentID, Secret, Token and
// EncodingAESKey come from the application's admin page; the rest is
// optional.
type Config struct {
	CorpID         string
	AgentID        string // a number
	Secret         string
	Token          string // callback token
	EncodingAESKey string // callback key, 43 characters
	APIBase        string // default https://qyapi.weixin.qq.com
	RobotKey       string // group robot webhook key for alerts ("robot")
	// DefaultLang is the bot's default language ("zh" or "en", default
	// "zh"), for the few words the channel adds ("回复数字：") to members
	// without a language setting of their own.
	DefaultLang string

	// Budget shares WeCom's per-member, per-group and per-robot limits with
	// the other instances on this application (store.DB); nil: this
	// process paces alone.
	Budget crm.SendBudget

	HTTPClient *http.Client // default: a client with a 10 s timeout
	Logger     *slog.Logger
	Now        func() time.Time
	// Sleep waits d or until ctx ends; tests inject one that moves a fake
	// clock. Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Backoff is the first retry delay of a transient failure (doubled each
	// time, with jitter). Default 500 ms.
	Backoff time.Duration
	// Attempts bounds the tries of one API call on transient failures.
	// Default 3.
	Attempts int
	// Workers handle updates concurrently (default 8); QueueSize bounds the
	// updates acknowledged but not yet handled (default 1000): beyond it
	// callbacks get 503 and WeCom tries again.
	Workers   int
	QueueSize int
	// ContactsPerMinute bounds the user/get (and department/get) calls of
	// a directory read in a minute (WeCom allows 10,000 per API and
	// company). Default 9,000.
	ContactsPerMinute int
	// InboxLease is how long an acknowledged callback may stay unanswered
	// by the process that took it before another takes it over (default
	// bot.DefaultInboxLease).
	InboxLease time.Duration
}

var _ crm.Sender = (*Channel)(nil)

// Channel is the WeCom channel. It implements crm.Sender.
type Channel struct {
	cfg     Config
	agentID int64
	log     *slog.Logger
	now     func() time.Time
	sleep   func(ctx context.Context, d time.Duration) error

	tokens *tokenCache
	msg    *message.Client
	chat   *appchat.Client
	media  *material.Client
	robot  *robot.Client
	users  *addresslist.Client
	client *http.Client // installed as util.DefaultHTTPClient
	prev   *http.Client // what it replaced

	pacer    *pacer
	names    *ttlMap[string, string]   // member → display name (user/get)
	uploads  *ttlMap[[32]byte, string] // image hash → temporary media id
	redactor *redactor

	mu    sync.RWMutex
	bot   *bot.Bot
	store Store
	pipe  *bot.Pipeline
	dir   Directory // applies change_contact callbacks (SetDirectory)

	contactsMu    sync.Mutex // paceContacts
	contactsFrom  time.Time
	contactsCalls int
}

var globalClientMu sync.Mutex

// New checks the configuration, builds the library clients and installs
// the HTTP client that sends the library's requests to cfg.APIBase.
func New(cfg Config) (*Channel, error) {
	var problems []string
	if cfg.CorpID == "" {
		problems = append(problems, "wecom.corp_id is empty")
	}
	agentID, err := strconv.ParseInt(strings.TrimSpace(cfg.AgentID), 10, 64)
	if err != nil || agentID <= 0 {
		problems = append(problems, "wecom.agent_id must be the application's number (AgentId)")
	}
	if cfg.Secret == "" {
		problems = append(problems, "wecom.secret is empty")
	}
	if cfg.Token == "" {
		problems = append(problems, "wecom.token is empty")
	}
	if k, err := base64.StdEncoding.DecodeString(cfg.EncodingAESKey + "="); len(cfg.EncodingAESKey) != 43 || err != nil || len(k) != 32 {
		problems = append(problems, "wecom.encoding_aes_key must be the 43-character EncodingAESKey")
	}
	if cfg.APIBase == "" {
		cfg.APIBase = DefaultAPIBase
	}
	base, err := url.Parse(strings.TrimRight(cfg.APIBase, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		problems = append(problems, "wecom.api_base must be an http(s) URL such as "+DefaultAPIBase)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("wecom: %s", strings.Join(problems, "; "))
	}
	cfg.AgentID = strconv.FormatInt(agentID, 10)
	if cfg.DefaultLang != "en" {
		cfg.DefaultLang = "zh"
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
	if cfg.Backoff <= 0 {
		cfg.Backoff = 500 * time.Millisecond
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 3
	}
	if cfg.Workers <= 0 {
		cfg.Workers = 8
	}
	if cfg.ContactsPerMinute <= 0 {
		cfg.ContactsPerMinute = 9000
	}
	if cfg.QueueSize <= 0 {
		cfg.QueueSize = 1000
	}
	c := &Channel{cfg: cfg, agentID: agentID, now: cfg.Now, sleep: cfg.Sleep,
		log: cfg.Logger.With(slog.String("channel", Name))}
	c.redactor = newRedactor(cfg.Secret, cfg.RobotKey)
	c.tokens = newTokenCache(c.now, c.redactor)
	c.pacer = newPacer()
	c.names = newTTLMap[string, string](time.Hour, 20000, c.now)
	c.uploads = newTTLMap[[32]byte, string](48*time.Hour, 1000, c.now) // temporary media live 3 days

	wk := work.NewWork(&workconfig.Config{CorpID: cfg.CorpID, CorpSecret: cfg.Secret, AgentID: cfg.AgentID,
		Token: cfg.Token, EncodingAESKey: cfg.EncodingAESKey, Cache: c.tokens})
	c.msg, c.chat, c.media, c.robot, c.users = wk.GetMessage(), wk.GetAppChat(), wk.GetMaterial(), wk.GetRobot(), wk.GetAddressList()

	c.client = rewritingClient(cfg.HTTPClient, base)
	globalClientMu.Lock()
	c.prev = util.DefaultHTTPClient
	util.DefaultHTTPClient = c.client
	globalClientMu.Unlock()

	return c, nil
}

// Store is what the adapter keeps itself: the cards it sent (as
// conversation-state rows, to grey a pressed card out) and whether a member
// can be reached.
type Store interface {
	crm.StateStore
	SetReachable(ctx context.Context, channel, externalID string, reachable bool) error
}

// Attach connects the channel to the bot and the store and starts the
// update pipeline that handles callbacks. Until then callbacks get 503.
func (c *Channel) Attach(b *bot.Bot, st Store) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bot, c.store = b, st
	if c.pipe == nil {
		c.pipe = b.NewPipeline(c, bot.PipelineOptions{Channel: Name, Logger: c.log, Now: c.now,
			Workers: c.cfg.Workers, QueueSize: c.cfg.QueueSize, PerChat: perMemberQueue,
			Timeout: 2 * time.Minute, Lease: c.cfg.InboxLease, Numbered: true})
	}
}

// Pending is how many acknowledged callbacks are waiting or being handled
// (for metrics, and for tests that wait until the channel is idle).
func (c *Channel) Pending() int {
	c.mu.RLock()
	pipe := c.pipe
	c.mu.RUnlock()
	if pipe == nil {
		return 0
	}
	return pipe.Busy()
}

// Channel returns "wecom".
func (c *Channel) Channel() string { return Name }

// Close stops taking callbacks, lets the workers finish what was
// acknowledged (until ctx ends) and restores the library's HTTP client.
func (c *Channel) Close(ctx context.Context) error {
	c.mu.RLock()
	pipe := c.pipe
	c.mu.RUnlock()
	var err error
	if pipe != nil {
		err = pipe.Close(ctx)
	}
	globalClientMu.Lock()
	if util.DefaultHTTPClient == c.client {
		util.DefaultHTTPClient = c.prev
	}
	globalClientMu.Unlock()
	return err
}

// RobotGroup is the configured group robot ("robot") as an alert group of
// the company, so duplicate-claim alerts reach it (wired with
// sales.Service.EnsureGroup); false without a robot key.
func (c *Channel) RobotGroup() (crm.Group, bool) {
	if c.cfg.RobotKey == "" {
		return crm.Group{}, false
	}
	return crm.Group{Channel: Name, ChatID: "robot", Title: "WeCom group robot", CreatedAt: c.now()}, true
}

// --- HTTP client --------------------------------------------------------

// rewritingClient returns a copy of base (or a default client) whose
// transport sends requests for qyapi.weixin.qq.com to apiBase.
func rewritingClient(base *http.Client, apiBase *url.URL) *http.Client {
	c := &http.Client{Timeout: 10 * time.Second}
	if base != nil {
		cp := *base
		c = &cp
	}
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c.Transport = &rewriteTransport{base: apiBase, next: next}
	return c
}

type rewriteTransport struct {
	base *url.URL
	next http.RoundTripper
}

func (t *rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != libraryHost || (t.base.Host == libraryHost && t.base.Scheme == "https" && t.base.Path == "") {
		return t.next.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.URL.Scheme = t.base.Scheme
	r.URL.Host = t.base.Host
	r.URL.Path = t.base.Path + req.URL.Path
	if req.URL.RawPath != "" {
		r.URL.RawPath = t.base.Path + req.URL.RawPath
	}
	r.Host = ""
	return t.next.RoundTrip(r)
}

// --- token cache --------------------------------------------------------

// tokenCache is the library's access-token cache (cache.Cache), private to
// this channel so that an expired token can be cleared.
type tokenCache struct {
	mu       sync.Mutex
	now      func() time.Time
	m        map[string]tokenEntry
	redactor *redactor
}

type tokenEntry struct {
	val     any
	expires time.Time
}

func newTokenCache(now func() time.Time, r *redactor) *tokenCache {
	return &tokenCache{now: now, m: map[string]tokenEntry{}, redactor: r}
}

func (t *tokenCache) Get(key string) any {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.m[key]
	if !ok || !t.now().Before(e.expires) {
		delete(t.m, key)
		return nil
	}
	return e.val
}

func (t *tokenCache) Set(key string, val any, timeout time.Duration) error {
	if s, ok := val.(string); ok {
		t.redactor.add(s) // a token must never reach a log line
	}
	if timeout <= 0 {
		timeout = time.Minute
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.m[key] = tokenEntry{val: val, expires: t.now().Add(timeout)}
	return nil
}

func (t *tokenCache) IsExist(key string) bool { return t.Get(key) != nil }

func (t *tokenCache) Delete(key string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.m, key)
	return nil
}

// Clear forgets every cached token: the next call fetches a new one.
func (t *tokenCache) Clear() {
	t.mu.Lock()
	defer t.mu.Unlock()
	clear(t.m)
}

// --- redaction ----------------------------------------------------------

// redactor removes secrets from error texts: the library's errors carry
// request URLs with access_token=, corpsecret= and key= in them.
type redactor struct {
	mu     sync.RWMutex
	fixed  []string // the secret and the robot key
	tokens []string // the newest access tokens
}

var secretParams = regexp.MustCompile(`(?i)(access_token|corpsecret|key)=[^&\s"',]+`)

func newRedactor(secrets ...string) *redactor {
	r := &redactor{}
	for _, s := range secrets {
		if len(s) >= 4 {
			r.fixed = append(r.fixed, s)
		}
	}
	return r
}

// add remembers a token to redact (the newest 16).
func (r *redactor) add(s string) {
	if len(s) < 4 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, x := range r.tokens {
		if x == s {
			return
		}
	}
	if len(r.tokens) >= 16 {
		r.tokens = r.tokens[1:]
	}
	r.tokens = append(r.tokens, s)
}

func (r *redactor) string(s string) string {
	s = secretParams.ReplaceAllString(s, "$1=REDACTED")
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, x := range r.fixed {
		s = strings.ReplaceAll(s, x, "REDACTED")
	}
	for _, x := range r.tokens {
		s = strings.ReplaceAll(s, x, "REDACTED")
	}
	return s
}

// safeError is an error whose text has been redacted; it keeps the WeCom
// errcode and what it means for the caller, and wraps crm.ErrUnreachable
// when the recipient is gone.
type safeError struct {
	msg  string
	code int64
	kind errKind
}

func (e *safeError) Error() string { return e.msg }

func (e *safeError) Unwrap() error {
	if e.kind == kindUnreachable {
		return crm.ErrUnreachable
	}
	return nil
}

// redactErr turns any error from the library into a safeError.
func (c *Channel) redactErr(op string, err error) *safeError {
	var se *safeError
	if errors.As(err, &se) {
		return se
	}
	code, kind := classify(err)
	return &safeError{msg: "wecom: " + op + ": " + c.redactor.string(err.Error()), code: code, kind: kind}
}
