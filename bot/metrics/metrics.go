// Package metrics exposes the service's Prometheus metrics at /metrics:
// how each webhook went and how long it took, with the Go runtime's and
// the process's own. No label ever carries a number, a pseudonym or text.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/textline/textline/bot/outbox"
	"github.com/textline/textline/bot/twilio"
)

// Metrics holds the service's collectors in a registry of its own.
type Metrics struct {
	reg      *prometheus.Registry
	webhooks *prometheus.CounterVec
	latency  prometheus.Histogram
	outbound *prometheus.CounterVec
}

// New returns the metrics, registered.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "textline_webhooks_total",
			Help: "Inbound-message webhooks by outcome: replied, silent (opted out), fallback (the line failed and sent its crisis-resources fallback), or refused (forbidden, bad_request, too_large).",
		}, []string{"outcome"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "textline_webhook_seconds",
			Help:    "Time to answer an inbound-message webhook that was answered.",
			Buckets: []float64{.001, .002, .005, .01, .02, .05, .1, .25, .5, 1, 2, 3},
		}),
		outbound: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "textline_outbound_total",
			Help: "Messages and calls Textline started itself (handoff alerts, relays, reminders), by kind (sms, call) and result: sent, retry (a temporary failure, tried again later), dropped (refused for good, or to an opted-out texter).",
		}, []string{"kind", "result"}),
	}
	m.reg.MustRegister(m.webhooks, m.latency, m.outbound,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Observe records one webhook's outcome and, when it was answered, how
// long it took.
func (m *Metrics) Observe(r twilio.Result, took time.Duration) {
	m.webhooks.WithLabelValues(string(r)).Inc()
	if took > 0 {
		m.latency.Observe(took.Seconds())
	}
}

// Outbound records one attempt of the outbox.
func (m *Metrics) Outbound(kind outbox.Kind, result outbox.Result) {
	m.outbound.WithLabelValues(string(kind), string(result)).Inc()
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
