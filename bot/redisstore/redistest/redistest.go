// Package redistest gives tests a Redis: the real server named by
// REDIS_URL (CI always sets it), or, on a machine without one, an embedded
// miniredis so the suite still runs on a fresh clone. Tests of the whole
// program also run against the Redis Cluster REDIS_CLUSTER_URL names.
package redistest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// URL returns a redis:// URL for the test: REDIS_URL when set, otherwise
// an embedded server that stops with the test.
func URL(tb testing.TB) string {
	tb.Helper()
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		tb.Fatalf("start embedded redis: %v", err)
	}
	tb.Cleanup(m.Close)
	return "redis://" + m.Addr()
}

// Real reports whether tests run against a real Redis server.
func Real() bool { return os.Getenv("REDIS_URL") != "" }

// Each runs test once for each Redis the whole program is tested
// against, as subtests: "redis", on URL(t), and "cluster", on the Redis
// Cluster REDIS_CLUSTER_URL names (redis://HOST:PORT?addr=HOST:PORT&…, as
// .ci/redis-cluster prints it). Without REDIS_CLUSTER_URL only the first
// runs, except in CI (CI set), where that fails the test.
func Each(t *testing.T, test func(t *testing.T, url string)) {
	t.Helper()
	t.Run("redis", func(t *testing.T) { test(t, URL(t)) })
	switch cluster := os.Getenv("REDIS_CLUSTER_URL"); {
	case cluster != "":
		t.Run("cluster", func(t *testing.T) { test(t, cluster) })
	case os.Getenv("CI") != "":
		t.Error("REDIS_CLUSTER_URL is not set: CI runs this test against a Redis Cluster too (.ci/redis-cluster start)")
	}
}

// Open returns a client for rawURL, closed with the test: a Cluster
// client when the URL has addr= parameters, otherwise a single server's.
func Open(tb testing.TB, rawURL string) redis.UniversalClient {
	tb.Helper()
	rdb, err := open(rawURL)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { rdb.Close() })
	return rdb
}

func open(rawURL string) (redis.UniversalClient, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	if u.Query().Has("addr") {
		o, err := redis.ParseClusterURL(rawURL)
		if err != nil {
			return nil, fmt.Errorf("redis cluster url: %w", err)
		}
		return redis.NewClusterClient(o), nil
	}
	o, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	return redis.NewClient(o), nil
}

// Client returns a client for URL(tb), closed with the test.
func Client(tb testing.TB) *redis.Client {
	tb.Helper()
	o, err := redis.ParseURL(URL(tb))
	if err != nil {
		tb.Fatalf("REDIS_URL: %v", err)
	}
	rdb := redis.NewClient(o)
	tb.Cleanup(func() { rdb.Close() })
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		tb.Fatalf("redis at %s does not answer: %v", o.Addr, err)
	}
	return rdb
}

// DeleteMatching deletes the keys that match pattern, found with SCAN
// (on every master of a Cluster): how a test clears what it wrote, and
// nothing else.
func DeleteMatching(ctx context.Context, rdb redis.Cmdable, pattern string) error {
	if c, ok := rdb.(*redis.ClusterClient); ok {
		return c.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			return DeleteMatching(ctx, node, pattern)
		})
	}
	iter := rdb.Scan(ctx, 0, pattern, 1000).Iterator()
	for iter.Next(ctx) {
		if err := rdb.Del(ctx, iter.Val()).Err(); err != nil {
			return fmt.Errorf("delete %s: %w", pattern, err)
		}
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("scan %s: %w", pattern, err)
	}
	return nil
}

// Runner is what a TestMain runs; *testing.M is one.
type Runner interface{ Run() int }

// Guard wraps the tests of a package that uses the Redis REDIS_URL names
// (and the Cluster REDIS_CLUSTER_URL names): before they run it writes a
// canary key of its own to each, and after they ran it fails the binary
// if a canary is gone or changed, which is what a flush or a careless
// delete of keys that are not the tests' own would do. Without either it
// only runs the tests.
func Guard(m Runner) Runner { return guarded{m} }

type guarded struct{ m Runner }

func (g guarded) Run() int {
	ctx := context.Background()
	key := fmt.Sprintf("textline-test:canary:%d:%x", os.Getpid(), rand.Uint64())
	want := "left alone"
	type canary struct {
		env string
		rdb redis.UniversalClient
	}
	var canaries []canary
	defer func() {
		for _, c := range canaries {
			c.rdb.Close()
		}
	}()
	for _, name := range []string{"REDIS_URL", "REDIS_CLUSTER_URL"} {
		u := os.Getenv(name)
		if u == "" {
			continue
		}
		rdb, err := open(u)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
			return 1
		}
		canaries = append(canaries, canary{name, rdb})
		if err := rdb.Set(ctx, key, want, time.Hour).Err(); err != nil {
			fmt.Fprintf(os.Stderr, "%s: write the canary key: %v\n", name, err)
			return 1
		}
	}
	code := g.m.Run()
	for _, c := range canaries {
		got, err := c.rdb.Get(ctx, key).Result()
		c.rdb.Del(ctx, key)
		if err != nil || got != want {
			fmt.Fprintf(os.Stderr, "FAIL: the canary key %s in the Redis %s names is gone or changed (%v): a test deleted keys that were not its own\n", key, c.env, err)
			code = 1
		}
	}
	return code
}
