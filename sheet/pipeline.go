package sheet

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/company"
)

// How an import keeps the store busy. Each row costs a few reads (exact
// and similar names) and, when it passes, one write transaction. The
// verdict of a row depends on the rows before it only through what the
// importer holds in memory (names seen, rows accepted), never through the
// store, so the reads of a chunk of rows run concurrently ahead of the
// verdicts, and the writes run concurrently behind them: on PostgreSQL this
// divides the time by about the number of workers; on SQLite (one
// connection) it changes little. The verdicts themselves are taken in file
// order, one row at a time, exactly as a one-row-at-a-time import would.
const (
	lookupWorkers = 4
	createWorkers = 4
	chunkRows     = 256
)

// job is one data row on its way through the import.
type job struct {
	rec  record
	name string
	n    company.Name
	bad  string // the name is unusable: the reason

	// store lookups, done ahead
	existing crm.Customer
	exists   bool
	similar  []crm.Customer // similar customers in the store, best first

	cust crm.Customer // the customer to create
	res  RowResult    // Status "" until decided (and, for a write, done)
}

// run imports the rows; it returns the jobs decided so far (all of them
// unless err is set), in file order.
func (im *importer) run(ctx context.Context, rows []record) ([]*job, error) {
	jobs := make([]*job, len(rows))
	for i, rec := range rows {
		jobs[i] = &job{rec: rec}
	}
	cr := im.newCreator(ctx)
	err := func() error {
		for start := 0; start < len(jobs) && !cr.stopped(); start += chunkRows {
			chunk := jobs[start:min(start+chunkRows, len(jobs))]
			if err := im.lookupAll(ctx, chunk); err != nil {
				return err
			}
			for _, j := range chunk {
				if err := ctx.Err(); err != nil {
					return err
				}
				accepted, err := im.decide(ctx, j)
				if err != nil {
					return err
				}
				if accepted {
					if cr.stopped() {
						return nil // a write failed: wait returns why
					}
					cr.submit(j)
				}
			}
		}
		return nil
	}()
	if cerr := cr.wait(); err == nil {
		err = cerr
	}
	if err != nil {
		var done []*job
		for _, j := range jobs {
			if j.res.Status != "" {
				done = append(done, j)
			}
		}
		return done, err
	}
	return jobs, nil
}

// lookupAll checks the names of a chunk and reads what the store has for
// them, concurrently.
func (im *importer) lookupAll(ctx context.Context, chunk []*job) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		next  = make(chan *job)
	)
	for range min(lookupWorkers, len(chunk)) {
		wg.Go(func() {
			for j := range next {
				if err := im.lookup(ctx, j); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for _, j := range chunk {
		next <- j
	}
	close(next)
	wg.Wait()
	return first
}

func (im *importer) lookup(ctx context.Context, j *job) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	j.name = im.m.cell(j.rec.cells, FieldName)
	j.res = RowResult{Row: j.rec.row, Name: j.name}
	nc, err := im.svc.CheckName(ctx, j.name, !im.opt.AllowSimilar)
	if e, ok := crm.AsError(err); ok && e.Code == crm.CodeInvalid {
		switch e.Key {
		case "new.name_empty":
			j.bad = im.say("公司名称为空", "company name is empty")
		case "text.too_long_n":
			j.bad = im.say("公司名称超过 %d 个字", "company name is longer than %d characters", crm.MaxNameRunes)
		default:
			j.bad = im.say("公司名称无效：没有文字或数字", "company name has no letters or digits")
		}
	} else if err != nil {
		return err
	}
	// Text with a NUL byte or a bidi override is refused, as in chat, in
	// any column: it breaks PostgreSQL or disguises a name. An empty or
	// overlong name is said first.
	if e, _ := crm.AsError(err); e == nil || e.Key == "new.name_invalid" {
		for _, cell := range j.rec.cells {
			if r, ok := crm.HiddenRune(cell); ok {
				j.bad = im.say("含有看不见的控制字符 U+%04X，请删掉后重新导入", "contains the invisible control character U+%04X; delete it and import again", r)
				break
			}
		}
	}
	if j.bad != "" {
		return nil
	}
	j.n = nc.Name
	if nc.Existing != nil {
		j.existing, j.exists = *nc.Existing, true
		return nil
	}
	j.similar = nc.Similar
	return nil
}

// decide takes the verdict on a row, in file order. accepted means the row
// is to be created (in a dry run it is marked created at once).
func (im *importer) decide(ctx context.Context, j *job) (accepted bool, err error) {
	res := &j.res
	if j.bad != "" {
		res.Status, res.Reason = StatusInvalid, j.bad
		return false, nil
	}
	// Exact duplicates: earlier in the file first, so that a dry run and a
	// real run (where the earlier row is saved already) agree; then the
	// store.
	first, seen := im.keys[j.n.Key]
	if seen && !first.inStore {
		res.Status, res.EarlierRow, res.Existing = StatusDuplicateFile, first.row, first.name
		res.Reason = im.say("与第 %d 行（%s）是同一家公司", "same company as row %d (%s)", first.row, first.name)
		return false, nil
	}
	if j.exists {
		if !seen {
			im.keys[j.n.Key] = fileRow{row: j.rec.row, name: j.name, inStore: true}
		}
		im.duplicateDB(res, j.existing)
		return false, nil
	}
	im.keys[j.n.Key] = fileRow{row: j.rec.row, name: j.name}

	c, unmapped, problem, err := im.customer(ctx, j.rec.cells, j.name, j.n)
	if err != nil {
		return false, err
	}
	res.Unmapped = unmapped
	if problem != "" {
		res.Status, res.Reason = StatusInvalid, problem
		return false, nil
	}

	if !im.opt.AllowSimilar && im.similarSkipped(j, c.OwnerID) {
		return false, nil
	}

	im.index.add(j.n, fileRow{row: j.rec.row, name: j.name, owner: c.OwnerID})
	if im.opt.DryRun {
		res.Status = StatusCreated
		return false, nil
	}
	j.cust = c
	return true, nil
}

// similarSkipped judges a row's similar names: a person decides, nothing
// is merged or created silently. A row similar to an earlier row of
// another owner, or to a customer saved before the import, is skipped
// (similar); one similar only to earlier rows of its own owner is created
// and listed for review. Earlier rows first, as above; a customer this
// import saved is one of its earlier rows, not a customer from before.
func (im *importer) similarSkipped(j *job, owner int64) bool {
	res := &j.res
	earlier := im.index.similar(j.n, j.name)
	for _, e := range earlier {
		if e.owner != owner {
			res.Status, res.Existing, res.EarlierRow = StatusSimilar, e.name, e.row
			res.Reason = im.say("与第 %d 行（%s）名称相近：核对后如确为不同公司，请用“允许相似”重新导入",
				"similar to row %d (%s): if it is another company, re-import it allowing similar names",
				e.row, e.name)
			return true
		}
	}
	for _, c := range j.similar {
		if f, ok := im.keys[c.NameKey]; ok && !f.inStore {
			continue
		}
		res.Status, res.Existing, res.ExistingOwner = StatusSimilar, c.Name, c.OwnerName
		res.Reason = im.say("与已有客户“%s”（负责人 %s）名称相近：核对后如确为不同公司，请用“允许相似”重新导入",
			"similar to existing customer %q (owner %s): if it is another company, re-import it allowing similar names",
			c.Name, c.OwnerName)
		return true
	}
	if len(earlier) > 0 {
		e := earlier[0]
		res.Review, res.Existing, res.EarlierRow = true, e.name, e.row
		res.Reason = im.say("与第 %d 行（%s）名称相近，负责人相同：已导入，请核对", "similar to row %d (%s), same owner: imported, please check",
			e.row, e.name)
	}
	return false
}

func (im *importer) duplicateDB(res *RowResult, ex crm.Customer) {
	res.Status, res.Existing, res.ExistingOwner = StatusDuplicateDB, ex.Name, ex.OwnerName
	res.Reason = im.say("客户已存在：“%s”，负责人 %s", "already a customer: %q, owner %s", ex.Name, ex.OwnerName)
}

// creator writes accepted rows with a few workers, each customer in its own
// transaction (the store audits each). After a failed write it starts no
// other, but lets those under way finish, so that the report names every
// customer that was saved.
type creator struct {
	im   *importer
	ctx  context.Context
	jobs chan *job
	wg   sync.WaitGroup
	stop atomic.Bool
	mu   sync.Mutex
	err  error
}

func (im *importer) newCreator(ctx context.Context) *creator {
	cr := &creator{im: im, ctx: ctx, jobs: make(chan *job, createWorkers)}
	if im.opt.DryRun {
		return cr
	}
	for range createWorkers {
		cr.wg.Go(func() {
			for j := range cr.jobs {
				if cr.stopped() || cr.ctx.Err() != nil {
					continue
				}
				if err := cr.create(j); err != nil {
					cr.mu.Lock()
					if cr.err == nil {
						cr.err = err
					}
					cr.mu.Unlock()
					cr.stop.Store(true)
				}
			}
		})
	}
	return cr
}

func (cr *creator) submit(j *job) { cr.jobs <- j }

func (cr *creator) stopped() bool { return cr.stop.Load() }

// wait drains the workers and returns the first write error.
func (cr *creator) wait() error {
	close(cr.jobs)
	cr.wg.Wait()
	return cr.err
}

func (cr *creator) create(j *job) error {
	im := cr.im
	created, existing, err := im.svc.ImportCustomer(cr.ctx, im.actor, j.cust)
	switch {
	case existing != nil:
		// Someone added it between the check and the insert.
		im.duplicateDB(&j.res, *existing)
	case err == nil:
		j.res.CustomerID = created.ID
		j.res.Status = StatusCreated
	case crm.ErrorCode(err) == crm.CodeInvalid:
		e, _ := crm.AsError(err)
		j.res.Status, j.res.Reason = StatusInvalid, im.say("数据无效（%s）", "invalid data (%s)", e.Key)
	default:
		return err
	}
	return nil
}
