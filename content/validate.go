package content

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Directory is the checked directory of lines (directory.yaml): the only
// numbers a message may carry.
type Directory struct {
	Checked string `yaml:"checked"`
	Lines   []struct {
		Name  string   `yaml:"name"`
		Reach []string `yaml:"reach"`
		Note  string   `yaml:"note"`
	} `yaml:"lines"`
}

var (
	numberRe      = regexp.MustCompile(`\d[\d-]*\d|\d`)
	linkRe        = regexp.MustCompile(`(?i)\b(?:https?://)?(?:[a-z0-9-]+\.)+(?:org|gov|com|net|us)\b(?:/[^\s,)]*)?`)
	placeholderRe = regexp.MustCompile(`\{[^{}]*\}`)
	idRe          = regexp.MustCompile(`^[a-z0-9]+(?:[-_.][a-z0-9]+)*$`)
)

// MinTips is how many coping tips the line must have.
const MinTips = 12

// Placeholders the engine fills while it writes a reply.
var enginePlaceholders = map[string]bool{"{groups}": true, "{handle}": true, "{category}": true, "{severity}": true, "{wait}": true, "{text}": true, "{handles}": true, "{queue}": true, "{options}": true}

// numbers returns the digit runs of the directory: every number a message
// may name.
func (d Directory) numbers() map[string]bool {
	out := map[string]bool{}
	for _, l := range d.Lines {
		for _, r := range l.Reach {
			for _, n := range numberRe.FindAllString(r, -1) {
				out[n] = true
			}
		}
	}
	return out
}

func (l *Library) validate() Problems {
	var ps Problems
	bad := func(file, item, format string, args ...any) {
		ps = append(ps, Problem{File: file, Item: item, Msg: fmt.Sprintf(format, args...)})
	}
	known := l.Directory.numbers()
	checkText := func(file, item, text string) {
		if strings.TrimSpace(text) == "" {
			bad(file, item, "empty text")
			return
		}
		if n, _ := Segments(text); n > MaxSegments {
			bad(file, item, "%d segments, over %d", n, MaxSegments)
		}
		if odd := NonGSM(text); len(odd) > 0 {
			bad(file, item, "characters outside GSM-7 %q make it UCS-2", string(odd))
		}
		for _, p := range placeholderRe.FindAllString(text, -1) {
			if !enginePlaceholders[p] {
				bad(file, item, "unknown placeholder %s", p)
			}
		}
		for _, n := range numberRe.FindAllString(text, -1) {
			if len(strings.ReplaceAll(n, "-", "")) >= 3 && !known[n] {
				bad(file, item, "number %s is not in directory.yaml", n)
			}
		}
		for _, link := range linkRe.FindAllString(text, -1) {
			if err := checkLink(link); err != nil {
				bad(file, item, "link %s: %v", link, err)
			}
		}
	}

	en := l.msgs[English]
	for _, lang := range Langs {
		file := string(lang) + "/messages.yaml"
		for id, text := range l.msgs[lang] {
			if !idRe.MatchString(id) {
				bad(file, id, "id must be lower case words joined by . - or _")
			}
			checkText(file, id, text)
			if _, ok := en[id]; !ok {
				bad(file, id, "missing from en/messages.yaml")
			}
		}
		if lang != English {
			for id := range en {
				if _, ok := l.msgs[lang][id]; !ok {
					bad(file, id, "missing (present in en/messages.yaml)")
				}
			}
		}
		ps = append(ps, l.validateTips(lang, checkText)...)
	}
	ps = append(ps, l.validateGroups()...)
	ps = append(ps, l.validateLine()...)
	ps = append(ps, l.validateTriage()...)
	ps = append(ps, l.validateUnderstanding()...)
	return ps
}

func (l *Library) validateTips(lang Lang, checkText func(file, item, text string)) Problems {
	var ps Problems
	file := string(lang) + "/tips.yaml"
	tips := l.tips[lang]
	if len(tips) < MinTips {
		ps = append(ps, Problem{File: file, Msg: fmt.Sprintf("%d tips, at least %d needed", len(tips), MinTips)})
	}
	seen := map[string]bool{}
	for i, t := range tips {
		if !idRe.MatchString(t.ID) || seen[t.ID] {
			ps = append(ps, Problem{File: file, Item: t.ID, Msg: "tip id must be unique lower-case words"})
		}
		seen[t.ID] = true
		checkText(file, t.ID, t.Text)
		if en := l.tips[English]; lang != English && (i >= len(en) || en[i].ID != t.ID) {
			ps = append(ps, Problem{File: file, Item: t.ID, Msg: "tips must have the same ids in the same order as en/tips.yaml"})
		}
	}
	if lang != English && len(tips) != len(l.tips[English]) {
		ps = append(ps, Problem{File: file, Msg: fmt.Sprintf("%d tips, en/tips.yaml has %d", len(tips), len(l.tips[English]))})
	}
	return ps
}

func (l *Library) validateGroups() Problems {
	var ps Problems
	bad := func(item, format string, args ...any) {
		ps = append(ps, Problem{File: "groups.yaml", Item: item, Msg: fmt.Sprintf(format, args...)})
	}
	states := map[string]bool{}
	for _, st := range l.zip3 {
		states[st] = true
	}
	seen := map[string]bool{}
	national := map[GroupKind]bool{}
	for _, g := range l.groups {
		if !idRe.MatchString(g.ID) || seen[g.ID] {
			bad(g.ID, "id must be unique lower-case words")
		}
		seen[g.ID] = true
		if strings.TrimSpace(g.Name) == "" {
			bad(g.ID, "name is empty")
		}
		if len(g.Kinds) == 0 {
			bad(g.ID, "kinds is empty")
		}
		for _, k := range g.Kinds {
			if k != KindPeer && k != KindFamily && k != KindOnline {
				bad(g.ID, "kind %q is not peer, family or online", k)
			}
			if g.National() {
				national[k] = true
			}
		}
		for _, st := range g.States {
			if !states[st] {
				bad(g.ID, "state %q is not in zip3.yaml", st)
			}
		}
		for _, z := range g.ZIPs {
			if _, ok := l.zip3[z]; !ok {
				bad(g.ID, "zip prefix %q is not a known 3-digit prefix", z)
			}
		}
		if u, err := url.Parse(g.URL); err != nil || u.Scheme != "https" || !strings.Contains(u.Host, ".") {
			bad(g.ID, "url %q must be a full https:// address", g.URL)
		}
		for _, lang := range Langs {
			about := g.About[lang]
			if strings.TrimSpace(about) == "" {
				bad(g.ID, "about.%s is empty", lang)
			}
			if odd := NonGSM(about); len(odd) > 0 {
				bad(g.ID, "about.%s: characters outside GSM-7 %q", lang, string(odd))
			}
			if n := len(g.Listing(lang)); n > maxGroupLine {
				bad(g.ID, "about.%s: the group's line is %d characters, over %d", lang, n, maxGroupLine)
			}
		}
	}
	for _, k := range []GroupKind{KindPeer, KindFamily, KindOnline} {
		if !national[k] {
			bad("", "no national group of kind %s", k)
		}
	}
	return ps
}

// maxGroupLine keeps three groups and a footer inside three segments.
const maxGroupLine = 110

func (l *Library) validateLine() Problems {
	var ps Problems
	if strings.TrimSpace(l.Helpline.Name) == "" {
		ps = append(ps, Problem{File: "line.yaml", Item: "name", Msg: "empty"})
	}
	if strings.TrimSpace(l.Helpline.Contact) == "" {
		ps = append(ps, Problem{File: "line.yaml", Item: "contact", Msg: "empty"})
	}
	return ps
}

func checkLink(link string) error {
	if !strings.Contains(link, "://") {
		link = "https://" + link
	}
	u, err := url.Parse(link)
	if err != nil {
		return err
	}
	if u.Scheme != "https" {
		return fmt.Errorf("use https")
	}
	if strings.HasSuffix(u.Path, ".") {
		return fmt.Errorf("ends with a dot")
	}
	return nil
}
