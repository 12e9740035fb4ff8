package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/outbox"
	"github.com/textline/textline/bot/phone"
	"github.com/textline/textline/bot/twilio"
)

// sender is how messages Textline starts leave: through Twilio's REST API
// when there are credentials, otherwise logged (and, in dev, shown).
func sender(c *config, pseudo *bot.Pseudonymizer, log *slog.Logger, show io.Writer, inbox *phone.Inbox) (outbox.Sender, error) {
	if c.AccountSID == "" {
		if len(c.HandoffPhones) > 0 && show == nil {
			log.Warn("HANDOFF_PHONES is set but TWILIO_ACCOUNT_SID is not: alerts and relays are logged, not sent, so responders will not hear of texters who ask for a person")
		} else {
			log.Info("no TWILIO_ACCOUNT_SID: messages Textline starts itself are logged, not sent")
		}
		return &logSender{pseudo: pseudo, log: log, show: show, inbox: inbox}, nil
	}
	user, pass := c.APIKey, c.APISecret
	if user == "" {
		user, pass = c.AccountSID, c.AuthToken
	}
	rest, err := twilio.NewREST(twilio.RESTConfig{AccountSID: c.AccountSID, APIKey: user, APISecret: pass, BaseURL: c.APIURL})
	if err != nil {
		return nil, fmt.Errorf("twilio: %w", err)
	}
	return rest, nil
}

// logSender stands in for Twilio without an account: each send is a log
// line with the recipient's pseudonym; dev also shows it on show and in
// the phone simulator's inbox.
type logSender struct {
	pseudo *bot.Pseudonymizer
	log    *slog.Logger
	show   io.Writer    // nil outside dev
	inbox  *phone.Inbox // dev's phone simulator; nil outside dev
	mu     sync.Mutex
	n      atomic.Int64
}

func (s *logSender) SendSMS(ctx context.Context, to, from, body, _ string) (string, error) {
	return s.send(ctx, "sms", to, body)
}

func (s *logSender) Call(ctx context.Context, to, from, _, _ string) (string, error) {
	return s.send(ctx, "call", to, "(a call put through to HUMAN_LINE)")
}

func (s *logSender) send(ctx context.Context, kind, to, body string) (string, error) {
	sid := fmt.Sprintf("LOGGED%d", s.n.Add(1))
	s.log.LogAttrs(ctx, slog.LevelInfo, "outbound not sent: no Twilio account",
		slog.String("kind", kind), slog.Any("recipient", s.pseudo.Texter(to)), slog.Int("chars", len(body)))
	if s.inbox != nil && kind == "sms" {
		s.inbox.Add(to, body)
	}
	if s.show != nil {
		s.mu.Lock()
		fmt.Fprintf(s.show, "[outbound %s to %s]\n  %s\n", kind, to, strings.ReplaceAll(body, "\n", "\n  "))
		s.mu.Unlock()
	}
	return sid, nil
}

// statusSink takes Twilio's status callbacks to the outbox.
type statusSink struct{ out *outbox.Outbox }

func (s statusSink) Status(ctx context.Context, st twilio.Status) error {
	err := s.out.Status(ctx, st.Ref, st.SID, st.Status, st.ErrorCode)
	if errors.Is(err, outbox.ErrNotItem) {
		return fmt.Errorf("%w: %w", twilio.ErrUnknownRef, err)
	}
	return err
}

// statusCallback gives the status callback URL for an outbox item, when
// Twilio can reach the service (PUBLIC_URL).
func statusCallback(publicURL string) func(string) string {
	if publicURL == "" {
		return nil
	}
	base := strings.TrimSuffix(publicURL, "/") + "/twilio/status?o="
	return func(id string) string { return base + url.QueryEscape(id) }
}
