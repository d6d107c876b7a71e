package sales_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/sentence"
	"github.com/salesbot-crm/salesbot/sales"
	"github.com/salesbot-crm/salesbot/store"
	"github.com/salesbot-crm/salesbot/store/storetest"
)

// benchSentences are read in turn by the benchmarks.
var benchSentences = []string{
	"今天见了青禾王总，下周五发报价",
	"收到立美回款5万",
	"约了瑞丰明天下午3点演示",
	"恒通推进到商务谈判 80% 50万 月底签",
	"青禾怎么样",
	"met acme's mr smith, next friday send quote",
}

// BenchmarkReadSentencePure is crm/sentence alone: the text read, no
// customer looked up.
func BenchmarkReadSentencePure(b *testing.B) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	i := 0
	for b.Loop() {
		sentence.Read(benchSentences[i%len(benchSentences)], now, sentence.None)
		i++
	}
}

// BenchmarkReadSentence is sales.ReadSentence for a rep who sees n
// customers (SQLite and PostgreSQL): the sentence read and its customer
// looked up. ns/op is one sentence.
func BenchmarkReadSentence(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		for _, e := range storetest.Engines() {
			b.Run(fmt.Sprintf("%s/customers=%d", e.Name, n), func(b *testing.B) {
				db := e.Open(b)
				svc, rep := seedSentenceBench(b, db, n)
				now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
				i := 0
				var took []time.Duration
				b.ResetTimer()
				for b.Loop() {
					start := time.Now()
					if _, err := svc.ReadSentence(ctx, rep, benchSentences[i%len(benchSentences)], sentence.None, now, 6); err != nil {
						b.Fatal(err)
					}
					took = append(took, time.Since(start))
					i++
				}
				slices.Sort(took)
				b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
			})
		}
	}
}

// seedSentenceBench gives a rep n customers: the ones the sentences name
// and generated companies (城市 + two or three trade characters + an
// industry word + 有限公司), each with a contact.
func seedSentenceBench(b *testing.B, db *store.DB, n int) (*sales.Service, crm.Viewer) {
	b.Helper()
	svc := sales.New(db)
	u, err := db.CreateUser(ctx, 0, crm.User{Name: "张三", Role: crm.RoleRep})
	if err != nil {
		b.Fatal(err)
	}
	rep, err := svc.ViewerOf(ctx, u)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range evalCustomers[:8] {
		if _, err := db.CreateCustomer(ctx, u.ID, crm.Customer{Name: c.name, OwnerID: u.ID, Contacts: c.contacts}); err != nil {
			b.Fatal(err)
		}
	}
	cities := []rune("京沪穗深杭宁苏锡常汉蓉渝津厦青连沈哈长郑济合福昆贵南西兰银乌")
	chars := []rune("安邦宝德鼎丰福富广海昊弘宏华辉嘉金锦俊凯康乐联隆茂美明鹏品启谦荣瑞晟盛泰腾天通同万伟新鑫星信兴旭雅亿盈永优裕远悦正志中卓")
	trades := []string{"科技", "贸易", "机械", "物流", "电子", "医药", "建材", "食品", "服饰", "软件", "化工", "能源"}
	surnames := []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
	r := rand.New(rand.NewPCG(1, 2))
	seen := map[string]bool{}
	for made := 8; made < n; {
		k := 2 + r.IntN(2)
		trade := make([]rune, k)
		for i := range trade {
			trade[i] = chars[r.IntN(len(chars))]
		}
		name := string(cities[r.IntN(len(cities))]) + string(trade) + trades[r.IntN(len(trades))] + "有限公司"
		if seen[name] {
			continue
		}
		seen[name] = true
		contact := crm.Contact{Name: string(surnames[r.IntN(len(surnames))]) + "经理", Phone: fmt.Sprintf("139%08d", made)}
		if _, err := db.CreateCustomer(ctx, u.ID, crm.Customer{Name: name, OwnerID: u.ID, Contacts: []crm.Contact{contact}}); err != nil {
			if crm.ErrorCode(err) == crm.CodeConflict {
				continue
			}
			b.Fatal(err)
		}
		made++
	}
	return svc, rep
}
