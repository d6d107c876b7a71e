package sheet

import (
	"github.com/salesbot-crm/salesbot/crm/company"
	"github.com/salesbot-crm/salesbot/sales"
)

// fileIndex finds earlier rows of a file with a name similar to a new one
// without comparing every pair: it indexes the search grams of each row
// (company.Grams: two names crm calls similar share at least one gram),
// counts the grams a new name shares with each earlier row, and compares
// only the rows sharing the most — what the store's gram index does for
// customers already saved.
type fileIndex struct {
	rows   []fileRow
	grams  map[string][]int32 // gram → indexes into rows
	counts map[int32]int32    // scratch for one lookup
}

func newFileIndex() *fileIndex {
	return &fileIndex{grams: map[string][]int32{}, counts: map[int32]int32{}}
}

func (x *fileIndex) add(n company.Name, r fileRow) {
	i := int32(len(x.rows))
	x.rows = append(x.rows, r)
	for _, g := range company.Grams(n) {
		x.grams[g] = append(x.grams[g], i)
	}
}

// maxPosting is the number of rows beyond which a gram counts as common.
const maxPosting = 1000

type gramCount struct {
	row   int32
	count int32
}

// similar returns the earlier rows whose names company.Compare finds
// similar to name, among the sales.SimilarCandidates rows sharing the most grams with
// it (the most shared first, then the earliest).
func (x *fileIndex) similar(n company.Name, name string) []fileRow {
	clear(x.counts)
	grams := company.Grams(n)
	// A gram on very many rows (an industry word like 科技 in a big file)
	// says little and would make the count quadratic: count it only when
	// the name has no rarer gram. Similar names share their rare grams
	// (the trade name), so this changes which rows are compared only in
	// files where thousands of names share every gram.
	rare := false
	for _, g := range grams {
		if len(x.grams[g]) <= maxPosting {
			rare = true
		}
	}
	for _, g := range grams {
		if p := x.grams[g]; !rare || len(p) <= maxPosting {
			for _, i := range p[:min(len(p), 4*maxPosting)] {
				x.counts[i]++
			}
		}
	}
	if len(x.counts) == 0 {
		return nil
	}
	// Keep the best sales.SimilarCandidates by insertion into a short sorted list.
	top := make([]gramCount, 0, sales.SimilarCandidates+1)
	for i, c := range x.counts {
		if len(top) == sales.SimilarCandidates && !better(gramCount{i, c}, top[len(top)-1]) {
			continue
		}
		j := len(top)
		top = append(top, gramCount{i, c})
		for j > 0 && better(top[j], top[j-1]) {
			top[j], top[j-1] = top[j-1], top[j]
			j--
		}
		if len(top) > sales.SimilarCandidates {
			top = top[:sales.SimilarCandidates]
		}
	}
	var out []fileRow
	for _, t := range top {
		if r := x.rows[t.row]; company.Compare(name, r.name) != company.Different {
			out = append(out, r)
		}
	}
	return out
}

func better(a, b gramCount) bool {
	if a.count != b.count {
		return a.count > b.count
	}
	return a.row < b.row
}
