package store

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/crm/company"
)

// customerCols read a customer; one in the pool has no owner (owner_id
// NULL, read as 0, with no owner name or department).
const customerCols = `c.id, c.name, c.name_key, c.trade_key, c.industry, c.industry_detail, c.size, c.size_detail,
	c.region, c.region_detail, c.source, c.source_detail, COALESCE(c.owner_id, 0) AS owner_id, c.note,
	c.archived, c.created_by, c.undated, c.created_at, c.updated_at, c.last_activity_at,
	c.pool_reason, c.pool_note, c.released_at, c.released_by, c.released_from,
	COALESCE(u.name, '') AS owner_name, COALESCE(u.dept_id, 0) AS owner_dept`

const customerFrom = ` FROM customers c LEFT JOIN users u ON u.id = c.owner_id `

// ownerArg is an owner id as stored: NULL for none (the pool).
func ownerArg(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func searchText(c crm.Customer) string {
	parts := []string{c.Name}
	for _, ct := range c.Contacts {
		parts = append(parts, ct.Name, ct.Phone)
	}
	return crm.FoldSearch(strings.Join(parts, "\x1f"))
}

// CreateCustomer adds a customer with its contacts.
func (s *DB) CreateCustomer(ctx context.Context, actor int64, c crm.Customer) (crm.Customer, error) {
	c.Name = strings.TrimSpace(c.Name)
	n := company.Parse(c.Name)
	c.NameKey, c.TradeKey = n.Key, n.Trade
	now := s.now()
	if c.CreatedAt.IsZero() { // imports and the demo bring their own dates
		c.CreatedAt = now
	}
	c.CreatedAt = c.CreatedAt.UTC().Truncate(time.Microsecond)
	c.UpdatedAt = now
	if c.CreatedBy == 0 {
		c.CreatedBy = cmp.Or(actor, c.OwnerID) // the command line acts as no one
	}
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		const q = `INSERT INTO customers (name, name_key, trade_key, industry, industry_detail, size, size_detail,
				region, region_detail, source, source_detail, owner_id, note, search_text, archived, created_by, undated, created_at, updated_at,
				pool_reason, released_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`
		var releasedAt *time.Time
		if c.OwnerID == 0 { // created in the pool (an import's "公海")
			c.PoolReason, releasedAt = crm.PoolImport, &now
		}
		id, err := insertID(ctx, tx, q, c.Name, c.NameKey, c.TradeKey, c.Industry, c.IndustryDetail, c.Size, c.SizeDetail,
			c.Region, c.RegionDetail, c.Source, c.SourceDetail, ownerArg(c.OwnerID), c.Note, searchText(c), false, c.CreatedBy, c.Undated, c.CreatedAt, now,
			c.PoolReason, releasedAt)
		if err != nil {
			if isConflictOn(err, "name_key") {
				return crm.Errorf(crm.CodeConflict, "customer.duplicate", c.NameKey)
			}
			return err
		}
		c.ID = id
		if grams := company.Grams(n); len(grams) > 0 {
			// One statement for all of the name's grams (about ten).
			args := make([]any, 0, 2*len(grams))
			for _, g := range grams {
				args = append(args, g, id)
			}
			q := `INSERT INTO customer_grams (gram, customer_id) VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?), ", len(grams)), ", ") + ` ON CONFLICT DO NOTHING`
			if _, err := exec(ctx, tx, q, args...); err != nil {
				return err
			}
		}
		for i := range c.Contacts {
			ct := &c.Contacts[i]
			ct.CustomerID = id
			ct.ID, err = insertID(ctx, tx, `INSERT INTO contacts (customer_id, name, phone, title) VALUES (?, ?, ?, ?) RETURNING id`, id, ct.Name, ct.Phone, ct.Title)
			if err != nil {
				return err
			}
		}
		return audit(ctx, tx, actor, "customer", id, "create", nil, c, now)
	})
	if err != nil {
		return crm.Customer{}, fmt.Errorf("store: create customer %q: %w", c.Name, err)
	}
	return s.Customer(ctx, c.ID)
}

// Customer returns one customer with contacts and owner.
func (s *DB) Customer(ctx context.Context, id int64) (crm.Customer, error) {
	var c crm.Customer
	if err := get(ctx, s.db, &c, `SELECT `+customerCols+customerFrom+`WHERE c.id = ?`, id); err != nil {
		if crm.ErrorCode(err) == crm.CodeNotFound {
			err = crm.Errorf(crm.CodeNotFound, "customer.not_found")
		}
		return c, fmt.Errorf("store: customer %d: %w", id, err)
	}
	if err := sel(ctx, s.db, &c.Contacts, `SELECT id, customer_id, name, phone, title FROM contacts WHERE customer_id = ? ORDER BY id`, id); err != nil {
		return c, fmt.Errorf("store: contacts of customer %d: %w", id, err)
	}
	if err := sel(ctx, s.db, &c.Collaborators, `SELECT user_id FROM collaborators WHERE customer_id = ? ORDER BY user_id`, id); err != nil {
		return c, fmt.Errorf("store: collaborators of customer %d: %w", id, err)
	}
	return c, nil
}

// CustomerByKey finds the customer with a normalised name.
func (s *DB) CustomerByKey(ctx context.Context, key string) (crm.Customer, error) {
	var id int64
	if err := get(ctx, s.db, &id, `SELECT id FROM customers WHERE name_key = ?`, key); err != nil {
		return crm.Customer{}, fmt.Errorf("store: customer by name: %w", err)
	}
	return s.Customer(ctx, id)
}

// similarFanOut caps the customers one gram of a name brings to the
// similar lookup. A gram shared by more customers than this (an industry
// word such as 科技 or 管理, a very common trade-name bigram) says little
// about a name and, with a million customers, would have the lookup group
// hundreds of thousands of postings: only its first similarFanOut+1 postings
// (by customer id) are read, and it is ranked below the rarer grams.
const similarFanOut = 500

// SimilarCustomers returns customers sharing search grams with n, best
// candidates first: the most shared grams, counting the grams that more
// than similarFanOut customers share (common grams) only to break ties,
// then the lowest id. Every gram of company.Grams is looked up, so a
// customer crm calls similar or same is a candidate whenever it is among the
// first postings of a common gram or shares a rarer one; when no gram is
// common the order is simply the most shared grams first. It reads at most
// similarFanOut+1 postings per gram from the gram index, never the whole
// table.
func (s *DB) SimilarCustomers(ctx context.Context, n company.Name, limit int) ([]crm.Customer, error) {
	grams := company.Grams(n)
	if len(grams) == 0 {
		return nil, nil
	}
	// One capped index range per gram; fan is how many postings the range
	// returned, so fan > similarFanOut marks a common gram. A rare gram
	// weighs more than all the common grams of the name together.
	var q strings.Builder
	args := make([]any, 0, 2*len(grams)+3)
	q.WriteString(`SELECT customer_id FROM (`)
	for i, g := range grams {
		if i > 0 {
			q.WriteString(` UNION ALL `)
		}
		fmt.Fprintf(&q, `SELECT customer_id, COUNT(*) OVER () AS fan FROM (SELECT customer_id FROM customer_grams WHERE gram = ? ORDER BY customer_id LIMIT ?) g%d`, i)
		args = append(args, g, similarFanOut+1)
	}
	q.WriteString(`) x GROUP BY customer_id ORDER BY SUM(CASE WHEN fan > ? THEN 1 ELSE ? END) DESC, customer_id LIMIT ?`)
	args = append(args, similarFanOut, len(grams)+1, limit)
	var ids []int64
	if err := sel(ctx, s.db, &ids, q.String(), args...); err != nil {
		return nil, fmt.Errorf("store: similar customers: %w", err)
	}
	return s.customersByID(ctx, ids)
}

// customersByID loads customers keeping the order of ids.
func (s *DB) customersByID(ctx context.Context, ids []int64) ([]crm.Customer, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q, args, err := sqlx.In(`SELECT `+customerCols+customerFrom+`WHERE c.id IN (?)`, ids)
	if err != nil {
		return nil, err
	}
	var cs []crm.Customer
	if err := sel(ctx, s.db, &cs, q, args...); err != nil {
		return nil, fmt.Errorf("store: customers: %w", err)
	}
	byID := make(map[int64]crm.Customer, len(cs))
	for _, c := range cs {
		byID[c.ID] = c
	}
	out := make([]crm.Customer, 0, len(ids))
	for _, id := range ids {
		if c, ok := byID[id]; ok {
			out = append(out, c)
		}
	}
	return out, nil
}

// scopeWhere returns the SQL condition (on aliases c and u) and arguments
// that restrict customers to a scope. It is the SQL form of crm.Viewer.CanSee.
func scopeWhere(sc crm.Scope) (string, []any) {
	if sc.All {
		return "c.archived = ?", []any{false}
	}
	cond := "c.owner_id = ?"
	args := []any{sc.OwnerID}
	if len(sc.DeptIDs) > 0 {
		ph := strings.TrimSuffix(strings.Repeat("?,", len(sc.DeptIDs)), ",")
		cond = "(c.owner_id = ? OR u.dept_id IN (" + ph + "))"
		for _, d := range sc.DeptIDs {
			args = append(args, d)
		}
	}
	if sc.CollaboratorID != 0 {
		cond = "(" + cond + " OR c.id IN (SELECT customer_id FROM collaborators WHERE user_id = ?))"
		args = append(args, sc.CollaboratorID)
	}
	return "c.archived = ? AND " + cond, append([]any{false}, args...)
}

// escapeLike escapes LIKE's wildcards so user text matches literally.
func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// FindCustomers searches names, contacts and phones within scope.
func (s *DB) FindCustomers(ctx context.Context, sc crm.Scope, text string, limit, offset int) ([]crm.Customer, error) {
	where, args := scopeWhere(sc)
	f := crm.FoldSearch(text)
	if f == "" {
		return nil, nil
	}
	q := `SELECT ` + customerCols + customerFrom + `WHERE ` + where + ` AND c.search_text LIKE ? ESCAPE '\'
		ORDER BY CASE WHEN c.search_text LIKE ? ESCAPE '\' THEN 0 ELSE 1 END, c.last_activity_at DESC, c.id DESC LIMIT ? OFFSET ?`
	args = append(args, "%"+escapeLike(f)+"%", escapeLike(f)+"%", limit, offset)
	var out []crm.Customer
	if err := sel(ctx, s.db, &out, orderNulls(s.driver, q), args...); err != nil {
		return nil, fmt.Errorf("store: find customers: %w", err)
	}
	return out, nil
}

// orderNulls makes "x DESC" put NULLs last on PostgreSQL as SQLite does.
func orderNulls(driver, q string) string {
	if driver == Postgres {
		return strings.ReplaceAll(q, "c.last_activity_at DESC", "c.last_activity_at DESC NULLS LAST")
	}
	return q
}

// ListCustomers lists customers in scope, most recently active first.
func (s *DB) ListCustomers(ctx context.Context, sc crm.Scope, limit, offset int) ([]crm.Customer, error) {
	where, args := scopeWhere(sc)
	q := `SELECT ` + customerCols + customerFrom + `WHERE ` + where + `
		ORDER BY COALESCE(c.last_activity_at, c.created_at) DESC, c.id DESC LIMIT ? OFFSET ?`
	var out []crm.Customer
	if err := sel(ctx, s.db, &out, q, append(args, limit, offset)...); err != nil {
		return nil, fmt.Errorf("store: list customers: %w", err)
	}
	return out, nil
}

// CountCustomers counts customers in scope.
func (s *DB) CountCustomers(ctx context.Context, sc crm.Scope) (int, error) {
	where, args := scopeWhere(sc)
	var n int
	if err := get(ctx, s.db, &n, `SELECT COUNT(*)`+customerFrom+`WHERE `+where, args...); err != nil {
		return 0, fmt.Errorf("store: count customers: %w", err)
	}
	return n, nil
}

// StaleCustomers lists customers in scope not contacted since before.
func (s *DB) StaleCustomers(ctx context.Context, sc crm.Scope, before time.Time, limit int) ([]crm.Customer, error) {
	where, args := scopeWhere(sc)
	q := `SELECT ` + customerCols + customerFrom + `WHERE ` + where + ` AND COALESCE(c.last_activity_at, c.created_at) < ?
		AND (c.snooze_base IS NULL OR c.snooze_base < ?)
		ORDER BY COALESCE(c.last_activity_at, c.created_at), c.id LIMIT ?`
	var out []crm.Customer
	if err := sel(ctx, s.db, &out, q, append(args, before.UTC(), before.UTC(), limit)...); err != nil {
		return nil, fmt.Errorf("store: stale customers: %w", err)
	}
	return out, nil
}

// CountStaleCustomers counts the customers StaleCustomers lists.
func (s *DB) CountStaleCustomers(ctx context.Context, sc crm.Scope, before time.Time) (int, error) {
	where, args := scopeWhere(sc)
	q := `SELECT COUNT(*)` + customerFrom + `WHERE ` + where + ` AND COALESCE(c.last_activity_at, c.created_at) < ?
		AND (c.snooze_base IS NULL OR c.snooze_base < ?)`
	var n int
	if err := get(ctx, s.db, &n, q, append(args, before.UTC(), before.UTC())...); err != nil {
		return 0, fmt.Errorf("store: count stale customers: %w", err)
	}
	return n, nil
}

// AddContact adds a contact to a customer.
func (s *DB) AddContact(ctx context.Context, actor int64, ct crm.Contact) (crm.Contact, error) {
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		ct.ID, err = insertID(ctx, tx, `INSERT INTO contacts (customer_id, name, phone, title) VALUES (?, ?, ?, ?) RETURNING id`, ct.CustomerID, ct.Name, ct.Phone, ct.Title)
		if err != nil {
			return err
		}
		if _, err := exec(ctx, tx, `UPDATE customers SET search_text = search_text || ? WHERE id = ?`, crm.FoldSearch("\x1f"+ct.Name+"\x1f"+ct.Phone), ct.CustomerID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "contact", ct.ID, "create", nil, ct, s.now())
	})
	if err != nil {
		return ct, fmt.Errorf("store: add contact to customer %d: %w", ct.CustomerID, err)
	}
	return ct, nil
}

// RecordDuplicateClaim stores a refused claim and, in the same transaction,
// queues its alert to each of the users and groups under alertKey (keys
// queued before are skipped).
func (s *DB) RecordDuplicateClaim(ctx context.Context, d crm.DuplicateClaim, alertKey string, users []int64, groups []crm.Group) (crm.DuplicateClaim, error) {
	if d.At.IsZero() {
		d.At = s.now()
	}
	d.At = d.At.UTC().Truncate(time.Microsecond)
	err := s.tx(ctx, func(tx *sqlx.Tx) error {
		var err error
		d.ID, err = insertID(ctx, tx, `INSERT INTO duplicate_claims (customer_id, claimant_id, owner_id, raw_name, at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			d.CustomerID, d.ClaimantID, d.OwnerID, d.RawName, d.At)
		if err != nil {
			return err
		}
		var pushes []crm.OutboxItem
		for _, u := range users {
			pushes = append(pushes, crm.NewPush(fmt.Sprintf("%s:user:%d", alertKey, u), crm.PushDuplicateClaim, u, d))
		}
		for _, g := range groups {
			it := crm.NewPush(fmt.Sprintf("%s:group:%s:%s", alertKey, g.Channel, g.ChatID), crm.PushDuplicateClaim, 0, d)
			it.Channel, it.ChatID = g.Channel, g.ChatID
			pushes = append(pushes, it)
		}
		if _, err := s.enqueueItems(ctx, tx, pushes, d.At); err != nil {
			return err
		}
		return audit(ctx, tx, d.ClaimantID, "customer", d.CustomerID, "duplicate_claim", nil, d, d.At)
	})
	if err != nil {
		return d, fmt.Errorf("store: record duplicate claim: %w", err)
	}
	return d, nil
}

// CustomerNames returns the names of the customers with the ids.
func (s *DB) CustomerNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	q, args, err := sqlx.In(`SELECT id, name FROM customers WHERE id IN (?)`, ids)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		ID   int64  `db:"id"`
		Name string `db:"name"`
	}
	if err := sel(ctx, s.db, &rows, q, args...); err != nil {
		return nil, fmt.Errorf("store: customer names: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}

// SnoozeStale keeps a customer off the quiet list until the stale window
// has passed since base (see crm.Store).
func (s *DB) SnoozeStale(ctx context.Context, actor, customerID int64, base time.Time) error {
	return s.tx(ctx, func(tx *sqlx.Tx) error {
		if _, err := exec(ctx, tx, `UPDATE customers SET snooze_base = ? WHERE id = ?`, base.UTC(), customerID); err != nil {
			return fmt.Errorf("store: snooze customer %d: %w", customerID, err)
		}
		return audit(ctx, tx, actor, "customer", customerID, "snooze", nil, map[string]time.Time{"snooze_base": base.UTC()}, s.now())
	})
}
