package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// handlers are the service's endpoints that are not inline below.
type handlers struct {
	sms, status, voice, console, metrics http.Handler
	phone                                http.Handler // dev only
}

// routes lists every route the service answers.
func routes(h handlers, ready func(context.Context) error, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /twilio/sms", h.sms)
	mux.Handle("POST /twilio/status", h.status)
	mux.Handle("POST /twilio/voice", h.voice)
	mux.Handle("GET /metrics", h.metrics)
	mux.Handle("/console/", h.console)
	if h.phone != nil {
		mux.Handle("GET /{$}", h.phone)
		mux.Handle("GET /phone/", h.phone)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), time.Second)
		defer cancel()
		if err := ready(ctx); err != nil {
			log.LogAttrs(ctx, slog.LevelWarn, "not ready", slog.Any("error", err))
			http.Error(w, "redis unavailable", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok\n")
	})
	return mux
}
