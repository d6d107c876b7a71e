package store

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/salesbot-crm/salesbot/crm"
)

var _ crm.ReadBatcher = (*DB)(nil)

// Read batches (BatchReads): a handler's reads share one read-only
// PostgreSQL transaction at READ COMMITTED, so each statement sees what
// was committed when it started, as an autocommit read does, and a write
// made meanwhile on another connection is seen by the reads after it.
// Bounds keep it harmless: at most maxReadBatches batches hold a
// connection at once (the pool has 20; a batch's writes need another),
// a batch is given up after maxReadBatchAge (a handler that went on to
// slow work does not sit idle in a transaction), and any error in the
// batch ends it and runs the statement again on the pool.
const (
	maxReadBatches  = 8
	maxReadBatchAge = time.Second
)

type readBatch struct {
	db    *DB
	ctx   context.Context
	mu    sync.Mutex
	tx    *sqlx.Tx
	began time.Time
	off   bool // the reads go to the pool
	slot  bool
}

type readBatchKey struct{}

// BatchReads returns a context under which the store's reads share one
// read-only transaction (PostgreSQL only: SQLite reads cost no round trip),
// and end, which commits it.
func (s *DB) BatchReads(ctx context.Context) (context.Context, func()) {
	if s.driver != Postgres {
		return ctx, func() {}
	}
	b := &readBatch{db: s, ctx: ctx}
	return context.WithValue(ctx, readBatchKey{}, b), b.end
}

func (b *readBatch) end() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.stop()
}

// stop commits the transaction, if any, and sends later reads to the pool;
// the caller holds mu.
func (b *readBatch) stop() {
	b.off = true
	if b.tx != nil {
		b.tx.Commit()
		b.tx = nil
	}
	if b.slot {
		<-b.db.batchSlots()
		b.slot = false
	}
}

// run runs a read in the batch; ok is false when it is not for the batch
// (the caller runs it on the pool).
func (b *readBatch) run(query string, fn func(tx *sqlx.Tx) error) (bool, error) {
	if !isSelect(query) {
		return false, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.off {
		return false, nil
	}
	if b.tx != nil && time.Since(b.began) > maxReadBatchAge {
		b.stop()
		return false, nil
	}
	if b.tx == nil {
		select {
		case b.db.batchSlots() <- struct{}{}:
			b.slot = true
		default:
			b.off = true
			return false, nil
		}
		tx, err := b.db.db.BeginTxx(b.ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			b.stop()
			return false, nil
		}
		b.tx, b.began = tx, time.Now()
	}
	if err := fn(b.tx); err != nil {
		// Whatever it was, the pool answers it as it always did.
		b.tx.Rollback()
		b.tx = nil
		b.stop()
		return false, nil
	}
	return true, nil
}

func isSelect(query string) bool {
	head := strings.ToUpper(strings.TrimSpace(query))
	return strings.HasPrefix(head, "SELECT") && !strings.Contains(head, " FOR UPDATE")
}

var batchSlotsMu sync.Mutex

func (s *DB) batchSlots() chan struct{} {
	batchSlotsMu.Lock()
	defer batchSlotsMu.Unlock()
	if s.slots == nil {
		s.slots = make(chan struct{}, maxReadBatches)
	}
	return s.slots
}

func batchOf(ctx context.Context) *readBatch {
	b, _ := ctx.Value(readBatchKey{}).(*readBatch)
	return b
}
