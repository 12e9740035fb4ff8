package main

import (
	"fmt"
	"net/url"

	"github.com/redis/go-redis/v9"
)

// redisDefaults apply unless REDIS_URL sets them. Short timeouts: when
// Redis is slow, the texter gets the fallback reply in time rather than
// waiting on it. One retry at most. Enough connections for the webhook's
// concurrency. RESP2: the line needs no push messages, and RESP3's check
// for them costs every command.
var redisDefaults = map[string]string{
	"dial_timeout":  "500ms",
	"read_timeout":  "500ms",
	"write_timeout": "500ms",
	"pool_timeout":  "500ms",
	"max_retries":   "1",
	"pool_size":     "64",
	"protocol":      "2",
}

// openRedis connects to rawURL: a plain redis:// or rediss:// URL; one
// with master_name is a Sentinel setup; one with addr= parameters is a
// Cluster. Parameters in the URL override redisDefaults. Every client
// honours context deadlines.
func openRedis(rawURL string) (redis.UniversalClient, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	q := u.Query()
	for k, v := range redisDefaults {
		if !q.Has(k) {
			q.Set(k, v)
		}
	}
	u.RawQuery = q.Encode()
	switch {
	case q.Has("master_name"):
		o, err := redis.ParseFailoverURL(u.String())
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		o.ContextTimeoutEnabled = true
		return redis.NewFailoverClient(o), nil
	case q.Has("addr"):
		o, err := redis.ParseClusterURL(u.String())
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		o.ContextTimeoutEnabled = true
		return redis.NewClusterClient(o), nil
	}
	o, err := redis.ParseURL(u.String())
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	o.ContextTimeoutEnabled = true
	return redis.NewClient(o), nil
}
