package crm

import "context"

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

// Message is what salesbot says: text, rows of buttons, an optional image.
// Edit asks the channel to replace the message the pressed button was on
// (a confirmation card becoming its receipt) where it can.
type Message struct {
	Text    string
	Buttons [][]Button
	Image   *Image
	Edit    bool
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
