package safety

// maxGap is how many words "~" in a phrase may stand for.
const maxGap = 4

// node is a state of the phrase trie; words are interned as ints.
type node struct {
	next map[int32]*node
	gap  *node   // after "~": any 0..maxGap words, then this node's words
	eps  []*node // where a group of alternatives joins again, reading no word
	ends []int32 // entries (signals or markers) whose phrase ends here
}

// slot is one place in a phrase: a gap, or the word sequences that may
// stand there (one for a plain word, several for "(a|b)").
type slot struct {
	gap  bool
	alts [][]string
}

// matcher finds every lexicon phrase in a tokenized text in one pass:
// from each word it walks the trie as far as the text follows it.
type matcher struct {
	root  node
	words map[string]int32
}

func newMatcher() *matcher { return &matcher{words: map[string]int32{boundary: 0}} }

func (m *matcher) id(w string) int32 {
	if id, ok := m.words[w]; ok {
		return id
	}
	id := int32(len(m.words))
	m.words[w] = id
	return id
}

// add adds a phrase for entry. Alternatives do not multiply: their paths
// join again at one node, so a phrase costs the sum of its words.
func (m *matcher) add(slots []slot, entry int32) {
	n := &m.root
	for i, sl := range slots {
		switch {
		case sl.gap:
			if n.gap == nil {
				n.gap = &node{}
			}
			n = n.gap
		case len(sl.alts) == 1:
			n = m.path(n, sl.alts[0])
		default:
			join := &node{}
			for _, alt := range sl.alts {
				end := m.path(n, alt)
				if i == len(slots)-1 {
					end.ends = append(end.ends, entry)
				} else {
					end.eps = append(end.eps, join)
				}
			}
			if i == len(slots)-1 {
				return
			}
			n = join
		}
	}
	n.ends = append(n.ends, entry)
}

// path follows (or makes) the words from n and returns where they end.
func (m *matcher) path(n *node, words []string) *node {
	for _, w := range words {
		if n.next == nil {
			n.next = map[int32]*node{}
		}
		id := m.id(w)
		c := n.next[id]
		if c == nil {
			c = &node{}
			n.next[id] = c
		}
		n = c
	}
	return n
}

// hit is one phrase found: its entry and the words it spans, [start, end).
type hit struct {
	entry      int32
	start, end int
}

// lookup turns tokens into word ids; unknown words get -1.
func (m *matcher) lookup(toks []string) []int32 {
	ids := make([]int32, len(toks))
	for i, t := range toks {
		id, ok := m.words[t]
		if !ok {
			id = -1
		}
		ids[i] = id
	}
	return ids
}

// scan returns every phrase found in ids, and how many trie steps it took:
// at most a constant for each word, since phrases and gaps are bounded.
func (m *matcher) scan(ids []int32) (hits []hit, steps int) {
	for i := range ids {
		if ids[i] == 0 {
			continue
		}
		m.walk(&m.root, ids, i, i, &hits, &steps)
	}
	return hits, steps
}

func (m *matcher) walk(n *node, ids []int32, pos, start int, hits *[]hit, steps *int) {
	*steps++
	for _, e := range n.ends {
		*hits = append(*hits, hit{entry: e, start: start, end: pos})
	}
	for _, j := range n.eps {
		m.walk(j, ids, pos, start, hits, steps)
	}
	if n.gap != nil {
		for k := 0; k <= maxGap && pos+k <= len(ids); k++ {
			if k > 0 && ids[pos+k-1] == 0 {
				break // a gap stays inside its clause
			}
			m.walk(n.gap, ids, pos+k, start, hits, steps)
		}
	}
	if pos < len(ids) && n.next != nil {
		if c := n.next[ids[pos]]; c != nil {
			m.walk(c, ids, pos+1, start, hits, steps)
		}
	}
}
