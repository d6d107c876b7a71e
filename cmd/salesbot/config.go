package main

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"

	"github.com/salesbot-crm/salesbot/crm"
)

// Config is salesbot's whole configuration. Defaults come from
// defaultConfig, then config.yaml, then SALESBOT_* environment variables.
type Config struct {
	Database  DatabaseConfig  `yaml:"database"`
	Timezone  string          `yaml:"timezone"`
	Locale    string          `yaml:"locale"`
	StaleDays int             `yaml:"stale_days"`
	Pool      PoolConfig      `yaml:"pool"`
	HTTP      HTTPConfig      `yaml:"http"`
	Telegram  TelegramConfig  `yaml:"telegram"`
	WeCom     WeComConfig     `yaml:"wecom"`
	Scheduler SchedulerConfig `yaml:"scheduler"`
	Chart     ChartConfig     `yaml:"chart"`
	Log       LogConfig       `yaml:"log"`
	AI        AIConfig        `yaml:"ai"`
}

// AIConfig points at optional model servers with an OpenAI-compatible API
// (off while their endpoints are empty): the sentence reader's language
// model (Endpoint, calls go to <endpoint>/chat/completions) and speech to
// text for voice notes (ASREndpoint, calls go to
// <asr_endpoint>/audio/transcriptions). APIKey is sent to both as a bearer
// token.
type AIConfig struct {
	Endpoint    string `yaml:"endpoint"`
	Model       string `yaml:"model"`
	APIKey      string `yaml:"api_key" secret:"true"`
	ASREndpoint string `yaml:"asr_endpoint"`
	ASRModel    string `yaml:"asr_model"`
}

// DatabaseConfig chooses the engine.
type DatabaseConfig struct {
	Driver string `yaml:"driver"`
	DSN    string `yaml:"dsn" secret:"true"`
}

// HTTPConfig is the server for webhooks, /healthz and /metrics.
type HTTPConfig struct {
	Listen string `yaml:"listen"`
}

// TelegramConfig configures the Telegram channel; it is on when Token is set.
type TelegramConfig struct {
	Token         string `yaml:"token" secret:"true"`
	Mode          string `yaml:"mode"`
	APIEndpoint   string `yaml:"api_endpoint"`
	WebhookURL    string `yaml:"webhook_url"`
	WebhookSecret string `yaml:"webhook_secret" secret:"true"`
}

// WeComConfig configures the WeCom channel; it is on when CorpID is set.
type WeComConfig struct {
	CorpID         string `yaml:"corp_id"`
	AgentID        string `yaml:"agent_id"`
	Secret         string `yaml:"secret" secret:"true"`
	Token          string `yaml:"token" secret:"true"`
	EncodingAESKey string `yaml:"encoding_aes_key" secret:"true"`
	APIBase        string `yaml:"api_base"`
	RobotKey       string `yaml:"robot_key" secret:"true"`
	// Sync mirrors the WeCom contacts into the organisation: "" (default:
	// on when wecom.* is set), "true" or "false".
	Sync string `yaml:"sync"`
	// SyncRoot limits the sync to one WeCom department's subtree (0: all
	// the app may see).
	SyncRoot int `yaml:"sync_root"`
}

// SyncOn reports whether the WeCom organisation sync runs.
func (w WeComConfig) SyncOn() bool {
	return w.CorpID != "" && w.Sync != "false"
}

// SchedulerConfig holds the cron specs of the jobs.
type SchedulerConfig struct {
	Workbench       string `yaml:"workbench"`
	ReportReminder  string `yaml:"report_reminder"`
	ManagerDigest   string `yaml:"manager_digest"`
	WeeklyReport    string `yaml:"weekly_report"`
	MonthlyReport   string `yaml:"monthly_report"`
	Appointments    string `yaml:"appointments"`
	PaymentReminder string `yaml:"payment_reminder"`
	StaleNudge      string `yaml:"stale_nudge"`
	WeComSync       string `yaml:"wecom_sync"`
	PoolRelease     string `yaml:"pool_release"`
	QuietHours      string `yaml:"quiet_hours"`
}

// PoolConfig holds the shared pool's numbers (SPEC "Shared pool").
type PoolConfig struct {
	ReleaseDays  int `yaml:"release_days"`
	DealDays     int `yaml:"deal_days"`
	WarnDays     int `yaml:"warn_days"`
	ClaimLimit   int `yaml:"claim_limit"`
	CooldownDays int `yaml:"cooldown_days"`
	MaxCustomers int `yaml:"max_customers"`
}

// Rules are the pool's numbers as the use cases take them.
func (p PoolConfig) Rules() crm.PoolRules {
	return crm.PoolRules{ReleaseDays: p.ReleaseDays, DealDays: p.DealDays, WarnDays: p.WarnDays,
		ClaimLimit: p.ClaimLimit, CooldownDays: p.CooldownDays, MaxCustomers: p.MaxCustomers}
}

// ChartConfig locates a CJK font.
type ChartConfig struct {
	Font string `yaml:"font"`
}

// LogConfig sets the log output.
type LogConfig struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
}

func defaultConfig() Config {
	return Config{
		Database:  DatabaseConfig{Driver: "sqlite", DSN: "salesbot.db"},
		Timezone:  "Asia/Shanghai",
		Locale:    "zh",
		StaleDays: 14,
		Pool:      PoolConfig{ReleaseDays: 30, DealDays: 90, WarnDays: 3, ClaimLimit: 10, CooldownDays: 7},
		HTTP:      HTTPConfig{Listen: ":8080"},
		Telegram:  TelegramConfig{Mode: "polling", APIEndpoint: "https://api.telegram.org"},
		WeCom:     WeComConfig{APIBase: "https://qyapi.weixin.qq.com"},
		Scheduler: SchedulerConfig{
			Workbench:       "30 8 * * 1-5",
			ReportReminder:  "30 17 * * 1-5",
			ManagerDigest:   "30 18 * * 1-5",
			WeeklyReport:    "0 17 * * 5",
			MonthlyReport:   "0 17 28-31 * *",
			Appointments:    "* * * * *",
			PaymentReminder: "0 9 * * *",
			StaleNudge:      "0 10 * * 1",
			WeComSync:       "17 1 * * *",
			PoolRelease:     "0 2 * * *",
			QuietHours:      "21:00-08:00",
		},
		Log: LogConfig{Level: "info", Format: "text"},
		AI:  AIConfig{ASRModel: "whisper-1"},
	}
}

// ConfigError names the key that is wrong, the bad value and what is allowed.
type ConfigError struct {
	Key, Value, Allowed string
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("config: %s = %q is not valid: %s", e.Key, e.Value, e.Allowed)
}

// LoadConfig reads defaults, then the YAML file at path (if it exists, or
// fails if it was named explicitly and is missing), then the environment.
func LoadConfig(path string, explicit bool, environ []string) (Config, error) {
	c := defaultConfig()
	if path != "" {
		b, err := os.ReadFile(path)
		switch {
		case err == nil:
			dec := yaml.NewDecoder(strings.NewReader(string(b)))
			dec.KnownFields(true)
			if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) { // io.EOF: an empty file
				return c, fmt.Errorf("config: %s: %w", path, err)
			}
		case errors.Is(err, os.ErrNotExist) && !explicit:
		default:
			return c, fmt.Errorf("config: %w", err)
		}
	}
	if err := applyEnv(&c, environ); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// envKeys lists every config key as "section.key" with its environment name.
func envKeys() map[string]string {
	out := map[string]string{}
	walkConfig(reflect.ValueOf(&Config{}).Elem(), "", func(path string, _ reflect.Value, _ reflect.StructField) {
		out["SALESBOT_"+strings.ToUpper(strings.ReplaceAll(path, ".", "_"))] = path
	})
	return out
}

func walkConfig(v reflect.Value, prefix string, fn func(path string, f reflect.Value, sf reflect.StructField)) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("yaml"), ",")
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		if sf.Type.Kind() == reflect.Struct {
			walkConfig(v.Field(i), path, fn)
			continue
		}
		fn(path, v.Field(i), sf)
	}
}

// applyEnv overrides keys from SALESBOT_<SECTION>_<KEY> variables.
func applyEnv(c *Config, environ []string) error {
	env := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "SALESBOT_") {
			env[k] = v
		}
	}
	var err error
	walkConfig(reflect.ValueOf(c).Elem(), "", func(path string, f reflect.Value, _ reflect.StructField) {
		name := "SALESBOT_" + strings.ToUpper(strings.ReplaceAll(path, ".", "_"))
		v, ok := env[name]
		if !ok || err != nil {
			return
		}
		switch f.Kind() {
		case reflect.String:
			f.SetString(v)
		case reflect.Int:
			n, perr := strconv.Atoi(strings.TrimSpace(v))
			if perr != nil {
				err = &ConfigError{Key: path + " (" + name + ")", Value: v, Allowed: "a whole number"}
				return
			}
			f.SetInt(int64(n))
		}
	})
	return err
}

// Validate checks every key and names the first wrong one.
func (c *Config) Validate() error {
	switch c.Database.Driver {
	case "sqlite", "postgres":
	default:
		return &ConfigError{"database.driver", c.Database.Driver, "sqlite or postgres"}
	}
	if strings.TrimSpace(c.Database.DSN) == "" {
		return &ConfigError{"database.dsn", "", "a file path for sqlite or a postgres:// URL"}
	}
	if _, err := time.LoadLocation(c.Timezone); err != nil || c.Timezone == "" {
		return &ConfigError{"timezone", c.Timezone, "an IANA time zone such as Asia/Shanghai"}
	}
	if c.Locale != "zh" && c.Locale != "en" {
		return &ConfigError{"locale", c.Locale, "zh or en"}
	}
	if c.StaleDays < 1 || c.StaleDays > 365 {
		return &ConfigError{"stale_days", strconv.Itoa(c.StaleDays), "a number of days from 1 to 365"}
	}
	for _, k := range []struct {
		key       string
		v, lo, hi int
		allowed   string
	}{
		{"pool.release_days", c.Pool.ReleaseDays, 1, 3650, "a number of days from 1 to 3650"},
		{"pool.deal_days", c.Pool.DealDays, 1, 3650, "a number of days from 1 to 3650"},
		{"pool.warn_days", c.Pool.WarnDays, 0, 3650, "a number of days from 0 (no warning) to 3650"},
		{"pool.claim_limit", c.Pool.ClaimLimit, 0, 100000, "a number of claims a day, 0 for no limit"},
		{"pool.cooldown_days", c.Pool.CooldownDays, 0, 3650, "a number of days, 0 for none"},
		{"pool.max_customers", c.Pool.MaxCustomers, 0, 10000000, "a number of customers, 0 for no cap"},
	} {
		if k.v < k.lo || k.v > k.hi {
			return &ConfigError{k.key, strconv.Itoa(k.v), k.allowed}
		}
	}
	if c.Pool.WarnDays >= c.Pool.ReleaseDays {
		return &ConfigError{"pool.warn_days", strconv.Itoa(c.Pool.WarnDays), "fewer days than pool.release_days"}
	}
	if c.Telegram.Mode != "polling" && c.Telegram.Mode != "webhook" {
		return &ConfigError{"telegram.mode", c.Telegram.Mode, "polling or webhook"}
	}
	for key, v := range map[string]string{"telegram.api_endpoint": c.Telegram.APIEndpoint, "wecom.api_base": c.WeCom.APIBase} {
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &ConfigError{key, v, "an http(s) base URL"}
		}
	}
	if c.Telegram.Token != "" && c.Telegram.Mode == "webhook" {
		// Telegram calls webhooks over https only; a self-hosted Bot API
		// server on this machine may call plain http.
		u, err := url.Parse(c.Telegram.WebhookURL)
		local := err == nil && u.Scheme == "http" && (u.Hostname() == "127.0.0.1" || u.Hostname() == "localhost" || u.Hostname() == "::1")
		if err != nil || u.Host == "" || (u.Scheme != "https" && !local) {
			return &ConfigError{"telegram.webhook_url", c.Telegram.WebhookURL, "an https URL when telegram.mode is webhook (http only for a local Bot API server on 127.0.0.1)"}
		}
		if len(c.Telegram.WebhookSecret) < 16 {
			return &ConfigError{"telegram.webhook_secret", "(hidden)", "at least 16 characters when telegram.mode is webhook"}
		}
	}
	switch strings.ToLower(strings.TrimSpace(c.WeCom.Sync)) {
	case "", "true", "yes", "on":
		c.WeCom.Sync = ""
	case "false", "no", "off":
		c.WeCom.Sync = "false"
	default:
		return &ConfigError{"wecom.sync", c.WeCom.Sync, "true or false (default true: departments and members come from the WeCom contacts)"}
	}
	if c.WeCom.SyncRoot < 0 {
		return &ConfigError{"wecom.sync_root", strconv.Itoa(c.WeCom.SyncRoot), "a WeCom department id (1 is the whole company), or 0 for every department the app may see"}
	}
	if c.WeCom.CorpID != "" {
		for key, v := range map[string]string{"wecom.agent_id": c.WeCom.AgentID, "wecom.secret": c.WeCom.Secret, "wecom.token": c.WeCom.Token} {
			if v == "" {
				return &ConfigError{key, "", "required when wecom.corp_id is set"}
			}
		}
		if _, err := strconv.Atoi(c.WeCom.AgentID); err != nil {
			return &ConfigError{"wecom.agent_id", c.WeCom.AgentID, "the application's numeric AgentId"}
		}
		if len(c.WeCom.EncodingAESKey) != 43 {
			return &ConfigError{"wecom.encoding_aes_key", "(hidden)", "the 43-character EncodingAESKey of the callback settings"}
		}
	}
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	var cerr error
	walkConfig(reflect.ValueOf(&c.Scheduler).Elem(), "scheduler", func(path string, f reflect.Value, _ reflect.StructField) {
		if cerr != nil || path == "scheduler.quiet_hours" || f.String() == "" {
			return
		}
		if _, err := parser.Parse(f.String()); err != nil {
			cerr = &ConfigError{path, f.String(), "a cron spec of five fields (minute hour day month weekday), e.g. \"30 8 * * 1-5\", or empty to turn the job off"}
		}
	})
	if cerr != nil {
		return cerr
	}
	if _, _, err := ParseQuietHours(c.Scheduler.QuietHours); err != nil {
		return &ConfigError{"scheduler.quiet_hours", c.Scheduler.QuietHours, "HH:MM-HH:MM, e.g. 21:00-08:00, or empty for none"}
	}
	if c.AI.Endpoint != "" {
		if u, err := url.Parse(c.AI.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &ConfigError{"ai.endpoint", c.AI.Endpoint, "the http(s) base URL of an OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1, or empty for none"}
		}
		if strings.TrimSpace(c.AI.Model) == "" {
			return &ConfigError{"ai.model", "", "the model's name (required when ai.endpoint is set), e.g. qwen2.5:7b"}
		}
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		return &ConfigError{"log.level", c.Log.Level, "debug, info, warn or error"}
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		return &ConfigError{"log.format", c.Log.Format, "text or json"}
	}
	return nil
}

// ParseQuietHours reads "21:00-08:00" into minutes after midnight.
func ParseQuietHours(s string) (from, to int, err error) {
	if s == "" {
		return 0, 0, nil
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, errors.New("want HH:MM-HH:MM")
	}
	p := func(x string) (int, error) {
		t, err := time.Parse("15:04", strings.TrimSpace(x))
		if err != nil {
			return 0, err
		}
		return t.Hour()*60 + t.Minute(), nil
	}
	if from, err = p(a); err != nil {
		return
	}
	to, err = p(b)
	return
}

// Channels reports which chat channels the config turns on.
func (c *Config) Channels() (telegram, wecom bool) {
	return c.Telegram.Token != "", c.WeCom.CorpID != ""
}
