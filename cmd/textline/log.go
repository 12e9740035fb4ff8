package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// redacted are attribute keys that could carry a number or a message; the
// logger drops them whatever code logs them. Texters log as their
// pseudonym through bot.Texter's LogValue.
var redacted = map[string]bool{
	"body": true, "text": true, "from": true, "to": true,
	"phone": true, "number": true, "addr_phone": true,
}

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: use debug, info, warn or error", level)
	}
	h := slog.NewJSONHandler(w, &slog.HandlerOptions{
		Level: l,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if redacted[strings.ToLower(a.Key)] {
				return slog.String(a.Key, "[redacted]")
			}
			return a
		},
	})
	return slog.New(h), nil
}

// redisLog passes go-redis's own messages to slog.
type redisLog struct{ log *slog.Logger }

func (l redisLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.WarnContext(ctx, "redis", slog.String("detail", fmt.Sprintf(format, v...)))
}
