package main

import (
	"fmt"
	"net/url"
	"time"

	"github.com/redis/go-redis/v9"
)

// Short timeouts: when Redis is slow the texter gets the fallback reply in
// time rather than waiting on it.
const (
	redisTimeout  = 500 * time.Millisecond
	redisPoolSize = 64
)

// openRedis connects to url: a plain redis:// or rediss:// URL; one with
// master_name is a Sentinel setup; one with addr= parameters is a Cluster.
func openRedis(rawURL string) (redis.UniversalClient, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	q := u.Query()
	switch {
	case q.Has("master_name"):
		o, err := redis.ParseFailoverURL(rawURL)
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		tune(&o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout, &o.ContextTimeoutEnabled, &o.MaxRetries, &o.PoolSize, &o.Protocol)
		return redis.NewFailoverClient(o), nil
	case q.Has("addr"):
		o, err := redis.ParseClusterURL(rawURL)
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		tune(&o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout, &o.ContextTimeoutEnabled, &o.MaxRetries, &o.PoolSize, &o.Protocol)
		return redis.NewClusterClient(o), nil
	}
	o, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	tune(&o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout, &o.ContextTimeoutEnabled, &o.MaxRetries, &o.PoolSize, &o.Protocol)
	return redis.NewClient(o), nil
}

// tune gives each timeout the line's default unless the URL set one, makes
// the client honour context deadlines, retries a failed command once at
// most, keeps enough connections for the webhook's concurrency, and speaks
// RESP2 unless the URL asks otherwise: the line needs no push messages,
// and RESP3's check for them costs every command.
func tune(dial, read, write, pool *time.Duration, ctxTimeout *bool, retries, poolSize, protocol *int) {
	for _, t := range []*time.Duration{dial, read, write, pool} {
		if *t == 0 {
			*t = redisTimeout
		}
	}
	*ctxTimeout = true
	*retries = 1
	*poolSize = max(*poolSize, redisPoolSize)
	if *protocol == 0 {
		*protocol = 2
	}
}
