-- Indexes for a large book (a million customers, a thousand reps): the
-- morning workbench reads each rep's customers and, through them, the open
-- plans, open deals and next actions; docs/BENCHMARKS.md has the figures.

-- A rep's customers by owner: with archived and the "last contact" moment
-- in the key, the ids come from the index alone (no table reads for the
-- rep's ~1000 customers) and the stale list is the index's first rows.
CREATE INDEX customers_owner_stale ON customers (owner_id, archived, COALESCE(last_activity_at, created_at), id);

-- Open payment plans of a customer by due date (PlansDue picks them on the
-- index alone); plans paid in full are left out, so the index stays small.
CREATE INDEX payment_plans_open ON payment_plans (customer_id, due_date, id) WHERE paid < amount;

-- Open deals of a customer (OpenDealsInScope).
CREATE INDEX deals_open ON deals (customer_id) WHERE stage NOT IN ('contract', 'lost');

-- Next actions by date (NextActionsDue picks them on the index alone): one
-- day's actions sit together, so a rep's lookups read a few cached pages.
CREATE INDEX activities_next ON activities (next_date, customer_id, id);

-- Open complaints of a customer (OpenComplaints picks them on the index
-- alone); closed complaints pile up over the years, open ones stay few.
CREATE INDEX complaints_open ON complaints (customer_id, id) WHERE status = 'open';
