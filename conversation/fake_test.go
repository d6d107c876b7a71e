package conversation_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
	"github.com/salesbot-crm/salesbot/sales"
)

// fakeCRM is a little CRM in memory that answers as package sales does:
// the same permission checks through crm.Viewer, the same crm errors
// (NotFound for a customer the actor may not see, Forbidden
// "auth.customer_forbidden" for one they may only see as a collaborator).
// It records every call, and every write with its argument.
type fakeCRM struct {
	depts      []crm.Department
	users      []crm.User
	customers  []crm.Customer
	deals      []crm.Deal
	plans      []crm.PaymentPlan
	appts      []crm.Appointment
	complaints []crm.Complaint
	reports    []crm.Report
	targets    []crm.Target
	// similar maps a typed name to the customers the name check calls
	// similar (the real rule is crm's, tested there).
	similar map[string][]int64
	// actual is each rep's last-period figure for a split by share.
	actual map[int64]int64
	// deptActual is each department's.
	deptActual map[int64]int64
	// mismatches is what TargetMismatches answers.
	mismatches []sales.TargetSum
	// fail makes a method return an error (once).
	fail map[string]error
	// places are the customers' known locations (set by a first check-in).
	places map[int64]crm.Location

	calls  []string // every method called, in order
	writes []write  // every change, in order
	nextID int64
}

// write is one change asked of the CRM: the use case and its argument.
type write struct {
	Method string
	Arg    any
}

// Arguments of the writes that take more than one value.
type (
	claimArgs struct {
		CustomerID, ClaimantID int64
		Raw                    string
	}
	closeArgs struct {
		ID         int64
		Resolution string
		At         time.Time
	}
	commentArgs struct {
		ID      int64
		Comment string
		At      time.Time
	}
	handArgs struct {
		From, To int64
		IDs      []int64
	}
)

// The people and customers of the fake.
const (
	idEast, idSouth, idShanghai           = 1, 2, 3
	idWang, idZhang, idLi, idZhao, idBoss = 1, 2, 3, 4, 5
	idQian                                = 6    // a deactivated rep
	custQinghe, custRuifeng               = 1, 2 // 张三's; 李四 collaborates on 青禾
	custHengtong, custJinqiao             = 3, 4 // 李四's, 赵六's
	dealRuifeng, planRuifeng              = 1, 1
	complaintRuifeng, reportZhang         = 1, 1
)

var testNow = time.Date(2026, 11, 29, 10, 0, 0, 0, shanghai) // a Sunday

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

func newFakeCRM() *fakeCRM {
	lastWeek := testNow.AddDate(0, 0, -3)
	return &fakeCRM{
		depts: []crm.Department{{ID: idEast, Name: "华东销售部"}, {ID: idSouth, Name: "华南销售部"}, {ID: idShanghai, Name: "上海组", ParentID: idEast}},
		users: []crm.User{
			{ID: idWang, Name: "王经理", Role: crm.RoleManager, DeptID: idEast, Active: true},
			{ID: idZhang, Name: "张三", Role: crm.RoleRep, DeptID: idEast, Active: true},
			{ID: idLi, Name: "李四", Role: crm.RoleRep, DeptID: idEast, Active: true},
			{ID: idZhao, Name: "赵六", Role: crm.RoleRep, DeptID: idSouth, Active: true},
			{ID: idBoss, Name: "老板", Role: crm.RoleAdmin, Active: true},
			{ID: idQian, Name: "钱七", Role: crm.RoleRep, DeptID: idEast},
		},
		customers: []crm.Customer{
			{ID: custQinghe, Name: "北京青禾新锐科技有限公司", OwnerID: idZhang, Collaborators: []int64{idLi},
				CreatedAt: time.Date(2026, 11, 12, 9, 0, 0, 0, shanghai), LastActivityAt: &lastWeek},
			{ID: custRuifeng, Name: "瑞丰机械有限公司", OwnerID: idZhang, Contacts: []crm.Contact{{Name: "刘总", Phone: "13912345678"}}},
			{ID: custHengtong, Name: "恒通物流有限公司", OwnerID: idLi},
			{ID: custJinqiao, Name: "金桥贸易有限公司", OwnerID: idZhao},
		},
		deals: []crm.Deal{{ID: dealRuifeng, CustomerID: custRuifeng, OwnerID: idZhang, Stage: crm.StageProposal, WinPct: 50,
			Amount: crm.Yuan(50000), CloseDate: "2026-12-20", Note: "等预算"}},
		plans:      []crm.PaymentPlan{{ID: planRuifeng, CustomerID: custRuifeng, Amount: crm.Yuan(50000), DueDate: "2026-12-05"}},
		complaints: []crm.Complaint{{ID: complaintRuifeng, CustomerID: custRuifeng, UserID: idZhang, Content: "发票错误", Status: crm.ComplaintOpen}},
		reports:    []crm.Report{{ID: reportZhang, UserID: idZhang, Kind: crm.PeriodDay, PeriodStart: "2026-11-29", Text: "客户对价格敏感"}},
		similar:    map[string][]int64{"青禾新锐软件有限公司": {custQinghe}},
		actual:     map[int64]int64{},
		fail:       map[string]error{},
		nextID:     100,
	}
}

// viewer is the crm.Viewer of a user of the fake, as sales builds it.
func (f *fakeCRM) viewer(id int64) crm.Viewer { return crm.ViewerOf(f.user(id), f.depts) }

func (f *fakeCRM) user(id int64) crm.User {
	for _, u := range f.users {
		if u.ID == id {
			return u
		}
	}
	return crm.User{}
}

func (f *fakeCRM) byName(name string) crm.User {
	for _, u := range f.users {
		if u.Name == name {
			return u
		}
	}
	panic("no user " + name)
}

// call records a call and returns the error injected for it, if any.
func (f *fakeCRM) call(method string) error {
	f.calls = append(f.calls, method)
	if err, ok := f.fail[method]; ok {
		delete(f.fail, method)
		return err
	}
	return nil
}

// wrote records a change and returns an id for what it creates.
func (f *fakeCRM) wrote(method string, arg any) int64 {
	f.writes = append(f.writes, write{method, arg})
	f.nextID++
	return f.nextID
}

// withOwner fills what reads fill: the owner's name and department.
func (f *fakeCRM) withOwner(c crm.Customer) crm.Customer {
	o := f.user(c.OwnerID)
	c.OwnerName, c.OwnerDept = o.Name, o.DeptID
	return c
}

func (f *fakeCRM) rawCustomer(id int64) (crm.Customer, error) {
	for _, c := range f.customers {
		if c.ID == id {
			return f.withOwner(c), nil
		}
	}
	return crm.Customer{}, crm.Errorf(crm.CodeNotFound, "not_found")
}

func notFound() error  { return crm.Errorf(crm.CodeNotFound, "customer.not_found") }
func forbidden() error { return crm.Errorf(crm.CodeForbidden, "auth.customer_forbidden") }

// customer is sales' customer(): NotFound for what the actor may not see,
// Forbidden for what they may see but not change.
func (f *fakeCRM) customer(actor crm.Viewer, id int64, reach sales.Reach) (crm.Customer, error) {
	c, err := f.rawCustomer(id)
	if err != nil {
		return c, err
	}
	if !actor.CanSeeCustomer(c) {
		return crm.Customer{}, notFound()
	}
	if reach == sales.Change && !actor.CanChange(c.OwnerID, c.OwnerDept) {
		return crm.Customer{}, forbidden()
	}
	return c, nil
}

// inScope is what the store's scope filter does.
func inScope(sc crm.Scope, c crm.Customer) bool {
	if sc.All || c.OwnerID == sc.OwnerID {
		return true
	}
	for _, d := range sc.DeptIDs {
		if d == c.OwnerDept && d != 0 {
			return true
		}
	}
	for _, id := range c.Collaborators {
		if id == sc.CollaboratorID && id != 0 {
			return true
		}
	}
	return false
}

func (f *fakeCRM) search(sc crm.Scope, text string, limit int) []crm.Customer {
	text = strings.ToLower(strings.TrimSpace(text))
	var out []crm.Customer
	for _, c := range f.customers {
		c = f.withOwner(c)
		if !inScope(sc, c) {
			continue
		}
		hit := strings.Contains(strings.ToLower(c.Name), text)
		for _, ct := range c.Contacts {
			hit = hit || strings.Contains(ct.Name, text) || strings.Contains(ct.Phone, text)
		}
		if hit && text != "" {
			out = append(out, c)
		}
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out
}

func (f *fakeCRM) managed(actor crm.Viewer, id int64) (crm.User, error) {
	u := f.user(id)
	switch {
	case u.ID == 0:
		return u, crm.Errorf(crm.CodeNotFound, "not_found")
	case !actor.CanManage(u):
		return u, crm.Errorf(crm.CodeForbidden, "auth.not_your_team", u.Name)
	}
	return u, nil
}

func (f *fakeCRM) deptName(id int64) string {
	for _, d := range f.depts {
		if d.ID == id {
			return d.Name
		}
	}
	return ""
}

func (f *fakeCRM) claim(actor crm.Viewer, raw string, c crm.Customer) *sales.Taken {
	t := &sales.Taken{Customer: c, Own: c.OwnerID == actor.ID}
	if !t.Own {
		t.OwnerDept = f.deptName(c.OwnerDept)
		f.wrote("claim", claimArgs{c.ID, actor.ID, raw})
	}
	return t
}

func (f *fakeCRM) byKey(key string) (crm.Customer, bool) {
	for _, c := range f.customers {
		if n, _ := sales.ParseName(c.Name); n.Key == key {
			return f.withOwner(c), true
		}
	}
	return crm.Customer{}, false
}

// act records a call to a use case that acts on a customer, and checks the
// customer the way sales does.
func (f *fakeCRM) act(method string, actor crm.Viewer, customerID int64, reach sales.Reach) error {
	if err := f.call(method); err != nil {
		return err
	}
	_, err := f.customer(actor, customerID, reach)
	return err
}

// The use cases (conversation.Sales), in its order.

func (f *fakeCRM) AddAppointment(_ context.Context, actor crm.Viewer, a crm.Appointment) (crm.Appointment, error) {
	if err := f.act("AddAppointment", actor, a.CustomerID, sales.Change); err != nil {
		return a, err
	}
	a.UserID = actor.ID
	a.ID = f.wrote("AddAppointment", a)
	f.appts = append(f.appts, a)
	return a, nil
}

func (f *fakeCRM) CheckIn(_ context.Context, actor crm.Viewer, customerID int64, loc crm.Location, place string, at time.Time) (sales.CheckedIn, error) {
	if err := f.act("CheckIn", actor, customerID, sales.See); err != nil {
		return sales.CheckedIn{}, err
	}
	if err := loc.Check(); err != nil {
		return sales.CheckedIn{}, err
	}
	c, _ := f.customer(actor, customerID, sales.See)
	k := sales.CheckedIn{CheckIn: crm.CheckIn{CustomerID: customerID, UserID: actor.ID, At: at, Lat: loc.Lat, Lon: loc.Lon, Place: place}, Customer: c}
	if known, ok := f.places[customerID]; ok {
		d := int64(crm.Distance(known, loc))
		k.DistanceM = &d
	} else {
		if f.places == nil {
			f.places = map[int64]crm.Location{}
		}
		f.places[customerID], k.First = loc, true
	}
	k.ID = f.wrote("CheckIn", k.CheckIn)
	return k, nil
}

func (f *fakeCRM) NearbyCustomers(_ context.Context, actor crm.Viewer, loc crm.Location, limit int) ([]sales.Nearby, error) {
	if err := f.call("NearbyCustomers"); err != nil {
		return nil, err
	}
	var out []sales.Nearby
	for _, c := range f.customers {
		p, ok := f.places[c.ID]
		if !ok {
			continue
		}
		if _, err := f.customer(actor, c.ID, sales.See); err != nil {
			continue // what the actor may not see is not near them
		}
		if d := crm.Distance(loc, p); d <= crm.CheckInNearby && len(out) < limit {
			out = append(out, sales.Nearby{Customer: c, Metres: d})
		}
	}
	return out, nil
}

func (f *fakeCRM) AddContact(_ context.Context, actor crm.Viewer, ct crm.Contact) (crm.Contact, error) {
	if err := f.act("AddContact", actor, ct.CustomerID, sales.See); err != nil {
		return ct, err
	}
	ct.ID = f.wrote("AddContact", ct)
	for i := range f.customers {
		if f.customers[i].ID == ct.CustomerID {
			f.customers[i].Contacts = append(f.customers[i].Contacts, ct)
		}
	}
	return ct, nil
}

func (f *fakeCRM) Attachments(_ context.Context, actor crm.Viewer, customerID int64, limit int) ([]crm.Attachment, error) {
	if err := f.act("Attachments", actor, customerID, sales.See); err != nil {
		return nil, err
	}
	var out []crm.Attachment
	for _, w := range f.writes {
		if a, ok := w.Arg.(crm.Attachment); ok && w.Method == "FileTo" && a.CustomerID == customerID && len(out) < limit {
			out = append(out, a)
		}
	}
	return out, nil
}

func (f *fakeCRM) FileTo(_ context.Context, actor crm.Viewer, id, customerID int64) (crm.Attachment, error) {
	if err := f.act("FileTo", actor, customerID, sales.See); err != nil {
		return crm.Attachment{}, err
	}
	a := crm.Attachment{ID: id, CustomerID: customerID, UserID: actor.ID, Name: "photo.jpg", Mime: "image/jpeg"}
	f.wrote("FileTo", a)
	return a, nil
}

func (f *fakeCRM) ClosestCustomers(_ context.Context, actor crm.Viewer, text string, reach sales.Reach, limit int) ([]crm.Customer, error) {
	if err := f.call("ClosestCustomers"); err != nil {
		return nil, err
	}
	return nil, nil // the real rule is sales' (company similarity), tested there
}

func (f *fakeCRM) AddComplaint(_ context.Context, actor crm.Viewer, k crm.Complaint) (crm.Complaint, error) {
	if err := f.act("AddComplaint", actor, k.CustomerID, sales.Change); err != nil {
		return k, err
	}
	k.UserID = actor.ID
	k.ID, k.Status = f.wrote("AddComplaint", k), crm.ComplaintOpen
	f.complaints = append(f.complaints, k)
	return k, nil
}

func (f *fakeCRM) AddCustomer(_ context.Context, actor crm.Viewer, c crm.Customer, at time.Time) (crm.Customer, *sales.Taken, error) {
	if err := f.call("AddCustomer"); err != nil {
		return c, nil, err
	}
	n, err := sales.ParseName(c.Name)
	if err != nil {
		return c, nil, err
	}
	if ex, ok := f.byKey(n.Key); ok {
		return c, f.claim(actor, c.Name, ex), nil
	}
	if err := c.Check(); err != nil {
		return c, nil, err
	}
	c.OwnerID = actor.ID
	c.ID, c.CreatedAt = f.wrote("AddCustomer", c), at
	f.customers = append(f.customers, c)
	return f.withOwner(c), nil, nil
}

func (f *fakeCRM) AddPayment(_ context.Context, actor crm.Viewer, p crm.Payment) (crm.Payment, error) {
	if err := f.act("AddPayment", actor, p.CustomerID, sales.Change); err != nil {
		return p, err
	}
	p.ID = f.wrote("AddPayment", p)
	for i := range f.plans {
		if f.plans[i].ID == p.PlanID {
			f.plans[i].Paid += p.Amount
		}
	}
	return p, nil
}

func (f *fakeCRM) AddPaymentPlan(_ context.Context, actor crm.Viewer, p crm.PaymentPlan) (crm.PaymentPlan, error) {
	if err := f.act("AddPaymentPlan", actor, p.CustomerID, sales.Change); err != nil {
		return p, err
	}
	p.ID = f.wrote("AddPaymentPlan", p)
	f.plans = append(f.plans, p)
	return p, nil
}

func (f *fakeCRM) ClaimName(_ context.Context, actor crm.Viewer, raw string, at time.Time) (sales.NameCheck, *sales.Taken, error) {
	if err := f.call("ClaimName"); err != nil {
		return sales.NameCheck{}, nil, err
	}
	n, err := sales.ParseName(raw)
	nc := sales.NameCheck{Raw: raw, Name: n}
	if err != nil {
		return nc, nil, err
	}
	if ex, ok := f.byKey(n.Key); ok {
		nc.Existing = &ex
		return nc, f.claim(actor, raw, ex), nil
	}
	for _, id := range f.similar[raw] {
		c, _ := f.rawCustomer(id)
		nc.Similar = append(nc.Similar, c)
	}
	return nc, nil, nil
}

func (f *fakeCRM) ClaimSimilar(_ context.Context, actor crm.Viewer, raw string, id int64, at time.Time) (*sales.Taken, error) {
	if err := f.call("ClaimSimilar"); err != nil {
		return nil, err
	}
	c, err := f.rawCustomer(id)
	if err != nil {
		return nil, err
	}
	return f.claim(actor, raw, c), nil
}

func (f *fakeCRM) CloseComplaint(_ context.Context, actor crm.Viewer, id int64, resolution string, at time.Time) (crm.Complaint, error) {
	if err := f.call("CloseComplaint"); err != nil {
		return crm.Complaint{}, err
	}
	k, err := f.complaint(actor, id)
	if err != nil {
		return crm.Complaint{}, err
	}
	if k.Status == crm.ComplaintClosed {
		return k.Complaint, crm.Errorf(crm.CodeInvalid, "complaint.closed")
	}
	f.wrote("CloseComplaint", closeArgs{id, resolution, at})
	for i := range f.complaints {
		if f.complaints[i].ID == id {
			f.complaints[i].Status, f.complaints[i].Resolution, f.complaints[i].ClosedAt = crm.ComplaintClosed, resolution, &at
			return f.complaints[i], nil
		}
	}
	return k.Complaint, nil
}

func (f *fakeCRM) CommentReport(_ context.Context, actor crm.Viewer, id int64, comment string, at time.Time) (crm.Report, crm.User, error) {
	if err := f.call("CommentReport"); err != nil {
		return crm.Report{}, crm.User{}, err
	}
	for i, r := range f.reports {
		if r.ID != id {
			continue
		}
		rep := f.user(r.UserID)
		if !actor.CanManage(rep) || rep.ID == actor.ID {
			return r, rep, crm.Errorf(crm.CodeForbidden, "report.not_yours")
		}
		f.wrote("CommentReport", commentArgs{id, comment, at})
		f.reports[i].Comment, f.reports[i].CommentBy = comment, actor.ID
		return f.reports[i], rep, nil
	}
	return crm.Report{}, crm.User{}, crm.Errorf(crm.CodeNotFound, "not_found")
}

func (f *fakeCRM) complaint(actor crm.Viewer, id int64) (sales.OpenComplaint, error) {
	for _, k := range f.complaints {
		if k.ID == id {
			c, err := f.customer(actor, k.CustomerID, sales.Change)
			if err != nil {
				return sales.OpenComplaint{}, err
			}
			return sales.OpenComplaint{Complaint: k, Customer: c}, nil
		}
	}
	return sales.OpenComplaint{}, crm.Errorf(crm.CodeNotFound, "not_found")
}

func (f *fakeCRM) Complaint(_ context.Context, actor crm.Viewer, id int64) (sales.OpenComplaint, error) {
	if err := f.call("Complaint"); err != nil {
		return sales.OpenComplaint{}, err
	}
	return f.complaint(actor, id)
}

func (f *fakeCRM) CountOwned(_ context.Context, actor crm.Viewer, userID int64) (int, error) {
	if err := f.call("CountOwned"); err != nil {
		return 0, err
	}
	if _, err := f.managed(actor, userID); err != nil {
		return 0, err
	}
	return f.countOwned(userID), nil
}

func (f *fakeCRM) countOwned(userID int64) int {
	n := 0
	for _, c := range f.customers {
		if c.OwnerID == userID {
			n++
		}
	}
	return n
}

func (f *fakeCRM) CustomerFor(_ context.Context, actor crm.Viewer, id int64, reach sales.Reach) (crm.Customer, error) {
	if err := f.call("CustomerFor"); err != nil {
		return crm.Customer{}, err
	}
	return f.customer(actor, id, reach)
}

func (f *fakeCRM) Deal(_ context.Context, actor crm.Viewer, id int64) (crm.Deal, error) {
	if err := f.call("Deal"); err != nil {
		return crm.Deal{}, err
	}
	for _, d := range f.deals {
		if d.ID == id {
			c, err := f.customer(actor, d.CustomerID, sales.See)
			if err != nil {
				return crm.Deal{}, err
			}
			d.CustomerName = c.Name
			return d, nil
		}
	}
	return crm.Deal{}, crm.Errorf(crm.CodeNotFound, "not_found")
}

func (f *fakeCRM) Deals(_ context.Context, actor crm.Viewer, customerID int64) ([]crm.Deal, error) {
	if err := f.call("Deals"); err != nil {
		return nil, err
	}
	c, err := f.customer(actor, customerID, sales.See)
	if err != nil {
		return nil, err
	}
	var out []crm.Deal
	for _, d := range f.deals {
		if d.CustomerID == customerID {
			d.CustomerName = c.Name
			out = append(out, d)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return !out[i].Stage.Closed() && out[j].Stage.Closed() })
	return out, nil
}

func (f *fakeCRM) TargetChildren(_ context.Context, actor crm.Viewer, kind crm.UnitKind, id int64) ([]sales.TargetUnit, error) {
	if err := f.call("TargetChildren"); err != nil {
		return nil, err
	}
	var out []sales.TargetUnit
	for _, d := range f.depts {
		if d.ParentID == id && d.ID != id && kind != crm.UnitUser {
			out = append(out, sales.TargetUnit{Kind: crm.UnitDepartment, ID: d.ID, Name: d.Name})
		}
	}
	for _, u := range f.users {
		if u.Active && u.Role == crm.RoleRep && u.DeptID == id && kind != crm.UnitUser {
			out = append(out, sales.RepUnit(u))
		}
	}
	return out, nil
}

// TargetMismatches answers what the case set up (sales tests the rule).
func (f *fakeCRM) TargetMismatches(_ context.Context, actor crm.Viewer, t crm.Target) ([]sales.TargetSum, error) {
	if err := f.call("TargetMismatches"); err != nil {
		return nil, err
	}
	return f.mismatches, nil
}

func (f *fakeCRM) PickCustomer(_ context.Context, actor crm.Viewer, text string, reach sales.Reach, limit int) ([]crm.Customer, bool, error) {
	if err := f.call("PickCustomer"); err != nil {
		return nil, false, err
	}
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "#") {
		var id int64
		if _, err := fmt.Sscan(text[1:], &id); err != nil {
			return nil, false, nil
		}
		c, err := f.customer(actor, id, reach)
		if err != nil {
			return nil, false, nil
		}
		return []crm.Customer{c}, true, nil
	}
	sc := actor.Scope()
	if reach == sales.See {
		sc = actor.VisibleScope()
	}
	found := f.search(sc, text, limit)
	return found, len(found) == 1, nil
}

func (f *fakeCRM) FindOwned(_ context.Context, actor crm.Viewer, ownerID int64, text string, limit int) ([]crm.Customer, error) {
	if err := f.call("FindOwned"); err != nil {
		return nil, err
	}
	if _, err := f.managed(actor, ownerID); err != nil {
		return nil, err
	}
	return f.search(crm.Scope{OwnerID: ownerID}, text, limit), nil
}

func (f *fakeCRM) Handover(_ context.Context, actor crm.Viewer, from, to int64, ids []int64, at time.Time) (crm.HandoverResult, crm.User, crm.User, error) {
	if err := f.call("Handover"); err != nil {
		return crm.HandoverResult{}, crm.User{}, crm.User{}, err
	}
	fu, tu := f.user(from), f.user(to)
	switch {
	case !actor.CanManage(fu) || !actor.CanManage(tu):
		return crm.HandoverResult{}, fu, tu, crm.Errorf(crm.CodeForbidden, "handover.not_yours", tu.Name)
	case from == to:
		return crm.HandoverResult{}, fu, tu, crm.Errorf(crm.CodeInvalid, "handover.same")
	case !tu.Active:
		return crm.HandoverResult{}, fu, tu, crm.Errorf(crm.CodeInvalid, "handover.inactive", tu.Name)
	}
	f.wrote("Handover", handArgs{from, to, ids})
	var res crm.HandoverResult
	for i, c := range f.customers {
		if c.OwnerID != from || (ids != nil && !contains(ids, c.ID)) {
			continue
		}
		f.customers[i].OwnerID = to
		res.Customers++
		for _, d := range f.deals {
			if d.CustomerID == c.ID && !d.Stage.Closed() {
				res.Deals++
			}
		}
		for _, p := range f.plans {
			if p.CustomerID == c.ID && p.Open() {
				res.PaymentPlans++
			}
		}
		for _, k := range f.complaints {
			if k.CustomerID == c.ID && k.Status == crm.ComplaintOpen {
				res.Complaints++
			}
		}
		for _, a := range f.appts {
			if a.CustomerID == c.ID && a.At.After(at) {
				res.Appointments++
			}
		}
	}
	return res, fu, tu, nil
}

func contains(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func (f *fakeCRM) HandoverCandidates(_ context.Context, actor crm.Viewer, except int64, withCustomers bool) ([]crm.User, error) {
	if err := f.call("HandoverCandidates"); err != nil {
		return nil, err
	}
	var out []crm.User
	for _, u := range f.users {
		if u.ID == except || !actor.CanManage(u) || u.Role == crm.RoleAdmin || (!withCustomers && !u.Active) {
			continue
		}
		if withCustomers && f.countOwned(u.ID) == 0 {
			continue
		}
		out = append(out, u)
	}
	return out, nil
}

func (f *fakeCRM) HandoverUser(_ context.Context, actor crm.Viewer, name string, except int64, to bool) (crm.User, error) {
	if err := f.call("HandoverUser"); err != nil {
		return crm.User{}, err
	}
	var u crm.User
	for _, x := range f.users {
		if strings.EqualFold(x.Name, strings.TrimSpace(name)) && x.ID != except {
			u = x
		}
	}
	switch {
	case u.ID == 0:
		return u, crm.Errorf(crm.CodeInvalid, "handover.no_user", name)
	case !actor.CanManage(u) || u.Role == crm.RoleAdmin:
		return u, crm.Errorf(crm.CodeInvalid, "handover.not_yours", u.Name)
	case to && !u.Active:
		return u, crm.Errorf(crm.CodeInvalid, "handover.inactive", u.Name)
	}
	return u, nil
}

func (f *fakeCRM) LogActivity(_ context.Context, actor crm.Viewer, a crm.Activity) (crm.Activity, error) {
	if err := f.act("LogActivity", actor, a.CustomerID, sales.See); err != nil {
		return a, err
	}
	a.UserID = actor.ID
	a.ID = f.wrote("LogActivity", a)
	return a, nil
}

func (f *fakeCRM) OpenComplaints(_ context.Context, actor crm.Viewer, limit int) ([]sales.OpenComplaint, error) {
	if err := f.call("OpenComplaints"); err != nil {
		return nil, err
	}
	var out []sales.OpenComplaint
	for _, k := range f.complaints {
		c, _ := f.rawCustomer(k.CustomerID)
		if k.Status != crm.ComplaintOpen || !inScope(actor.Scope(), c) {
			continue
		}
		o := sales.OpenComplaint{Complaint: k}
		if len(out) < limit {
			o.Customer = c
		}
		out = append(out, o)
	}
	return out, nil
}

func (f *fakeCRM) PaymentPlans(_ context.Context, actor crm.Viewer, customerID int64) ([]crm.PaymentPlan, error) {
	if err := f.call("PaymentPlans"); err != nil {
		return nil, err
	}
	if _, err := f.customer(actor, customerID, sales.See); err != nil {
		return nil, err
	}
	var out []crm.PaymentPlan
	for _, p := range f.plans {
		if p.CustomerID == customerID {
			out = append(out, p)
		}
	}
	return out, nil
}

func (f *fakeCRM) RecentCustomers(_ context.Context, actor crm.Viewer, limit int) ([]crm.Customer, error) {
	if err := f.call("RecentCustomers"); err != nil {
		return nil, err
	}
	var out []crm.Customer
	for _, c := range f.customers {
		if c.OwnerID == actor.ID && len(out) < limit {
			out = append(out, f.withOwner(c))
		}
	}
	return out, nil
}

func (f *fakeCRM) UnitActual(_ context.Context, actor crm.Viewer, m crm.Metric, kind crm.UnitKind, id int64, from, to time.Time) (int64, error) {
	if err := f.call("UnitActual"); err != nil {
		return 0, err
	}
	if kind == crm.UnitDepartment {
		return f.deptActual[id], nil
	}
	if _, err := f.managed(actor, id); err != nil {
		return 0, err
	}
	return f.actual[id], nil
}

func (f *fakeCRM) SaveDeal(_ context.Context, actor crm.Viewer, d crm.Deal) (crm.Deal, error) {
	if err := f.call("SaveDeal"); err != nil {
		return d, err
	}
	c, err := f.customer(actor, d.CustomerID, sales.Change)
	if err != nil {
		return d, err
	}
	from := crm.Stage("")
	at := -1
	for i, old := range f.deals {
		if old.ID == d.ID && d.ID != 0 {
			if old.CustomerID != d.CustomerID {
				return d, forbidden()
			}
			from, at = old.Stage, i
		}
	}
	if d.ID != 0 && at < 0 {
		return d, crm.Errorf(crm.CodeNotFound, "not_found")
	}
	if err := crm.CheckStageMove(from, d.Stage, d.WinPct); err != nil {
		return d, err
	}
	id := f.wrote("SaveDeal", d)
	d.CustomerName = c.Name
	if at >= 0 {
		f.deals[at] = d
	} else {
		d.ID = id
		f.deals = append(f.deals, d)
	}
	return d, nil
}

func (f *fakeCRM) SaveReport(_ context.Context, actor crm.Viewer, r crm.Report) (crm.Report, error) {
	if err := f.call("SaveReport"); err != nil {
		return r, err
	}
	r.UserID = actor.ID
	r.ID = f.wrote("SaveReport", r)
	f.reports = append(f.reports, r)
	return r, nil
}

func (f *fakeCRM) SetTarget(ctx context.Context, actor crm.Viewer, t crm.Target) (crm.Target, error) {
	if err := f.call("SetTarget"); err != nil {
		return t, err
	}
	units, _ := f.targetUnits(actor, true)
	ok := false
	for _, u := range units {
		ok = ok || (u.Kind == t.Unit && u.ID == t.UnitID)
	}
	if !ok {
		return t, crm.Errorf(crm.CodeForbidden, "target.not_yours")
	}
	f.wrote("SetTarget", t)
	for i, x := range f.targets {
		if x.Unit == t.Unit && x.UnitID == t.UnitID && x.Metric == t.Metric && x.Period == t.Period && x.PeriodStart == t.PeriodStart {
			f.targets[i] = t
			return t, nil
		}
	}
	f.targets = append(f.targets, t)
	return t, nil
}

func (f *fakeCRM) SimilarCustomer(_ context.Context, id int64) (crm.Customer, error) {
	if err := f.call("SimilarCustomer"); err != nil {
		return crm.Customer{}, err
	}
	c, err := f.rawCustomer(id)
	return crm.Customer{ID: c.ID, Name: c.Name, OwnerID: c.OwnerID, OwnerName: c.OwnerName}, err
}

func (f *fakeCRM) TargetUnits(_ context.Context, actor crm.Viewer, set bool) ([]sales.TargetUnit, error) {
	if err := f.call("TargetUnits"); err != nil {
		return nil, err
	}
	return f.targetUnits(actor, set)
}

func (f *fakeCRM) targetUnits(actor crm.Viewer, set bool) ([]sales.TargetUnit, error) {
	if actor.Role == crm.RoleRep {
		if set {
			return nil, nil
		}
		return []sales.TargetUnit{sales.RepUnit(actor.User)}, nil
	}
	var out []sales.TargetUnit
	if actor.Role == crm.RoleAdmin {
		out = append(out, sales.TargetUnit{Kind: crm.UnitCompany, Scope: crm.Scope{All: true}})
	}
	for _, d := range f.depts {
		if actor.Role == crm.RoleAdmin || contains(actor.Depts, d.ID) {
			out = append(out, sales.TargetUnit{Kind: crm.UnitDepartment, ID: d.ID, Name: d.Name})
		}
	}
	if actor.Role == crm.RoleManager || set {
		for _, u := range f.users {
			if u.Active && u.Role == crm.RoleRep && actor.CanManage(u) {
				out = append(out, sales.RepUnit(u))
			}
		}
	}
	return out, nil
}

func (f *fakeCRM) Targets(_ context.Context, period crm.PeriodKind, start crm.Date) ([]crm.Target, error) {
	if err := f.call("Targets"); err != nil {
		return nil, err
	}
	var out []crm.Target
	for _, t := range f.targets {
		if t.Period == period && t.PeriodStart == start {
			out = append(out, t)
		}
	}
	return out, nil
}

func (f *fakeCRM) User(_ context.Context, id int64) (crm.User, error) {
	if err := f.call("User"); err != nil {
		return crm.User{}, err
	}
	u := f.user(id)
	if u.ID == 0 {
		return u, crm.Errorf(crm.CodeNotFound, "not_found")
	}
	return u, nil
}

var _ conversation.Sales = (*fakeCRM)(nil)

// fakeStates is crm.StateStore in memory: one state per (channel, chat,
// user), gone once it expires.
type fakeStates struct {
	m    map[[3]string]crm.ConversationState
	puts int
}

func newFakeStates() *fakeStates { return &fakeStates{m: map[[3]string]crm.ConversationState{}} }

func (s *fakeStates) State(_ context.Context, channel, chatID, userKey string, now time.Time) (crm.ConversationState, error) {
	st, ok := s.m[[3]string{channel, chatID, userKey}]
	if !ok || !st.ExpiresAt.After(now) {
		return crm.ConversationState{}, crm.Errorf(crm.CodeNotFound, "not_found")
	}
	return st, nil
}

func (s *fakeStates) PutState(_ context.Context, st crm.ConversationState) error {
	s.puts++
	s.m[[3]string{st.Channel, st.ChatID, st.UserKey}] = st
	return nil
}

func (s *fakeStates) DeleteState(_ context.Context, channel, chatID, userKey string) error {
	delete(s.m, [3]string{channel, chatID, userKey})
	return nil
}

func (s *fakeStates) PurgeExpiredStates(_ context.Context, now time.Time) (int, error) {
	n := 0
	for k, st := range s.m {
		if !st.ExpiresAt.After(now) {
			delete(s.m, k)
			n++
		}
	}
	return n, nil
}

var _ crm.StateStore = (*fakeStates)(nil)
