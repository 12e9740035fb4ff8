package main

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
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
