package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/textline/textline/bot/redisstore/redistest"
)

func TestOpenRedis(t *testing.T) {
	for _, tc := range []struct {
		url  string
		kind string
	}{
		{"redis://127.0.0.1:6379/0", "single"},
		{"rediss://user:pw@redis.example.org:6380/2", "single"},
		{"redis://127.0.0.1:26379?master_name=main&addr=127.0.0.1:26380", "sentinel"},
		{"redis://127.0.0.1:7000?addr=127.0.0.1:7001&addr=127.0.0.1:7002", "cluster"},
	} {
		rdb, err := openRedis(tc.url)
		if err != nil {
			t.Errorf("%s: %v", tc.url, err)
			continue
		}
		defer rdb.Close()
		var kind string
		switch rdb.(type) {
		case *redis.Client:
			kind = "single" // a failover client is a *redis.Client too
			if tc.kind == "sentinel" {
				kind = "sentinel"
			}
		case *redis.ClusterClient:
			kind = "cluster"
		}
		if kind != tc.kind {
			t.Errorf("%s: a %s client, want %s", tc.url, kind, tc.kind)
		}
	}
	// The URL's own settings win over the defaults.
	rdb, err := openRedis("redis://127.0.0.1:6379?read_timeout=2s&pool_size=5")
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	o := rdb.(*redis.Client).Options()
	if o.ReadTimeout != 2*time.Second || o.PoolSize != 5 || o.WriteTimeout != 500*time.Millisecond || o.Protocol != 2 || !o.ContextTimeoutEnabled {
		t.Errorf("options %+v: want the URL's read timeout and pool size, the line's other defaults", o)
	}
	if _, err := openRedis("redis://127.0.0.1:6379?no_such_option=1"); err == nil {
		t.Error("an unknown option was accepted")
	}
}

// The line reaches each Redis it is tested against through the client its
// URL calls for: a Cluster's for a Cluster.
func TestOpenRedisReaches(t *testing.T) {
	redistest.Each(t, func(t *testing.T, redisURL string) {
		rdb, err := openRedis(redisURL)
		if err != nil {
			t.Fatal(err)
		}
		defer rdb.Close()
		_, cluster := rdb.(*redis.ClusterClient)
		if want := strings.Contains(redisURL, "addr="); cluster != want {
			t.Errorf("%s: a cluster client %v, want %v", redisURL, cluster, want)
		}
		ctx := context.Background()
		key := fmt.Sprintf("textline-test:open:%x", rand.Uint64())
		defer rdb.Del(ctx, key)
		if err := rdb.Set(ctx, key, "kept", time.Minute).Err(); err != nil {
			t.Fatalf("write: %v", err)
		}
		if got, err := rdb.Get(ctx, key).Result(); got != "kept" || err != nil {
			t.Errorf("read back %q, %v", got, err)
		}
	})
}

// The README's Sentinel and Cluster URLs open what it says they do.
func TestREADMERedisURLs(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const (
		sentinel = "redis://sentinel-1:26379/0?master_name=textline&addr=sentinel-2:26379&addr=sentinel-3:26379&password=MASTER-PASSWORD"
		cluster  = "redis://:PASSWORD@redis-1:6379?addr=redis-2:6379&addr=redis-3:6379"
	)
	for _, u := range []string{sentinel, cluster} {
		if !strings.Contains(string(b), "`"+u+"`") {
			t.Errorf("the README does not give %s", u)
		}
	}
	rdb, err := openRedis(sentinel)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	if o := rdb.(*redis.Client).Options(); o.Password != "MASTER-PASSWORD" || o.DB != 0 {
		t.Errorf("sentinel: password %q, database %d; want the master's password, database 0", o.Password, o.DB)
	}
	rdb, err = openRedis(cluster)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	o := rdb.(*redis.ClusterClient).Options()
	if want := []string{"redis-1:6379", "redis-2:6379", "redis-3:6379"}; !slices.Equal(o.Addrs, want) || o.Password != "PASSWORD" {
		t.Errorf("cluster: nodes %v, password %q; want %v and PASSWORD", o.Addrs, o.Password, want)
	}
}
