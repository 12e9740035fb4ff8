package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/textline/textline/bot/redisstore/redistest"
)

var screenshots = flag.String("screenshots", "", "save the console's screenshots for the README into this folder (docs)")

// browser starts headless Chromium for the test. CI installs Debian's
// chromium and sets CI; there the browser tests always run.
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed: .ci/run installs it (apt-get install chromium)")
		}
		t.Skip("chromium is not installed (apt-get install chromium); CI always runs this test")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.Flag("disable-gpu", true), chromedp.WindowSize(1200, 900))
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(cancelCtx)
	if err := chromedp.Do(ctx); err != nil { // the browser starts with this context, without a deadline
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// step is how long one step of a browser test may take.
const step = 15 * time.Second

// do runs steps in the tab of ctx, failing the test with what was being
// done.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, step)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// read runs one action that gives a value.
func read[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, step)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// TestBrowserWalk drives the whole loop in real Chromium on textline dev:
// a responder signs in (a wrong password first), a texter on the phone
// simulator asks for a person, the queue shows it without a reload, the
// responder takes it and answers, the answer reaches the phone, and the
// responder closes it. A form posted without its CSRF token is refused.
func TestBrowserWalk(t *testing.T) {
	redistest.Each(t, func(t *testing.T, redisURL string) {
		env, _ := handoffEnv(t, redisURL)
		for _, k := range []string{"TWILIO_ACCOUNT_SID", "TWILIO_API_KEY", "TWILIO_API_SECRET", "TWILIO_API_URL", "HUMAN_LINE"} {
			delete(env, k) // dev without an account: sends reach the simulator
		}
		var out bytes.Buffer
		if err := run(context.Background(), []string{"responder", "add", "sam"}, func(k string) string { return env[k] },
			strings.NewReader("correct horse battery\n"), &out, &out); err != nil {
			t.Fatal(err)
		}
		srv := start(t, env, "dev")
		// Two browsers, each with its tab in front: a background tab's timers
		// are throttled, and the simulator polls.
		console, phone := browser(t), browser(t)

		do(t, console, "wrong password",
			chromedp.Navigate(srv.url+"/console/"),
			chromedp.WaitVisible(id("password")),
			chromedp.SendKeys(id("name"), "sam"),
			chromedp.SendKeys(id("password"), "not the password"),
			chromedp.Submit(id("password")),
			chromedp.WaitVisible(css(".error")),
		)
		if text := read(t, console, "error", chromedp.Text(css(".error"))); !strings.Contains(text, "Wrong name or password") {
			t.Errorf("wrong password: %q", text)
		}
		do(t, console, "sign in",
			chromedp.SetValue(id("name"), "sam"),
			chromedp.SendKeys(id("password"), "correct horse battery"),
			chromedp.Submit(id("password")),
			chromedp.WaitVisible(id("queue")),
		)
		if text := read(t, console, "queue", chromedp.Text(id("queue"))); !strings.Contains(text, "Nobody is waiting") {
			t.Errorf("queue before: %q", text)
		}
		read(t, console, "live updates", chromedp.Poll[bool](`document.getElementById("status").textContent === "Live"`))

		do(t, phone, "texter asks for a person",
			chromedp.Navigate(srv.url+"/"),
			chromedp.WaitVisible(id("body")),
			chromedp.SendKeys(id("body"), "can i talk to a real person"),
			chromedp.Click(id("send")),
			// The reply says a person is being asked, with 988 meanwhile.
			chromedp.WaitVisible(xpath(`//li[@class="line"][contains(., "asking a person")][contains(., "988")]`)),
		)

		do(t, console, "the queue shows it without a reload", chromedp.WaitVisible(css("#queue li a")))
		handle := strings.TrimSpace(read(t, console, "handle", chromedp.Evaluate[string](`document.querySelector("#queue li a").textContent`)))
		shoot(t, console, "console-queue.png")
		do(t, console, "take and answer",
			chromedp.Click(css("#queue li a")),
			chromedp.WaitVisible(xpath(`//button[starts-with(., "Take")]`)),
			chromedp.Click(xpath(`//button[starts-with(., "Take")]`)),
			chromedp.WaitVisible(id("reply")),
			chromedp.SendKeys(id("reply"), "Hi, I'm Sam from Textline. I'm here. What's going on?"),
			chromedp.Submit(id("reply")),
			chromedp.WaitVisible(xpath(`//li[contains(., "from Textline. I")]`)),
		)
		do(t, phone, "the answer reaches the phone",
			chromedp.WaitVisible(xpath(`//li[contains(., "from Textline. I")]`)),
			chromedp.SendKeys(id("body"), "i just feel really alone tonight"),
			chromedp.Click(id("send")),
		)
		do(t, console, "the texter's words show without a reload",
			chromedp.WaitVisible(xpath(`//ol[@id="transcript"]/li[contains(., "really alone tonight")]`)),
		)
		shoot(t, console, "console-conversation.png")

		status := read(t, console, "a form without its CSRF token",
			chromedp.Evaluate[int](`fetch("/console/c/`+handle+`/close", {method: "POST", body: new URLSearchParams({})}).then(r => r.status)`, chromedp.EvalAwaitPromise))
		if status != 403 {
			t.Errorf("POST without its token: %d, want 403", status)
		}

		do(t, console, "close",
			chromedp.Click(xpath(`//button[.="Close"]`)),
			chromedp.WaitVisible(id("queue")),
		)
		do(t, phone, "the closing message reaches the phone",
			chromedp.WaitVisible(xpath(`//li[contains(., "ended this chat")]`)),
		)
		do(t, phone, "the bot again, reading the texter's own words",
			chromedp.SendKeys(id("body"), "any support groups near san antonio tx?"),
			chromedp.Click(id("send")),
			chromedp.WaitVisible(xpath(`//li[@class="line"][contains(., "Here are some groups")][contains(., "NAMI Texas")]`)),
		)
		do(t, console, "the overview draws its charts",
			chromedp.Click(xpath(`//a[.="Overview"]`)),
			chromedp.WaitVisible(css("figure.chart svg rect")),
		)
	})
}

// Selectors, for short.
type (
	css   = chromedp.CSS
	id    = chromedp.ID
	xpath = chromedp.Search
)

// shoot saves a screenshot of the page when -screenshots names a folder.
func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if *screenshots == "" {
		return
	}
	png := read(t, ctx, "screenshot "+name, chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(*screenshots, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
