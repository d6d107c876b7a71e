package crm

import (
	"strconv"
	"strings"
)

// Money is an amount in fen (分), the smallest unit of the yuan. Money is
// never a float.
type Money int64

// Yuan returns m as a whole-yuan value and the remaining fen.
func (m Money) split() (neg bool, yuan int64, fen int64) {
	v := int64(m)
	if v < 0 {
		neg, v = true, -v
	}
	return neg, v / 100, v % 100
}

// String formats m as ¥50,000 or ¥3,000.50 (fen shown only when non-zero).
func (m Money) String() string {
	neg, yuan, fen := m.split()
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	b.WriteString("¥")
	b.WriteString(groupThousands(yuan))
	if fen != 0 {
		b.WriteByte('.')
		if fen < 10 {
			b.WriteByte('0')
		}
		b.WriteString(strconv.FormatInt(fen, 10))
	}
	return b.String()
}

func groupThousands(v int64) string {
	s := strconv.FormatInt(v, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// Yuan makes a Money from whole yuan.
func Yuan(y int64) Money { return Money(y * 100) }

// SplitByWeights divides total into parts proportional to weights, in whole
// units, so that the parts add up to total exactly (largest remainders get
// the leftover units). All-zero weights split evenly.
func SplitByWeights(total int64, weights []int64) []int64 {
	n := len(weights)
	out := make([]int64, n)
	if n == 0 {
		return out
	}
	var sum int64
	for _, w := range weights {
		if w > 0 {
			sum += w
		}
	}
	if sum == 0 {
		weights = make([]int64, n)
		for i := range weights {
			weights[i] = 1
		}
		sum = int64(n)
	}
	type rem struct {
		i int
		r int64
	}
	rems := make([]rem, n)
	var given int64
	for i, w := range weights {
		if w < 0 {
			w = 0
		}
		// total*w may overflow for huge totals; split the product.
		q, r := total/sum, total%sum
		out[i] = q*w + (r*w)/sum
		rems[i] = rem{i, (r * w) % sum}
		given += out[i]
	}
	for left := total - given; left > 0; left-- {
		best := -1
		for j, x := range rems {
			if best < 0 || x.r > rems[best].r {
				best = j
			}
		}
		out[rems[best].i]++
		rems[best].r = -1
	}
	return out
}
