// Package console is the terminal channel: it reads lines from standard
// input as one user's chat and prints the bot's replies, with buttons as
// numbered options and images saved as PNG files. It is the default channel
// when no Telegram or WeCom credentials are set, and scripts can drive it.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/salesbot-crm/salesbot/bot"
	"github.com/salesbot-crm/salesbot/crm"
)

// Channel is the console channel's name.
const Channel = "console"

// ExternalID is the console identity of a user.
func ExternalID(userID int64) string { return "u" + strconv.FormatInt(userID, 10) }

// Console chats in the terminal as one user.
type Console struct {
	Bot      *bot.Bot
	In       io.Reader
	Out      io.Writer
	UserID   int64  // the user this console speaks as
	UserName string // shown in the prompt
	Echo     bool   // print each input line (when input is not a terminal)
	ImageDir string // where image replies are saved
	// Names maps console chat ids to user names, for pushes to others.
	Names func(chatID string) string

	mu     sync.Mutex // output: replies and pushes interleave
	images int
	pipe   *bot.Pipeline
}

// Channel implements crm.Sender.
func (c *Console) Channel() string { return Channel }

// Send prints a push. A push for the person at this terminal reads like any
// reply; one for someone else is marked with their name.
func (c *Console) Send(ctx context.Context, chatID string, m crm.Message) error {
	c.mu.Lock()
	if chatID != ExternalID(c.UserID) {
		name := chatID
		if c.Names != nil {
			name = c.Names(chatID)
		}
		fmt.Fprintf(c.Out, "📨 → %s\n", name)
		m.Buttons = nil // only the person at the terminal can press them
	} else {
		fmt.Fprintln(c.Out, "📨")
	}
	btns := c.printLocked([]crm.Message{m})
	c.mu.Unlock()
	if c.Bot != nil && chatID == ExternalID(c.UserID) {
		c.pipeline().Showed(ctx, chatID, btns)
	}
	return nil
}

// Run reads lines until end of input or ctx ends.
func (c *Console) Run(ctx context.Context) error {
	sc := bufio.NewScanner(c.In)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	c.prompt()
	for sc.Scan() {
		if ctx.Err() != nil {
			return nil
		}
		line := strings.TrimRight(sc.Text(), "\r")
		if c.Echo {
			fmt.Fprintf(c.Out, "» %s\n", line)
		}
		if strings.TrimSpace(line) == "" {
			c.prompt()
			continue
		}
		u := bot.Update{Channel: Channel, ChatID: ExternalID(c.UserID), UserID: ExternalID(c.UserID), UserName: c.UserName, Text: line}
		c.pipeline().Run(ctx, bot.Incoming{Update: u, Handle: true})
		c.prompt()
	}
	return sc.Err()
}

// pipeline is the console's update pipeline (bot.Pipeline): nothing is
// kept, a typed number answers the options printed last.
func (c *Console) pipeline() *bot.Pipeline {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pipe == nil {
		c.pipe = c.Bot.NewPipeline(c, bot.PipelineOptions{Channel: Channel, NoInbox: true, Numbered: true})
	}
	return c.pipe
}

// Translate is never needed: nothing is kept (bot.Adapter).
func (c *Console) Translate([]byte) (bot.Incoming, error) {
	return bot.Incoming{}, errors.New("console: updates are not kept")
}

// Prepare has nothing to acknowledge (bot.Adapter).
func (c *Console) Prepare(context.Context, *bot.Incoming, bot.Sender) (bot.Prepared, error) {
	return bot.Proceed, nil
}

// Deliver prints replies, buttons as numbered options (bot.Adapter).
func (c *Console) Deliver(ctx context.Context, d *bot.Delivery) (int, error) {
	c.mu.Lock()
	btns := c.printLocked(d.Replies)
	c.mu.Unlock()
	if c.pipe != nil {
		c.pipe.Showed(ctx, d.ChatID, btns)
	}
	return len(d.Replies), nil
}

// Retryable: printing does not fail (bot.Adapter).
func (c *Console) Retryable(error) bool { return false }

func (c *Console) prompt() {
	if !c.Echo {
		fmt.Fprint(c.Out, "> ")
	}
}

// printLocked shows replies and returns the buttons it numbered (numbers
// refer to the latest replies only); the caller holds mu.
func (c *Console) printLocked(ms []crm.Message) []crm.Button {
	var buttons []crm.Button
	for _, m := range ms {
		if m.Text != "" {
			fmt.Fprintln(c.Out, m.Text)
		}
		if m.Image != nil {
			if path, err := c.saveImage(m.Image); err != nil {
				fmt.Fprintf(c.Out, "[image: %v]\n", err)
			} else {
				fmt.Fprintf(c.Out, "[image: %s]\n", path)
			}
		}
		if m.File != nil {
			if path, err := c.saveFile(m.File.Name, m.File.Data); err != nil {
				fmt.Fprintf(c.Out, "[file: %v]\n", err)
			} else {
				fmt.Fprintf(c.Out, "[file: %s]\n", path)
			}
		}
		var opts []string
		for _, row := range m.Buttons {
			for _, b := range row {
				buttons = append(buttons, b)
				opts = append(opts, fmt.Sprintf("[%d] %s", len(buttons), b.Text))
			}
		}
		if len(opts) > 0 {
			fmt.Fprintln(c.Out, "  "+strings.Join(opts, "  "))
		}
	}
	return buttons
}

// saveFile writes a document next to the images, never over a file.
func (c *Console) saveFile(name string, data []byte) (string, error) {
	dir := c.ImageDir
	if dir == "" {
		dir = "."
	}
	c.images++
	base := filepath.Base(name)
	ext := filepath.Ext(base)
	path := filepath.Join(dir, fmt.Sprintf("%s-%s-%d%s", strings.TrimSuffix(base, ext), time.Now().Format("150405"), c.images, ext))
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return "", err
	}
	return path, nil
}

func (c *Console) saveImage(img *crm.Image) (string, error) {
	dir := c.ImageDir
	if dir == "" {
		dir = "."
	}
	c.images++
	name := img.Name
	if name == "" {
		name = "chart"
	}
	name = strings.TrimSuffix(filepath.Base(name), ".png")
	path := filepath.Join(dir, fmt.Sprintf("%s-%s-%d.png", name, time.Now().Format("150405"), c.images))
	if err := os.WriteFile(path, img.PNG, 0o644); err != nil {
		return "", err
	}
	if img.Caption != "" {
		fmt.Fprintln(c.Out, img.Caption)
	}
	return path, nil
}
