package redistest

import (
	"context"
	"io"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Silent returns the address of a server that accepts connections and
// never answers, like a wedged Redis; it closes with the test.
func Silent(tb testing.TB) string {
	tb.Helper()
	addr, _ := Wedged(tb)
	return addr
}

// Wedged is Silent, with a channel that receives once for each connection
// the server accepts: a client is then waiting on it.
func Wedged(tb testing.TB) (addr string, accepted <-chan struct{}) {
	tb.Helper()
	ch := make(chan struct{}, 64)
	ln, open := listen(tb)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			open.keep(c)
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}()
	return ln.Addr().String(), ch
}

// Closed returns a local address nothing listens on, like a stopped Redis.
func Closed(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// RoundTrips is a go-redis hook that counts a client's trips to Redis:
// each command, and each pipeline or transaction, is one. Opening a new
// connection to the pool (HELLO, CLIENT SETINFO) is not a trip a message
// makes, and is not counted.
type RoundTrips struct{ n atomic.Int64 }

var _ redis.Hook = (*RoundTrips)(nil)

// Load returns the trips counted so far.
func (r *RoundTrips) Load() int64 { return r.n.Load() }

func (r *RoundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (r *RoundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if !handshake(cmd) {
			r.n.Add(1)
		}
		return next(ctx, cmd)
	}
}

func (r *RoundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if slices.ContainsFunc(cmds, func(c redis.Cmder) bool { return !handshake(c) }) {
			r.n.Add(1)
		}
		return next(ctx, cmds)
	}
}

// handshake reports whether cmd is part of opening a connection.
func handshake(cmd redis.Cmder) bool {
	switch cmd.Name() {
	case "hello", "client", "auth", "select":
		return true
	}
	return false
}

// Stalled returns the address of a proxy to the server at addr, and
// stall: from a call of stall(d), every command sent to the proxy in the
// next d is held until d has passed, like a Redis paused under load: a
// client gives up, and its command still runs later. It closes with the
// test.
func Stalled(tb testing.TB, addr string) (proxy string, stall func(d time.Duration)) {
	tb.Helper()
	ln, open := listen(tb)
	var until atomic.Int64 // Unix ns
	relay(ln, open, addr, nil, func(c, up net.Conn) {
		buf := make([]byte, 32<<10)
		for {
			n, err := c.Read(buf)
			if n > 0 {
				time.Sleep(time.Until(time.Unix(0, until.Load())))
				if _, err := up.Write(buf[:n]); err != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	})
	return ln.Addr().String(), func(d time.Duration) { until.Store(time.Now().Add(d).UnixNano()) }
}

// Restarting returns the address of a proxy to the server at addr, and
// restart: restart(d) drops every connection through the proxy and
// refuses new ones for d, like a Redis that died and is starting again.
// It closes with the test.
func Restarting(tb testing.TB, addr string) (proxy string, restart func(d time.Duration)) {
	tb.Helper()
	ln, open := listen(tb)
	var until atomic.Int64 // Unix ns
	refuse := func() bool { return time.Now().UnixNano() < until.Load() }
	relay(ln, open, addr, refuse, func(c, up net.Conn) { io.Copy(up, c) })
	return ln.Addr().String(), func(d time.Duration) {
		until.Store(time.Now().Add(d).UnixNano())
		open.close()
	}
}

// relay accepts connections on ln until it closes, unless refuse says
// not to (nil: always), and joins each to a connection to addr: what addr
// sends is copied back as it comes; what the client sends goes through
// forward.
func relay(ln net.Listener, open *conns, addr string, refuse func() bool, forward func(c, up net.Conn)) {
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if refuse != nil && refuse() {
				c.Close()
				continue
			}
			up, err := net.Dial("tcp", addr)
			if err != nil {
				c.Close()
				continue
			}
			open.keep(c, up)
			go io.Copy(c, up)
			go forward(c, up)
		}
	}()
}

// conns are a fake server's connections, closed with its listener when
// the test ends.
type conns struct {
	mu   sync.Mutex
	list []net.Conn
}

// listen starts a fake server's listener on a free local port.
func listen(tb testing.TB) (net.Listener, *conns) {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	c := &conns{}
	tb.Cleanup(func() {
		ln.Close()
		c.close()
	})
	return ln, c
}

func (c *conns) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, conn := range c.list {
		conn.Close()
	}
	c.list = nil
}

func (c *conns) keep(cs ...net.Conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.list = append(c.list, cs...)
}
