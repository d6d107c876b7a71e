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
)

// Config is salesbot's whole configuration. Defaults come from
// defaultConfig, then config.yaml, then SALESBOT_* environment variables.
type Config struct {
	Database  DatabaseConfig  `yaml:"database"`
	Timezone  string          `yaml:"timezone"`
	Locale    string          `yaml:"locale"`
	StaleDays int             `yaml:"stale_days"`
	HTTP      HTTPConfig      `yaml:"http"`
	Telegram  TelegramConfig  `yaml:"telegram"`
	WeCom     WeComConfig     `yaml:"wecom"`
	Scheduler SchedulerConfig `yaml:"scheduler"`
	Chart     ChartConfig     `yaml:"chart"`
	Log       LogConfig       `yaml:"log"`
	AI        AIConfig        `yaml:"ai"`
}

// AIConfig is the optional language model of the sentence reader: any
// OpenAI-compatible server (off while Endpoint is empty). Endpoint is its
// base URL as OpenAI clients take it (calls go to
// <endpoint>/chat/completions).
type AIConfig struct {
	Endpoint string `yaml:"endpoint"`
	Model    string `yaml:"model"`
	APIKey   string `yaml:"api_key" secret:"true"`
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
	QuietHours      string `yaml:"quiet_hours"`
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
			QuietHours:      "21:00-08:00",
		},
		Log: LogConfig{Level: "info", Format: "text"},
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
