package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/textline/textline/bot"
	"github.com/textline/textline/bot/redisstore"
)

const simHelp = `Chat with Textline as a texter. Type a message and press Enter.
  /new    start again as a new texter
  /media  send a picture with no text
  /quit   leave (or Ctrl-D)
`

// sim runs `textline sim`: the real engine and store (on an embedded
// Redis), read from stdin, answered on stdout.
func sim(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs, c, errs := newFlags("sim", getenv, stderr)
	from := fs.String("from", "+15555550100", "the made-up number to text from")
	if err := parse(fs, args, errs); err != nil {
		return err
	}
	ld, err := loadContent(c.ContentDir)
	if err != nil {
		return err
	}
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return fmt.Errorf("start embedded redis: %w", err)
	}
	defer m.Close()
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()
	engine := bot.NewEngine(ld.lib, ld.triage, ld.reader, redisstore.New(rdb))
	engine.Idle = c.SessionIdle
	engine.Log = discardLogger()
	pseudo := bot.NewPseudonymizer([]byte(devHashKey))

	fmt.Fprint(stdout, simHelp)
	texter, n := pseudo.Texter(*from), 0
	in := bufio.NewScanner(stdin)
	for {
		fmt.Fprint(stdout, "\nyou> ")
		if !in.Scan() {
			fmt.Fprintln(stdout)
			return in.Err()
		}
		msg := bot.Inbound{Body: in.Text(), At: time.Now()}
		switch strings.TrimSpace(in.Text()) {
		case "/quit":
			return nil
		case "/new":
			n++
			texter = pseudo.Texter(fmt.Sprintf("%s-%d", *from, n))
			fmt.Fprintln(stdout, "(a new texter)")
			continue
		case "/media":
			msg.Body, msg.NumMedia = "", 1
		}
		n++
		msg.ID = fmt.Sprintf("SIM%06d", n)
		msg.From = texter
		reply, err := engine.Handle(ctx, msg)
		if err != nil {
			fmt.Fprintln(stderr, "error:", err)
		}
		if reply.Text == "" {
			fmt.Fprintln(stdout, "(no reply)")
			continue
		}
		fmt.Fprintf(stdout, "\ntextline> %s\n", strings.ReplaceAll(reply.Text, "\n", "\n          "))
	}
}
