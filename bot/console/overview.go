package console

import (
	"context"
	"fmt"
	"net/http"

	"github.com/textline/textline/bot/tally"
	"github.com/textline/textline/flows"
)

// Stats are the line's daily counters; *redisstore.Tally is one.
type Stats interface {
	Days(ctx context.Context, n int) ([]tally.Day, error)
}

// overviewDays is how far back the overview looks.
const overviewDays = 14

// Chart is a bar chart drawn as SVG on the server.
type Chart struct {
	Title, Summary string
	Width, Height  int
	Vertical       bool // bars stand on a baseline, labelled below
	Bars           []Bar
	Legend         []Series
}

// Bar is one bar, placed.
type Bar struct {
	X, Y, W, H int
	Class      string // its series
	Label      string // under the bar (or beside it)
	LabelX     int
	Value      int64
	Tip        string
}

// Series names a colour of the chart.
type Series struct{ Class, Name string }

func (c *Console) overview(w http.ResponseWriter, r *http.Request, s Session) {
	days, err := c.stats.Days(r.Context(), overviewDays)
	if err != nil {
		c.fail(w, r, err)
		return
	}
	c.render(w, r, "overview", page{Title: "Overview", Name: s.Name, CSRF: s.CSRF,
		Charts: []Chart{perDay(days), menuChoices(days), waits(days)}})
}

// Chart geometry.
const (
	chartW, chartH = 640, 220
	plotTop        = 10
	plotBottom     = 180
)

// perDay draws conversations and escalations, day by day.
func perDay(days []tally.Day) Chart {
	ch := Chart{Title: "Conversations and escalations a day", Width: chartW, Height: chartH, Vertical: true,
		Legend: []Series{{"a", "conversations"}, {"b", "handoffs to a person"}}}
	if len(days) == 0 {
		return ch
	}
	var top int64 = 1
	var convs, escs int64
	for _, d := range days {
		top = max(top, d.Counts[tally.ConversationStart], d.Counts[tally.HandoffOpened])
		convs += d.Counts[tally.ConversationStart]
		escs += d.Counts[tally.HandoffOpened]
	}
	slot := chartW / len(days)
	for i, d := range days {
		x := i * slot
		label := d.Date.Format("Jan 2")
		for j, series := range []struct {
			key   tally.Name
			class string
		}{{tally.ConversationStart, "a"}, {tally.HandoffOpened, "b"}} {
			v := max(d.Counts[series.key], 0)
			h := int(v * (plotBottom - plotTop) / top)
			bar := Bar{X: x + 6 + j*(slot-12)/2, Y: plotBottom - h, W: (slot - 12) / 2, H: h, Class: series.class, Value: v,
				Tip: fmt.Sprintf("%s: %d %s", label, v, ch.Legend[j].Name)}
			if j == 0 {
				bar.Label, bar.LabelX = shortDay(i, len(days), label), x+slot/2
			}
			ch.Bars = append(ch.Bars, bar)
		}
	}
	ch.Summary = fmt.Sprintf("Over the last %d days: %d conversations, %d handed to a person.", len(days), convs, escs)
	return ch
}

// shortDay labels every other day, and always the last, so labels fit.
func shortDay(i, n int, label string) string {
	if i%2 == (n-1)%2 {
		return label
	}
	return ""
}

// menuChoices draws where texters went from the menu.
func menuChoices(days []tally.Day) Chart {
	options := []option{
		{tally.MenuPick(flows.Tips), "Coping tips"}, {tally.MenuPick(flows.GroupsKind), "Support groups"},
		{tally.MenuPick(flows.Talk), "Talk to someone"}, {tally.MenuPick(flows.Someone), "Help someone"},
		{tally.MenuPick(flows.Learn), "Learn"},
	}
	return horizontal("Where texters go from the menu", days, options, "choices")
}

// waits draws how long handoffs waited to be taken.
func waits(days []tally.Day) Chart {
	names := map[string]string{"1m": "under 1 min", "3m": "1 to 3 min", "10m": "3 to 10 min", "30m": "10 to 30 min", "longer": "30 min or more"}
	var options []option
	for _, b := range tally.WaitBands {
		options = append(options, option{tally.TakeWait(b.Name), names[b.Name]})
	}
	return horizontal("Wait before a person took it", days, options, "handoffs")
}

// option is one bar of a horizontal chart: a counter and its label.
type option struct {
	key  tally.Name
	name string
}

// horizontal draws one bar per option, totalled over days.
func horizontal(title string, days []tally.Day, options []option, unit string) Chart {
	ch := Chart{Title: title, Width: chartW, Height: 36*len(options) + 10}
	totals := make([]int64, len(options))
	var top, all int64 = 1, 0
	for i, o := range options {
		for _, d := range days {
			totals[i] += max(d.Counts[o.key], 0)
		}
		top = max(top, totals[i])
		all += totals[i]
	}
	const labelW = 160
	for i, o := range options {
		w := int(totals[i] * (chartW - labelW - 60) / top)
		ch.Bars = append(ch.Bars, Bar{X: labelW, Y: 10 + i*36, W: w, H: 24, Class: "a", Value: totals[i],
			Label: o.name, LabelX: labelW - 8, Tip: fmt.Sprintf("%s: %d", o.name, totals[i])})
	}
	ch.Summary = fmt.Sprintf("%d %s over the last %d days.", all, unit, len(days))
	return ch
}
