package crm

import (
	"context"
	"time"
)

// Button is a choice under a message. Data is an opaque token whose meaning
// lives on the server; it never carries record ids.
type Button struct {
	Text string
	Data string
}

// Image is a PNG picture with an optional caption.
type Image struct {
	Name    string
	PNG     []byte
	Caption string
}

// File is a document sent in a chat (an export, a rejected-rows sheet).
type File struct {
	Name string
	Data []byte
}

// Message is what salesbot says: text, rows of buttons, an optional image
// or file.
// Edit asks the channel to replace the message the pressed button was on
// (a confirmation card becoming its receipt) where it can.
type Message struct {
	Text    string
	Buttons [][]Button
	Image   *Image
	File    *File
	Edit    bool
	// Lang is the language the message is written in ("zh", "en"; "" when
	// not known): the words a channel adds itself (a numbered list's hint)
	// follow it.
	Lang string
	// LocationButton, when set, asks for the person's location with a
	// button of that label where the channel has one (Telegram's
	// request_location keyboard); elsewhere the text says how to send it.
	LocationButton string `json:",omitempty"`
}

// Recipient is where a push goes: a user (through every reachable identity)
// or a group chat.
type Recipient struct {
	UserID  int64
	Channel string
	ChatID  string
}

// Notifier delivers a push. Channels implement it; the outbox sender calls it.
type Notifier interface {
	Notify(ctx context.Context, to Recipient, m Message) error
}

// Sender delivers messages to chats on one channel. Channel adapters
// implement it (with the platform's pacing); the outbox worker calls it.
// Send returns an error wrapping ErrUnreachable when the person blocked the
// bot or left (do not retry), a *RetryAfterError when the platform asked to
// wait, and any other error for a retry with back-off.
type Sender interface {
	Channel() string
	Send(ctx context.Context, chatID string, m Message) error
}

// ErrUnreachable means the chat cannot receive messages any more.
var ErrUnreachable = &Error{Code: CodeUnavailable, Key: "push.unreachable"}

type sendStartKey struct{}

// WithSendStart returns a context carrying f, which a Sender calls (through
// SendStarting) right before a request that may deliver the message leaves:
// after pacing and waits, so the outbox knows exactly which pushes were on
// the wire when a process died.
func WithSendStart(ctx context.Context, f func()) context.Context {
	return context.WithValue(ctx, sendStartKey{}, f)
}

// SendStarting tells the caller of Send (WithSendStart) that a request
// carrying the message is about to leave.
func SendStarting(ctx context.Context) {
	if f, ok := ctx.Value(sendStartKey{}).(func()); ok {
		f()
	}
}

// ErrUncertain means a message may or may not have arrived: the request
// left, and no answer came back (a timeout, a dropped connection), or the
// process sending it stopped mid-send. Neither Telegram nor WeCom has an
// idempotency key for a new message, so sending it again could deliver it
// twice: it is not retried (at most once for this narrow window; at least
// once everywhere else).
var ErrUncertain = &Error{Code: CodeUnavailable, Key: "push.uncertain"}

// RetryAfterError asks the caller to wait before trying again.
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return "retry after " + e.After.String() + ": " + e.Err.Error()
}

func (e *RetryAfterError) Unwrap() error { return e.Err }
