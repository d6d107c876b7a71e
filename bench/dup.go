package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/company"
	"github.com/salesbot-crm/salesbot/store"
)

type dupOptions struct {
	queries, runs int
	seed          uint64
	compare       bool // also run the gram query of before the fan-out cap
}

func runDup(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("dup", flag.ContinueOnError)
	var c common
	var o dupOptions
	fs.IntVar(&o.queries, "queries", 2000, "names checked per run (a quarter of each kind)")
	fs.IntVar(&o.runs, "runs", 3, "runs over the same names")
	fs.Uint64Var(&o.seed, "seed", 7, "seed of the names drawn")
	fs.BoolVar(&o.compare, "compare", false, "also run the uncapped gram query (the query before the fan-out cap) and compare what each finds")
	return measure(ctx, fs, args, &c, func(db *store.DB) error {
		if err := dupBench(ctx, db, &c, o); err != nil {
			return err
		}
		return nil
	})
}

// Kinds of names checked.
const (
	kindExact   = "exact"   // an existing customer's name as saved
	kindVariant = "variant" // the same company written differently (same key)
	kindSimilar = "similar" // a name crm calls similar to an existing one
	kindNew     = "new"     // a name whose key is not taken
)

var dupKinds = []string{kindExact, kindVariant, kindSimilar, kindNew}

type dupQuery struct {
	kind   string
	name   string
	target int64 // the customer the name was derived from
}

// dupResult is what the /new check concluded.
type dupResult struct {
	same    int64   // the customer with the same key, 0 for none
	cands   []int64 // SimilarCustomers' candidates, in order
	similar []int64 // the candidates shown as similar (at most 3)
}

// dupCheck is the check conversation/flow_new.go runs on a typed name:
// CustomerByKey, then SimilarCustomers(…, 20) scored by CompareCompanyNames.
func dupCheck(ctx context.Context, st crm.Store, name string) (dupResult, error) {
	var r dupResult
	n := company.Parse(name)
	existing, err := st.CustomerByKey(ctx, n.Key)
	switch {
	case err == nil:
		r.same = existing.ID
		return r, nil
	case !errors.Is(err, crm.ErrNotFound):
		return r, err
	}
	cands, err := st.SimilarCustomers(ctx, n, 20)
	if err != nil {
		return r, err
	}
	for _, c := range cands {
		r.cands = append(r.cands, c.ID)
		if len(r.similar) < 3 && company.Compare(name, c.Name) != company.Different {
			r.similar = append(r.similar, c.ID)
		}
	}
	return r, nil
}

func dupBench(ctx context.Context, db *store.DB, c *common, o dupOptions) error {
	r := rand.New(rand.NewPCG(o.seed, 99))
	warm, err := sampleNames(ctx, db, r, 200)
	if err != nil {
		return err
	}
	qs, err := sampleNames(ctx, db, r, o.queries)
	if err != nil {
		return err
	}
	fmt.Printf("\n## duplicate check (%s): %d names per run (%d of each kind), %d runs, after %d warm-up checks\n",
		c.driver, len(qs), len(qs)/4, o.runs, len(warm))
	for _, q := range warm {
		if _, err := dupCheck(ctx, db, q.name); err != nil {
			return err
		}
	}
	var p50s, p99s durs
	kindP99 := map[string]durs{}
	var results []dupResult
	for run := 1; run <= o.runs; run++ {
		all := durs{}
		byKind := map[string]durs{}
		results = results[:0]
		for _, q := range qs {
			t := time.Now()
			res, err := dupCheck(ctx, db, q.name)
			d := time.Since(t)
			if err != nil {
				return fmt.Errorf("check %q: %w", q.name, err)
			}
			all = append(all, d)
			byKind[q.kind] = append(byKind[q.kind], d)
			results = append(results, res)
		}
		p50s, p99s = append(p50s, all.pct(50)), append(p99s, all.pct(99))
		fmt.Printf("run %d: all p50 %s p90 %s p99 %s max %s mean %s |", run, ms(all.pct(50)), ms(all.pct(90)), ms(all.pct(99)), ms(all.max()), ms(all.mean()))
		for _, k := range dupKinds {
			fmt.Printf(" %s p50 %s p99 %s |", k, ms(byKind[k].pct(50)), ms(byKind[k].pct(99)))
			kindP99[k] = append(kindP99[k], byKind[k].pct(99))
		}
		fmt.Println()
	}
	fmt.Printf("duplicate check %s: p50 %s, p99 %s (median of %d runs, range in brackets); p99 by kind:", c.driver, spread(p50s), spread(p99s), o.runs)
	for _, k := range dupKinds {
		fmt.Printf(" %s %s", k, spread(kindP99[k]))
	}
	fmt.Println()
	printOutcomes(qs, results)
	if o.compare {
		return compareOriginal(ctx, db, qs, results)
	}
	return nil
}

// printOutcomes says what the check found for each kind of name.
func printOutcomes(qs []dupQuery, rs []dupResult) {
	type tally struct{ n, same, sameTarget, warned, targetCand, targetShown int }
	t := map[string]*tally{}
	for _, k := range dupKinds {
		t[k] = &tally{}
	}
	for i, q := range qs {
		x, r := t[q.kind], rs[i]
		x.n++
		if r.same != 0 {
			x.same++
			if r.same == q.target {
				x.sameTarget++
			}
		}
		if len(r.similar) > 0 {
			x.warned++
		}
		if slices.Contains(r.cands, q.target) {
			x.targetCand++
		}
		if slices.Contains(r.similar, q.target) {
			x.targetShown++
		}
	}
	pc := func(a, b int) string { return fmt.Sprintf("%.1f%%", 100*float64(a)/float64(max(b, 1))) }
	for _, k := range dupKinds {
		x := t[k]
		switch k {
		case kindExact, kindVariant:
			fmt.Printf("  %-8s blocked by key %s (the right customer %s)\n", k, pc(x.same, x.n), pc(x.sameTarget, x.n))
		case kindSimilar:
			fmt.Printf("  %-8s warned %s; the customer it was derived from among the 20 candidates %s, among the ≤3 shown %s\n",
				k, pc(x.warned, x.n), pc(x.targetCand, x.n), pc(x.targetShown, x.n))
		case kindNew:
			fmt.Printf("  %-8s blocked %s, warned (similar to an existing customer) %s\n", k, pc(x.same, x.n), pc(x.warned, x.n))
		}
	}
}

// originalSimilarSQL is SimilarCustomers' gram query before the fan-out
// cap (commit e709540): it groups every posting of every gram of the name.
const originalSimilarSQL = `SELECT customer_id FROM customer_grams WHERE gram IN (?)
		GROUP BY customer_id ORDER BY COUNT(*) DESC, customer_id LIMIT ?`

// verbose prints examples of what the similar lookup misses.
var verbose = os.Getenv("BENCH_VERBOSE") != ""

// compareOriginal runs the uncapped query for the names that reached the
// similar lookup and compares its latency and findings with the store's.
func compareOriginal(ctx context.Context, db *store.DB, qs []dupQuery, rs []dupResult) error {
	x := db.SQL()
	var lat durs
	var reached, sameShown, origOnly, newOnly, origTargetCand, newTargetCand, similarN int
	for i, q := range qs {
		if rs[i].same != 0 {
			continue
		}
		reached++
		n := company.Parse(q.name)
		t := time.Now()
		qq, args, err := sqlx.In(originalSimilarSQL, company.Grams(n), 20)
		if err != nil {
			return err
		}
		var ids []int64
		if err := x.SelectContext(ctx, &ids, x.Rebind(qq), args...); err != nil {
			return err
		}
		names, err := db.CustomerNames(ctx, ids)
		if err != nil {
			return err
		}
		lat = append(lat, time.Since(t))
		var shown []int64
		for _, id := range ids {
			if len(shown) < 3 && company.Compare(q.name, names[id]) != company.Different {
				shown = append(shown, id)
			}
		}
		warnedOrig, warnedNew := len(shown) > 0, len(rs[i].similar) > 0
		switch {
		case warnedOrig && !warnedNew:
			origOnly++
			if origOnly <= 5 {
				fmt.Printf("  warned only by the uncapped query: %q (%s) similar to %q\n", q.name, q.kind, names[shown[0]])
			}
		case warnedNew && !warnedOrig:
			newOnly++
		}
		if slices.Equal(shown, rs[i].similar) {
			sameShown++
		}
		if q.kind == kindSimilar {
			similarN++
			if slices.Contains(ids, q.target) {
				origTargetCand++
			}
			if slices.Contains(rs[i].cands, q.target) {
				newTargetCand++
			} else if similarN-newTargetCand <= 8 && verbose {
				src, _ := db.CustomerNames(ctx, []int64{q.target})
				fmt.Printf("  source not among the store's candidates: %q from %q, grams %q, warned %v\n", q.name, src[q.target], company.Grams(n), warnedNew)
			}
		}
	}
	fmt.Printf("  uncapped gram query (ids + names) over the %d names that reach it: p50 %s p99 %s max %s\n", reached, ms(lat.pct(50)), ms(lat.pct(99)), ms(lat.max()))
	fmt.Printf("  same names shown by both %d/%d; warned only by the uncapped query %d, only by the store's %d; similar names' source among the candidates: uncapped %d/%d, store %d/%d\n",
		sameShown, reached, origOnly, newOnly, origTargetCand, similarN, newTargetCand, similarN)
	return nil
}

// sampleNames draws n names, a quarter of each kind, from the customers in
// the database (and, for new names, from the generator).
func sampleNames(ctx context.Context, db *store.DB, r *rand.Rand, n int) ([]dupQuery, error) {
	var maxID int64
	if err := db.SQL().GetContext(ctx, &maxID, `SELECT COALESCE(MAX(id), 0) FROM customers`); err != nil {
		return nil, err
	}
	if maxID == 0 {
		return nil, errors.New("no customers: run gen first")
	}
	taken := func(name string) (bool, error) {
		_, err := db.CustomerByKey(ctx, company.Parse(name).Key)
		if errors.Is(err, crm.ErrNotFound) {
			return false, nil
		}
		return err == nil, err
	}
	per := n / 4
	var out []dupQuery
	for _, kind := range dupKinds {
		for got := 0; got < per; {
			if kind == kindNew {
				name := randomCompany(r).raw
				if t, err := taken(name); err != nil {
					return nil, err
				} else if !t {
					out = append(out, dupQuery{kind: kind, name: name})
					got++
				}
				continue
			}
			id := 1 + r.Int64N(maxID)
			names, err := db.CustomerNames(ctx, []int64{id})
			if err != nil {
				return nil, err
			}
			orig, ok := names[id]
			if !ok {
				continue
			}
			var name string
			switch kind {
			case kindExact:
				name = orig
			case kindVariant:
				name = variantOf(r, orig)
			case kindSimilar:
				for _, cand := range similarTo(r, orig) {
					if t, err := taken(cand); err != nil {
						return nil, err
					} else if !t {
						name = cand
						break
					}
				}
			}
			if name == "" {
				continue
			}
			out = append(out, dupQuery{kind: kind, name: name, target: id})
			got++
		}
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out, nil
}

var legalVariants = []string{"有限公司", "有限责任公司", "股份有限公司", "集团有限公司"}

// variantOf writes a company's name another way that keeps its key: a
// region added, moved into brackets or dropped, another legal form, other
// brackets and spaces. "" when none works.
func variantOf(r *rand.Rand, orig string) string {
	n := company.Parse(orig)
	c := cities.pick(r).name
	legal := legalVariants[r.IntN(len(legalVariants))]
	cands := []string{
		c + "市" + n.Key + legal,
		n.Key + "（" + c + "）" + legal,
		n.Key + legal,
		" " + strings.ReplaceAll(strings.ReplaceAll(orig, "（", "("), "）", ")") + " ",
		strings.Replace(orig, "有限公司", "有限责任公司", 1),
		c + orig,
	}
	r.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	for _, v := range cands {
		if v != orig && company.Parse(v).Key == n.Key {
			return v
		}
	}
	return ""
}

var otherIndustry = []string{"科技", "贸易", "实业", "网络科技", "电子", "物流", "文化传媒", "咨询", "建设工程", "医疗器械"}

// similarTo writes names crm calls similar (not same) to a company's: its
// trade name with another industry, the trade name alone, the trade name
// with two more characters, a typo in the last character of a long trade
// name. Each comes back at most once, in random order.
func similarTo(r *rand.Rand, orig string) []string {
	n := company.Parse(orig)
	t := []rune(n.Trade)
	ind := otherIndustry[r.IntN(len(otherIndustry))]
	cands := []string{
		n.Trade + ind + "有限公司",
		cities.pick(r).name + n.Trade,
		n.Trade + trade(r, 2) + ind + "有限公司",
	}
	if len(t) >= 4 {
		typo := slices.Clone(t)
		typo[len(typo)-1] = tradeChoice.pick(r)
		cands = append(cands, string(typo)+ind+"有限公司")
	}
	r.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	var out []string
	for _, v := range cands {
		if company.Compare(v, orig) == company.Similar {
			out = append(out, v)
		}
	}
	return out
}
