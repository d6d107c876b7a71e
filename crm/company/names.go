package company

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Company-name normalisation for duplicate claims (撞单). The rule, the
// order of the steps and the judgement calls are in docs/NAMES.md; the
// word lists are in names_data.go.

// Name is the parsed, normalised form of a company name.
type Name struct {
	// Key is the exact key: trade name + industry, region and legal form
	// dropped, normalised. Unique per customer in the DB. Never empty for a
	// name with at least one letter, digit or Han character.
	Key string
	// Trade is the trade name (字号) alone, normalised; it equals Key when
	// no industry word was recognised, and it is always a prefix of Key.
	Trade string
	// Region is the province or city recognised (e.g. "北京"), "" if none.
	Region string
}

// Match is the verdict of comparing two company names.
type Match int

// The verdicts, weakest first.
const (
	Different Match = iota
	Similar         // warn and ask the rep to confirm
	Same            // blocked: same exact key
)

func (m Match) String() string {
	switch m {
	case Different:
		return "different"
	case Similar:
		return "similar"
	case Same:
		return "same"
	}
	return "Match(?)"
}

// SimilarThreshold is the score at or above which two names count as
// similar. Every signal of Similarity scores at or above it: the same name
// in traditional characters 0.95, equal trade names 0.85–0.95, a one-
// character slip 0.8, a qualifying containment 0.65–0.85. See
// docs/NAMES.md.
const SimilarThreshold = 0.65

// Scores of the signals (see Similarity).
const (
	nameScoreVariant = 0.95 // the same key once traditional characters are folded
	nameScoreTrade   = 0.85 // equal trade names, plus up to 0.1 for key overlap
	nameScoreSlip    = 0.8  // one confusable character in a long trade name
	nameScoreContain = 0.65 // containment, plus up to 0.2 for the length ratio
	nameScoreMax     = 0.99 // cap for names whose keys differ
)

// Parse parses and normalises a company name. It never fails:
// a name without any letter, digit or Han character gives the zero value.
func Parse(raw string) Name {
	n, restored := nameParse(raw)
	// Putting a region back can join it with what follows into a form a
	// second parse reads differently (中山 + 市…): settle on a fixed point
	// so that Parse(n.Key).Key == n.Key.
	for i := 0; restored && i < 4; i++ {
		var again Name
		again, restored = nameParse(n.Key)
		if again.Key == n.Key {
			break
		}
		n.Key, n.Trade = again.Key, again.Trade
		if n.Region == "" {
			n.Region = again.Region
		}
	}
	return n
}

// nameParse is one pass of Parse; restored tells whether a
// leading region was put back.
func nameParse(raw string) (Name, bool) {
	var p nameParser
	folded := nameFold(raw)
	p.toks = nameTokenize(p.brackets(folded), make([]nameTok, 0, 8))
	if len(p.toks) == 0 {
		// Nothing outside brackets, e.g. "(北京)": keep the bracketed text.
		p.toks = nameTokenize(folded, p.toks)
		if len(p.toks) == 0 {
			return Name{}, false
		}
	}
	p.stripTail()
	p.stripLead()
	key, trade := p.keyTrade()
	region := p.regionLead
	if region == "" {
		region = p.regionBracket
	}
	if region == "" {
		region = p.regionOther
	}
	return Name{Key: key, Trade: trade, Region: region}, p.restored
}

// Compare decides same / similar / different for two raw names.
func Compare(a, b string) Match {
	return nameCompareParsed(Parse(a), Parse(b))
}

func nameCompareParsed(a, b Name) Match {
	switch {
	case a.Key == "" || b.Key == "":
		return Different
	case a.Key == b.Key:
		return Same
	case Similarity(a, b) >= SimilarThreshold:
		return Similar
	}
	return Different
}

// Similarity is a score in [0,1] between two parsed names (1 =
// same key). It is symmetric. Traditional characters are folded to
// simplified ones first (nameSimplified). Signals, the strongest wins:
//   - the same key once folded (北京青禾新銳科技 / 北京青禾新锐科技);
//   - equal trade names: 0.85 + 0.1 × Dice(keys);
//   - a slip: trade names of four or more characters that differ in one
//     character that sounds the same or looks alike (青和新锐 / 青禾新锐);
//   - one key or trade name inside the other's key or trade name: as a
//     prefix of the other's trade name, when it is a whole name without
//     an industry word, has at least 2 Han characters (4 Latin) and the
//     trade name adds at least 2 characters (京东 / 京东世纪, not 京东 /
//     京东方, nor 青禾科技 / 青禾新锐科技), or anywhere, when it has at
//     least 3 Han characters (6 Latin): 0.65 + 0.2 × length ratio.
//
// Anything else is different, however many characters two names share
// (华盛汇智 / 凯盛汇智, 阿里巴巴 / 阿里妈妈).
func Similarity(a, b Name) float64 {
	if a.Key == "" || b.Key == "" {
		return 0
	}
	if a.Key == b.Key {
		return 1
	}
	a, b = nameSimplifiedName(a), nameSimplifiedName(b)
	if a.Key == b.Key {
		return nameScoreVariant
	}
	best := 0.0
	if a.Trade != "" && a.Trade == b.Trade {
		best = nameScoreTrade + 0.1*nameDice(a.Key, b.Key)
	} else if nameSlip(a.Trade, b.Trade) {
		best = nameScoreSlip
	}
	for i, x := range [2]string{a.Key, a.Trade} {
		for j, y := range [2]string{b.Key, b.Trade} {
			xs := nameSide{s: x, trade: i == 1, whole: i == 0 || a.Trade == a.Key}
			ys := nameSide{s: y, trade: j == 1, whole: j == 0 || b.Trade == b.Key}
			if s := nameContainment(xs, ys); s > best {
				best = s
			}
		}
	}
	return min(best, nameScoreMax)
}

// Grams returns the distinct search grams of a parsed name: the
// character bigrams of Key, the Trade string itself and, for a one-character
// key, the key (its unigram); for a name with traditional characters, those
// of its simplified form too. Two names that Compare calls Similar or Same
// share at least one gram.
func Grams(n Name) []string {
	if n.Key == "" {
		return nil
	}
	grams := nameGrams(n, make([]string, 0, 8))
	if f := nameSimplifiedName(n); f.Key != n.Key {
		for _, g := range nameGrams(f, nil) {
			if !slices.Contains(grams, g) {
				grams = append(grams, g)
			}
		}
	}
	return grams
}

// nameGrams appends the grams of n's own characters to grams.
func nameGrams(n Name, grams []string) []string {
	var seen map[string]bool
	add := func(g string) {
		if seen != nil {
			if !seen[g] {
				seen[g] = true
				grams = append(grams, g)
			}
			return
		}
		if !slices.Contains(grams, g) {
			grams = append(grams, g)
			if len(grams) > 32 {
				seen = make(map[string]bool, 2*len(grams))
				for _, x := range grams {
					seen[x] = true
				}
			}
		}
	}
	if n.Trade != "" {
		add(n.Trade)
	}
	prev, count := -1, 0
	for i := range n.Key {
		if prev >= 0 {
			_, sz := utf8.DecodeRuneInString(n.Key[i:])
			add(n.Key[prev : i+sz])
		}
		prev = i
		count++
	}
	if count == 1 {
		add(n.Key)
	}
	return grams
}

// ---------------------------------------------------------------------
// Parsing

// nameTok is a run of Han characters (adjacent runs are merged: Chinese has
// no word spaces) or a run of other letters and digits (a Latin word).
type nameTok struct {
	s   string
	han bool
}

type nameParser struct {
	toks          []nameTok
	regionLead    string // most specific leading region
	regionBracket string // region in brackets
	regionOther   string // region at the end or between trade name and industry
	restored      bool   // a leading region was put back
}

func (p *nameParser) noteOther(canon string) {
	if p.regionOther == "" {
		p.regionOther = canon
	}
}

// nameFold maps full-width forms to half-width, the ideographic space to a
// space, the other bracket shapes to ( and ), and folds case. Invalid UTF-8
// becomes U+FFFD, which later counts as punctuation.
func nameFold(raw string) string {
	var b strings.Builder
	b.Grow(len(raw))
	for _, r := range raw {
		switch {
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		case r < utf8.RuneSelf:
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
			r -= 0xFEE0
			if r >= 'A' && r <= 'Z' {
				r += 'a' - 'A'
			}
		case r == 0x3000: // ideographic space
			r = ' '
		case r == '【' || r == '〔' || r == '〖' || r == '〘' || r == '﹙' || r == '⦅' || r == '｟':
			r = '('
		case r == '】' || r == '〕' || r == '〗' || r == '〙' || r == '﹚' || r == '⦆' || r == '｠':
			r = ')'
		default:
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// brackets removes every top-level bracketed group that holds only a
// region or a legal form, noting the region; other groups keep their text.
// Unbalanced brackets are left to count as punctuation.
func (p *nameParser) brackets(s string) string {
	if !strings.ContainsAny(s, "()[]{}") {
		return s
	}
	type pair struct{ open, close int }
	var stack []int
	var pairs []pair
	for i := 0; i < len(s); i++ { // brackets are ASCII now: a byte scan is safe
		switch s[i] {
		case '(', '[', '{':
			stack = append(stack, i)
		case ')', ']', '}':
			if n := len(stack); n > 0 {
				pairs = append(pairs, pair{stack[n-1], i})
				stack = stack[:n-1]
			}
		}
	}
	if len(pairs) == 0 {
		return s
	}
	slices.SortFunc(pairs, func(a, b pair) int { return a.open - b.open })
	var b strings.Builder
	b.Grow(len(s) + 2*len(pairs))
	prev, lastClose := 0, -1
	for _, pr := range pairs {
		if pr.open < lastClose { // nested in a group already handled
			continue
		}
		b.WriteString(s[prev:pr.open])
		b.WriteByte(' ')
		if content := s[pr.open+1 : pr.close]; p.keepBracket(content) {
			b.WriteString(content)
		}
		b.WriteByte(' ')
		prev, lastClose = pr.close+1, pr.close
	}
	b.WriteString(s[prev:])
	return b.String()
}

// keepBracket tells whether a bracketed text is part of the name (not a
// region, not a legal form, not empty).
func (p *nameParser) keepBracket(content string) bool {
	c := nameCompact(content)
	if c == "" {
		return false
	}
	if canon, ok := nameAllRegions(c); ok {
		if p.regionBracket == "" {
			p.regionBracket = canon
		}
		return false
	}
	return !nameBracketLegal.has(c)
}

// nameCompact keeps only letters and digits.
func nameCompact(s string) string {
	var b strings.Builder
	for _, r := range s {
		if nameClass(r) != 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// nameAllRegions reports whether s is made only of region names (中国上海,
// 广东深圳, shanghai, hongkong) and returns the most specific one.
func nameAllRegions(s string) (canon string, ok bool) {
	if c, ok := nameEnRegions[s]; ok {
		return c, true
	}
	for s != "" {
		w := nameRegions.prefix(s, 0)
		if w == 0 {
			return "", false
		}
		if c := nameRegionInfo[s[:w]].Canon; c != "" {
			canon = c
		}
		s = s[w:]
	}
	return canon, true
}

// nameClass: 0 separator (space, punctuation, symbol, mark), 1 Han,
// 2 other letter or digit.
func nameClass(r rune) uint8 {
	if r < utf8.RuneSelf {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' {
			return 2
		}
		return 0
	}
	if unicode.Is(unicode.Han, r) {
		return 1
	}
	if unicode.IsLetter(r) || unicode.IsNumber(r) {
		return 2
	}
	return 0
}

func nameTokenize(s string, toks []nameTok) []nameTok {
	start, cls := 0, uint8(0)
	for i, r := range s {
		c := nameClass(r)
		if c == cls {
			continue
		}
		if cls != 0 {
			toks = nameEmit(toks, s[start:i], cls == 1)
		}
		start, cls = i, c
	}
	if cls != 0 {
		toks = nameEmit(toks, s[start:], cls == 1)
	}
	return toks
}

func nameEmit(toks []nameTok, s string, han bool) []nameTok {
	if n := len(toks); han && n > 0 && toks[n-1].han {
		toks[n-1].s += s
		return toks
	}
	return append(toks, nameTok{s: s, han: han})
}

// stripTail removes, repeatedly from the end, legal forms (Chinese and
// English), branch words and regions (阿里巴巴中国, …有限公司北京分公司,
// ACME China). Nothing is removed that would leave the name empty.
func (p *nameParser) stripTail() {
	for {
		n := len(p.toks)
		last := p.toks[n-1]
		if !last.han {
			if n > 1 && nameLegalEN.has(last.s) {
				p.toks = p.toks[:n-1]
				continue
			}
			if k := nameInitials(p.toks); k > 0 && k < n {
				p.toks = p.toks[:n-k]
				continue
			}
			if k, canon := nameEnRegionTail(p.toks); k > 0 {
				p.noteOther(canon)
				p.toks = p.toks[:n-k]
				continue
			}
			// The key joins Latin words, so a second parse sees the run
			// after the last Han character as one word: judge it so now.
			if k := nameLatinRun(p.toks, false); k > 1 && k < n {
				run := nameJoin(p.toks[n-k:])
				if nameLegalEN.has(run) {
					p.toks = p.toks[:n-k]
					continue
				}
				if canon, ok := nameEnRegions[run]; ok {
					p.noteOther(canon)
					p.toks = p.toks[:n-k]
					continue
				}
			}
			return
		}
		// The longest legal form only: 有限公司 alone stays 有限公司 rather
		// than losing 公司. A one-character form (厂) needs two characters
		// left, a longer one one.
		others := nameTokRunes(p.toks[:n-1], 2)
		if w := nameLegalCN.suffix(last.s, 0); w > 0 {
			rest := last.s[:len(last.s)-w]
			need := 1
			if utf8.RuneCountInString(last.s[len(rest):]) == 1 {
				need = 2
			}
			if nameHasRunes(rest, need-others) {
				p.setLast(rest)
				continue
			}
		}
		if w := nameTailRegions.suffix(last.s, max(0, 2-others)); w > 0 {
			rest := last.s[:len(last.s)-w]
			p.noteOther(nameRegionInfo[last.s[len(rest):]].Canon)
			p.setLast(rest)
			continue
		}
		return
	}
}

// setLast replaces the text of the last token, dropping it when empty.
func (p *nameParser) setLast(s string) {
	n := len(p.toks)
	if s == "" {
		p.toks = p.toks[:n-1]
		return
	}
	p.toks[n-1].s = s
}

// stripLead removes a leading English article and leading regions
// (广东省深圳市, 北京市海淀区, 苏州工业园区). When fewer than two
// characters would remain (天津港), or the rest starts with a Chinese
// industry word where the trade name should be (北京银行, 青岛啤酒,
// 北京大学医学部), the last region removed is put back, without its
// 省/市/区 suffix. Latin words are not looked at: the key joins them, so
// their boundaries would be lost on a second parse.
func (p *nameParser) stripLead() {
	base := ""
	for len(p.toks) > 0 {
		if !p.toks[0].han {
			if len(p.toks) > 1 && p.toks[0].s == "the" {
				p.toks = p.toks[1:]
				continue
			}
			if k := nameLatinRun(p.toks, true); k > 1 && k < len(p.toks) && nameJoin(p.toks[:k]) == "the" {
				p.toks = p.toks[k:]
				continue
			}
			break
		}
		w := nameLeadRegion(p.toks[0].s)
		if w == 0 {
			break
		}
		info := nameRegionInfo[p.toks[0].s[:w]]
		base = info.Base
		if info.Canon != "" {
			p.regionLead = info.Canon
		}
		if rest := p.toks[0].s[w:]; rest != "" {
			p.toks[0].s = rest
		} else {
			p.toks = p.toks[1:]
		}
	}
	if base == "" {
		return
	}
	if nameTokRunes(p.toks, 2) >= 2 && !(p.toks[0].han && nameIndustryCN.prefix(p.toks[0].s, 0) > 0) {
		return
	}
	p.restored = true
	if len(p.toks) > 0 && p.toks[0].han {
		p.toks[0].s = base + p.toks[0].s
		return
	}
	p.toks = append([]nameTok{{s: base, han: true}}, p.toks...)
}

// nameLeadRegion returns the byte length of the longest region form that
// starts s, or 0. 中国 is a leading region only before another region
// (中国（上海）自由贸易试验区…): 中国银行 is a name, not a region plus 银行.
// A form ending in 市 is not taken before 场 or 政 (上海市场…, 北京市政…),
// nor one ending in 区 before 块 (区块链).
func nameLeadRegion(s string) int {
	var ends [32]int
	k := 0
	for i := range s {
		if i > 0 {
			ends[k] = i
			k++
		}
		if k == nameRegions.maxRunes || k == len(ends) {
			break
		}
	}
	if k < len(ends) && k < nameRegions.maxRunes {
		ends[k] = len(s)
		k++
	}
	for j := k - 1; j >= 0; j-- {
		form := s[:ends[j]]
		info, ok := nameRegionInfo[form]
		if !ok {
			continue
		}
		if info.Kind == nameRegionCountry {
			if rest := s[len(form):]; rest == "" || nameLeadRegion(rest) == 0 {
				continue
			}
		}
		next, _ := utf8.DecodeRuneInString(s[ends[j]:])
		if strings.HasSuffix(form, "市") && (next == '场' || next == '政') ||
			strings.HasSuffix(form, "区") && next == '块' {
			continue
		}
		return len(form)
	}
	return 0
}

// keyTrade joins the tokens into the key and finds the trade name by
// stripping industry words from the end (never below two characters). A
// region or 集团 met between the trade name and the industry
// (青禾新锐北京科技, 阿里巴巴集团控股) is removed from both. A trade name
// that is only a region (中国银行 → 中国) falls back to the whole key.
func (p *nameParser) keyTrade() (key, trade string) {
	key = nameJoin(p.toks)
	tt := p.toks
	tradeLen := len(key)
	cut := false
	for changed := true; changed; {
		changed = false
		n := len(tt)
		last := tt[n-1]
		others := nameTokRunes(tt[:n-1], 2)
		if !last.han {
			if n > 1 && nameIndustryEN.has(last.s) && others >= 2 {
				tradeLen -= len(last.s)
				tt = tt[:n-1]
				changed, cut = true, true
				continue
			}
		} else if w := nameIndustryCN.suffix(last.s, max(0, 2-others)); w > 0 {
			tradeLen -= w
			tt = nameSetLast(tt, last.s[:len(last.s)-w])
			changed, cut = true, true
			continue
		}
		if !cut {
			break
		}
		// A region or 集团 between the trade name and the industry.
		// Latin: the last word, or the whole Latin run after the last Han
		// character (what a second parse of the key would see as one word).
		w, canon, drop := 0, "", 0
		if !last.han {
			for _, j := range [2]int{1, nameLatinRun(tt, false)} {
				if j < 1 || j >= n || tt[n-j-1].s == "of" || nameTokRunes(tt[:n-j], 2) < 2 {
					continue
				}
				word := last.s
				if j > 1 {
					word = nameJoin(tt[n-j:])
				}
				if c, ok := nameEnRegions[word]; ok || word == "group" {
					w, canon, drop = len(word), c, j
					break
				}
			}
		} else if w = nameTailRegions.suffix(last.s, max(0, 2-others)); w > 0 {
			canon = nameRegionInfo[last.s[len(last.s)-w:]].Canon
		} else {
			w = nameMidLegal.suffix(last.s, max(0, 2-others))
		}
		if w > 0 {
			p.noteOther(canon)
			key = key[:tradeLen-w] + key[tradeLen:]
			tradeLen -= w
			if drop > 0 {
				tt = tt[:n-drop]
			} else {
				tt = nameSetLast(tt, last.s[:len(last.s)-w])
			}
			changed = true
		}
	}
	trade = key[:tradeLen]
	if nameIsRegionWord(trade) {
		trade = key
	}
	return key, trade
}

func nameSetLast(tt []nameTok, s string) []nameTok {
	n := len(tt)
	if s == "" {
		return tt[:n-1]
	}
	tt[n-1].s = s
	return tt
}

// nameMidLegal: legal words also removed between trade name and industry.
var nameMidLegal = nameSetOf([]string{"集团", "集團"})

// nameLatinRun counts the Latin tokens at the end (or, with lead, at the
// start) of toks, up to the first Han token.
func nameLatinRun(toks []nameTok, lead bool) int {
	k := 0
	for i := range toks {
		j := len(toks) - 1 - i
		if lead {
			j = i
		}
		if toks[j].han {
			break
		}
		k++
	}
	return k
}

// nameInitials returns how many trailing one-letter tokens spell a dotted
// legal initialism (s.a., l.l.c.), or 0.
func nameInitials(toks []nameTok) int {
	k := 0
	for i := len(toks) - 1; i >= 0 && k < 4; i-- {
		t := toks[i]
		if t.han || utf8.RuneCountInString(t.s) != 1 {
			break
		}
		k++
	}
	for j := k; j >= 2; j-- {
		var b strings.Builder
		for _, t := range toks[len(toks)-j:] {
			b.WriteString(t.s)
		}
		if nameInitialsEN.has(b.String()) {
			return j
		}
	}
	return 0
}

// nameEnRegionTail returns how many trailing Latin tokens name a region
// (china, shanghai, hong kong) that may be dropped, and the region. Not
// after "of" (Bank of China), and not when fewer than two characters
// would remain.
func nameEnRegionTail(toks []nameTok) (int, string) {
	n := len(toks)
	for k := 1; k <= 2 && k < n; k++ {
		var w string
		if k == 1 {
			w = toks[n-1].s
		} else {
			if toks[n-2].han {
				break
			}
			w = toks[n-2].s + toks[n-1].s
		}
		c, ok := nameEnRegions[w]
		if !ok {
			continue
		}
		if toks[n-k-1].s == "of" || nameTokRunes(toks[:n-k], 2) < 2 {
			return 0, ""
		}
		return k, c
	}
	return 0, ""
}

// nameIsRegionWord reports whether s is only a region or country name.
func nameIsRegionWord(s string) bool {
	if _, ok := nameRegionInfo[s]; ok {
		return true
	}
	if _, ok := nameEnRegions[s]; ok {
		return true
	}
	return s == "中华"
}

// nameTokRunes counts the runes of the tokens, stopping at limit.
func nameTokRunes(toks []nameTok, limit int) int {
	n := 0
	for _, t := range toks {
		for range t.s {
			n++
			if n >= limit {
				return n
			}
		}
	}
	return n
}

// nameHasRunes reports whether s has at least n runes.
func nameHasRunes(s string, n int) bool {
	if n <= 0 {
		return true
	}
	for range s {
		n--
		if n == 0 {
			return true
		}
	}
	return false
}

func nameJoin(toks []nameTok) string {
	if len(toks) == 1 {
		return toks[0].s
	}
	size := 0
	for _, t := range toks {
		size += len(t.s)
	}
	var b strings.Builder
	b.Grow(size)
	for _, t := range toks {
		b.WriteString(t.s)
	}
	return b.String()
}

func (ws *nameWordSet) has(s string) bool {
	_, ok := ws.words[s]
	return ok
}

// suffix returns the byte length of the longest word of ws that ends s and
// leaves at least keep runes of s before it, or 0.
func (ws *nameWordSet) suffix(s string, keep int) int {
	var starts [32]int
	k, i := 0, len(s)
	for k < ws.maxRunes && k < len(starts) && i > 0 {
		_, sz := utf8.DecodeLastRuneInString(s[:i])
		i -= sz
		starts[k] = i
		k++
	}
	for j := k - 1; j >= 0; j-- {
		if ws.has(s[starts[j]:]) && nameHasRunes(s[:starts[j]], keep) {
			return len(s) - starts[j]
		}
	}
	return 0
}

// prefix returns the byte length of the longest word of ws that starts s
// and leaves at least keep runes after it, or 0.
func (ws *nameWordSet) prefix(s string, keep int) int {
	var ends [32]int
	k := 0
	for i := range s {
		if i > 0 {
			ends[k] = i
			k++
		}
		if k == ws.maxRunes || k == len(ends) {
			break
		}
	}
	if k < len(ends) && k < ws.maxRunes && s != "" {
		ends[k] = len(s)
		k++
	}
	for j := k - 1; j >= 0; j-- {
		if ws.has(s[:ends[j]]) && nameHasRunes(s[ends[j]:], keep) {
			return ends[j]
		}
	}
	return 0
}

// ---------------------------------------------------------------------
// Similarity

// nameSide is a key or trade name compared by nameContainment: trade
// tells a trade name, whole a string that is its name's whole key.
type nameSide struct {
	s            string
	trade, whole bool
}

// nameContainment scores one string inside the other (see
// Similarity), 0 when it does not qualify. The prefix rule is
// measured against a trade name only (太平 is a prefix of the key
// 太平洋保险 but adds one character to its trade name 太平洋), and only
// for a whole name: a trade name followed by its own industry word
// (青禾 of 青禾科技) is that company's, not an abbreviation of another's.
func nameContainment(x, y nameSide) float64 {
	rx, ry := utf8.RuneCountInString(x.s), utf8.RuneCountInString(y.s)
	short, long, rs, rl := x, y, rx, ry
	if rx > ry {
		short, long, rs, rl = y, x, ry, rx
	}
	if short.s == "" || nameIsRegionWord(short.s) {
		return 0
	}
	if short.s == long.s {
		return nameScoreContain + 0.2
	}
	w := nameWeight(short.s)
	if long.trade && short.whole && strings.HasPrefix(long.s, short.s) && w >= 4 && rl-rs >= 2 ||
		w >= 6 && strings.Contains(long.s, short.s) {
		return nameScoreContain + 0.2*float64(rs)/float64(rl)
	}
	return 0
}

// nameWeight counts Han characters twice.
func nameWeight(s string) int {
	w := 0
	for _, r := range s {
		if r >= utf8.RuneSelf && unicode.Is(unicode.Han, r) {
			w += 2
		} else {
			w++
		}
	}
	return w
}

// nameDice is the Dice coefficient of the character-bigram multisets of x
// and y (1 for equal strings, 0 when a string has no bigram and they differ).
func nameDice(x, y string) float64 {
	if x == y {
		return 1
	}
	var bx, by [48]uint64
	gx, gy := nameBigrams(x, bx[:0]), nameBigrams(y, by[:0])
	if len(gx) == 0 || len(gy) == 0 {
		return 0
	}
	slices.Sort(gx)
	slices.Sort(gy)
	shared, i, j := 0, 0, 0
	for i < len(gx) && j < len(gy) {
		switch {
		case gx[i] == gy[j]:
			shared++
			i++
			j++
		case gx[i] < gy[j]:
			i++
		default:
			j++
		}
	}
	return 2 * float64(shared) / float64(len(gx)+len(gy))
}

func nameBigrams(s string, buf []uint64) []uint64 {
	prev := rune(-1)
	for _, r := range s {
		if prev >= 0 {
			buf = append(buf, uint64(prev)<<32|uint64(r))
		}
		prev = r
	}
	return buf
}
