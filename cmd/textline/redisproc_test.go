//go:build unix

package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/textline/textline/bot/logtest"
)

// redisServer is a redis-server of a test's own, never the shared one: on
// a free port of 127.0.0.1, with its data in a folder of the test, and
// every write synced to disk before it is answered, so the test can
// pause it, kill it and start it again without losing what it answered.
type redisServer struct {
	t    *testing.T
	bin  string
	dir  string
	addr string
	out  *logtest.Buffer // what it printed, for failures

	proc   *os.Process
	exited chan struct{}
}

// startRedis starts a redis-server for t, stopped with it. A machine
// without redis-server skips t, except in CI, where it fails.
func startRedis(t *testing.T) *redisServer {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI runs this test: %v (.ci/run installs redis-server)", err)
		}
		t.Skipf("no redis-server on this machine: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	r := &redisServer{t: t, bin: bin, dir: t.TempDir(), addr: addr, out: &logtest.Buffer{}}
	r.start()
	t.Cleanup(func() { r.crash() })
	return r
}

// URL is the server's address for REDIS_URL.
func (r *redisServer) URL() string { return "redis://" + r.addr + "/0" }

// start runs redis-server on the port and folder it had, and waits until
// it answers, its data loaded.
func (r *redisServer) start() {
	r.t.Helper()
	host, port, _ := net.SplitHostPort(r.addr)
	cmd := exec.Command(r.bin, "--bind", host, "--port", port, "--dir", r.dir, "--daemonize", "no",
		"--appendonly", "yes", "--appendfsync", "always", "--save", "")
	cmd.Stdout, cmd.Stderr = r.out, r.out
	if err := cmd.Start(); err != nil {
		r.t.Fatalf("start redis-server: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		cmd.Wait()
		close(exited)
	}()
	r.proc, r.exited = cmd.Process, exited
	rdb := redis.NewClient(&redis.Options{Addr: r.addr, DialTimeout: 200 * time.Millisecond,
		ReadTimeout: 200 * time.Millisecond, MaxRetries: -1})
	defer rdb.Close()
	for deadline := time.Now().Add(10 * time.Second); rdb.Ping(context.Background()).Err() != nil; time.Sleep(10 * time.Millisecond) {
		select {
		case <-exited:
			r.t.Fatalf("redis-server exited:\n%s", r.out)
		default:
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("redis-server does not answer after 10s:\n%s", r.out)
		}
	}
}

// freeze stops the server as a host that stalls does: connections stay
// open, nothing is answered. It returns once the server is stopped.
func (r *redisServer) freeze() time.Time {
	r.signal(syscall.SIGSTOP)
	return time.Now()
}

// thaw lets a frozen server run again, and returns when it did.
func (r *redisServer) thaw() time.Time {
	r.signal(syscall.SIGCONT)
	return time.Now()
}

// crash kills the server at once, as a lost host does, and waits until it
// is gone. It returns when it was killed.
func (r *redisServer) crash() time.Time {
	r.signal(syscall.SIGKILL)
	at := time.Now()
	<-r.exited
	return at
}

// client is a client of the server, closed with the test.
func (r *redisServer) client() *redis.Client {
	rdb := redis.NewClient(&redis.Options{Addr: r.addr})
	r.t.Cleanup(func() { rdb.Close() })
	return rdb
}

func (r *redisServer) signal(s syscall.Signal) {
	select {
	case <-r.exited:
		return
	default:
	}
	if err := r.proc.Signal(s); err != nil {
		r.t.Errorf("redis-server: %v: %v", s, err)
	}
}
