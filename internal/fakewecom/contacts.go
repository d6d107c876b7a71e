package fakewecom

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Department is a department of the fake corp's contacts (通讯录).
type Department struct {
	ID       int64
	ParentID int64 // 0 for the root (id 1)
	Name     string
	Leaders  []string // department_leader: UserIDs
	Order    int64
}

// Member is a member of the fake corp's contacts.
type Member struct {
	UserID         string
	Name           string
	Department     []int64
	IsLeaderInDept []int // one per Department: 1 leads it
	MainDepartment int64 // 0: the first department
	Status         int   // 1 active (default), 2 disabled, 4 not activated, 5 left
	Position       string
}

// AddDepartment adds or replaces a department of the contacts.
func (f *Fake) AddDepartment(d Department) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.depts[d.ID] = d
}

// RemoveDepartment deletes a department of the contacts.
func (f *Fake) RemoveDepartment(id int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.depts, id)
}

// AddMember adds or replaces a member of the contacts (user/get then
// answers their profile, and messages reach them).
func (f *Fake) AddMember(m Member) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if m.Status == 0 {
		m.Status = 1
	}
	if m.MainDepartment == 0 && len(m.Department) > 0 {
		m.MainDepartment = m.Department[0]
	}
	f.members[m.UserID] = m
	f.users[m.UserID] = m.Name
}

// RemoveMember deletes a member of the contacts (user/get answers 60111).
func (f *Fake) RemoveMember(userID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.members, userID)
	delete(f.users, userID)
}

// RenameMember changes a member's UserID, as an admin can in the console.
func (f *Fake) RenameMember(old, new string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, ok := f.members[old]
	if !ok {
		return
	}
	delete(f.members, old)
	delete(f.users, old)
	m.UserID = new
	f.members[new] = m
	f.users[new] = m.Name
}

// Deny makes a department unreadable by the app: department/list leaves it
// out of a listing from its parent, and user/list of it answers 60011 (no
// privilege to access/modify contact/party/agent).
func (f *Fake) Deny(dept int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.denied[dept] = true
}

// SetVisibleRange sets the app's visible range (可见范围) to these
// departments and their subtrees: department/list lists only them, and
// user/list or department/list of a department outside answers 60011.
func (f *Fake) SetVisibleRange(depts ...int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.visible = append([]int64(nil), depts...)
}

// seen reports whether a department is in the visible range (f.mu held).
func (f *Fake) seen(id int64) bool {
	if len(f.visible) == 0 {
		return true
	}
	for _, v := range f.visible {
		for _, d := range f.subtree(v) {
			if d == id {
				return true
			}
		}
	}
	return false
}

func (f *Fake) memberJSON(m Member) map[string]any {
	leader := m.IsLeaderInDept
	if len(leader) != len(m.Department) {
		leader = make([]int, len(m.Department))
		copy(leader, m.IsLeaderInDept)
	}
	order := make([]int64, len(m.Department))
	return map[string]any{"errcode": int64(0), "errmsg": "ok", "userid": m.UserID, "name": m.Name, "department": m.Department,
		"order": order, "position": m.Position, "is_leader_in_dept": leader, "direct_leader": []string{}, "main_department": m.MainDepartment,
		"status": m.Status, "enable": 1, "isleader": 0, "alias": "", "telephone": "", "avatar": "", "thumb_avatar": "", "gender": "0",
		"extattr": map[string]any{"attrs": []any{}}, "open_userid": ""}
}

// subtree lists id and every department below it (unreadable ones left
// out), parents before children.
func (f *Fake) subtree(id int64) []int64 {
	var out []int64
	queue := []int64{id}
	seen := map[int64]bool{}
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		if seen[d] {
			continue
		}
		seen[d] = true
		if _, ok := f.depts[d]; !ok || f.denied[d] {
			continue
		}
		out = append(out, d)
		var kids []int64
		for _, k := range f.depts {
			if k.ParentID == d && k.ID != d {
				kids = append(kids, k.ID)
			}
		}
		sort.Slice(kids, func(i, j int) bool { return kids[i] < kids[j] })
		queue = append(queue, kids...)
	}
	return out
}

// departmentList answers department/list (?id= a department: it and its
// subtree; none: all), in WeCom's shape.
func (f *Fake) departmentList(q url.Values) (int, map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []int64
	if v := q.Get("id"); v != "" && v != "0" { // the library sends id=0 for "all"
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return http.StatusOK, errResp(40058, "invalid id")
		}
		if _, ok := f.depts[id]; !ok {
			return http.StatusOK, errResp(60123, "invalid party id")
		}
		if f.denied[id] || !f.seen(id) {
			return http.StatusOK, errResp(60011, "no privilege to access/modify contact/party/agent")
		}
		ids = f.subtree(id)
	} else if len(f.visible) > 0 {
		for _, v := range f.visible {
			ids = append(ids, f.subtree(v)...)
		}
	} else {
		var roots []int64
		for _, d := range f.depts {
			if _, ok := f.depts[d.ParentID]; !ok {
				roots = append(roots, d.ID)
			}
		}
		sort.Slice(roots, func(i, j int) bool { return roots[i] < roots[j] })
		for _, r := range roots {
			ids = append(ids, f.subtree(r)...)
		}
	}
	list := []any{}
	for _, id := range ids {
		d := f.depts[id]
		leaders := d.Leaders
		if leaders == nil {
			leaders = []string{}
		}
		list = append(list, map[string]any{"id": d.ID, "name": d.Name, "name_en": "", "department_leader": leaders, "parentid": d.ParentID, "order": d.Order})
	}
	return http.StatusOK, map[string]any{"errcode": int64(0), "errmsg": "ok", "department": list}
}

// userList answers user/list (details) and user/simplelist for a
// department_id, with fetch_child=1 its subtree too.
func (f *Fake) userList(q url.Values, details bool) (int, map[string]any) {
	if details && f.UserListClosed {
		return http.StatusOK, errResp(48002, "api forbidden")
	}
	id, err := strconv.ParseInt(q.Get("department_id"), 10, 64)
	if err != nil {
		return http.StatusOK, errResp(40066, "invalid department_id")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.depts[id]; !ok {
		return http.StatusOK, errResp(60123, "invalid party id")
	}
	if f.denied[id] || !f.seen(id) {
		return http.StatusOK, errResp(60011, "no privilege to access/modify contact/party/agent")
	}
	in := map[int64]bool{id: true}
	if q.Get("fetch_child") == "1" {
		for _, d := range f.subtree(id) {
			in[d] = true
		}
	}
	var ids []string
	for uid, m := range f.members {
		for _, d := range m.Department {
			if in[d] {
				ids = append(ids, uid)
				break
			}
		}
	}
	sort.Strings(ids)
	list := []any{}
	for _, uid := range ids {
		m := f.members[uid]
		if details {
			j := f.memberJSON(m)
			delete(j, "errcode")
			delete(j, "errmsg")
			list = append(list, j)
		} else {
			list = append(list, map[string]any{"userid": m.UserID, "name": m.Name, "department": m.Department, "open_userid": ""})
		}
	}
	return http.StatusOK, map[string]any{"errcode": int64(0), "errmsg": "ok", "userlist": list}
}

// userListID answers the cursor-paged user/list_id: one row per member and
// department.
func (f *Fake) userListID(body []byte) (int, map[string]any) {
	var req struct {
		Cursor string `json:"cursor"`
		Limit  int    `json:"limit"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return http.StatusOK, errResp(47001, "data format error")
	}
	if req.Limit <= 0 || req.Limit > 10000 {
		req.Limit = 10000
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	type row struct {
		UserID string `json:"userid"`
		Dept   int64  `json:"department"`
	}
	var rows []row
	var ids []string
	for uid := range f.members {
		ids = append(ids, uid)
	}
	sort.Strings(ids)
	for _, uid := range ids {
		for _, d := range f.members[uid].Department {
			rows = append(rows, row{uid, d})
		}
	}
	start := 0
	if req.Cursor != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(req.Cursor, "c"))
		if err != nil || n < 0 || n > len(rows) {
			return http.StatusOK, errResp(40058, "invalid cursor")
		}
		start = n
	}
	end := min(start+req.Limit, len(rows))
	next := ""
	if end < len(rows) {
		next = "c" + strconv.Itoa(end)
	}
	page := []any{}
	for _, r := range rows[start:end] {
		page = append(page, r)
	}
	return http.StatusOK, map[string]any{"errcode": int64(0), "errmsg": "ok", "next_cursor": next, "dept_user": page}
}

// --- change_contact callbacks --------------------------------------------

// Field is one element of a change_contact event, in the order given.
type Field struct{ Name, Value string }

func joinInts[T int | int64](xs []T) string {
	var s []string
	for _, x := range xs {
		s = append(s, strconv.FormatInt(int64(x), 10))
	}
	return strings.Join(s, ",")
}

// MemberFields are the fields create_user carries for m.
func MemberFields(m Member) []Field {
	main := m.MainDepartment
	if main == 0 && len(m.Department) > 0 {
		main = m.Department[0]
	}
	leader := make([]int, len(m.Department))
	copy(leader, m.IsLeaderInDept)
	status := m.Status
	if status == 0 {
		status = 1
	}
	return []Field{{"Name", m.Name}, {"Department", joinInts(m.Department)}, {"MainDepartment", strconv.FormatInt(main, 10)},
		{"IsLeaderInDept", joinInts(leader)}, {"Position", m.Position}, {"Status", strconv.Itoa(status)}}
}

// ChangeContact is the decrypted XML of a change_contact event as WeCom
// sends it to the app's callback URL (FromUserName sys, no MsgId): the
// ChangeType, then the fields. Numbers go bare, text in CDATA.
func (f *Fake) ChangeContact(changeType string, fields ...Field) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<xml><ToUserName>%s</ToUserName><FromUserName>%s</FromUserName><CreateTime>%d</CreateTime>"+
		"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event><ChangeType>%s</ChangeType>",
		cdata(f.CorpID), cdata("sys"), f.next(), cdata(changeType))
	for _, fl := range fields {
		v := fl.Value
		if _, err := strconv.ParseInt(v, 10, 64); err != nil || fl.Name == "UserID" || fl.Name == "NewUserID" || fl.Name == "Name" {
			v = cdata(v)
		}
		fmt.Fprintf(&b, "<%s>%s</%s>", fl.Name, v, fl.Name)
	}
	b.WriteString("</xml>")
	return b.String()
}

// CreateUser is create_user for m.
func (f *Fake) CreateUser(m Member) string {
	return f.ChangeContact("create_user", append([]Field{{"UserID", m.UserID}}, MemberFields(m)...)...)
}

// UpdateUser is update_user for userID carrying only the fields given
// (WeCom sends what changed; NewUserID when the UserID changed).
func (f *Fake) UpdateUser(userID string, fields ...Field) string {
	return f.ChangeContact("update_user", append([]Field{{"UserID", userID}}, fields...)...)
}

// DeleteUser is delete_user.
func (f *Fake) DeleteUser(userID string) string {
	return f.ChangeContact("delete_user", Field{"UserID", userID})
}

// CreateParty is create_party for d.
func (f *Fake) CreateParty(d Department) string {
	return f.ChangeContact("create_party", Field{"Id", strconv.FormatInt(d.ID, 10)}, Field{"Name", d.Name},
		Field{"ParentId", strconv.FormatInt(d.ParentID, 10)}, Field{"Order", strconv.FormatInt(d.Order, 10)})
}

// UpdateParty is update_party carrying the fields given (Name, ParentId).
func (f *Fake) UpdateParty(id int64, fields ...Field) string {
	return f.ChangeContact("update_party", append([]Field{{"Id", strconv.FormatInt(id, 10)}}, fields...)...)
}

// DeleteParty is delete_party.
func (f *Fake) DeleteParty(id int64) string {
	return f.ChangeContact("delete_party", Field{"Id", strconv.FormatInt(id, 10)})
}

// departmentSimpleList answers department/simplelist: the ids, parents and
// orders of a department's subtree (or of all).
func (f *Fake) departmentSimpleList(q url.Values) (int, map[string]any) {
	code, resp := f.departmentList(q)
	if resp["errcode"] != int64(0) {
		return code, resp
	}
	ids := []any{}
	for _, d := range resp["department"].([]any) {
		m := d.(map[string]any)
		ids = append(ids, map[string]any{"id": m["id"], "parentid": m["parentid"], "order": m["order"]})
	}
	return http.StatusOK, map[string]any{"errcode": int64(0), "errmsg": "ok", "department_id": ids}
}

// departmentGet answers department/get for one department.
func (f *Fake) departmentGet(q url.Values) (int, map[string]any) {
	id, err := strconv.ParseInt(q.Get("id"), 10, 64)
	if err != nil {
		return http.StatusOK, errResp(40058, "invalid id")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.depts[id]
	if !ok {
		return http.StatusOK, errResp(60123, "invalid party id")
	}
	if f.denied[id] {
		return http.StatusOK, errResp(60011, "no privilege to access/modify contact/party/agent")
	}
	leaders := d.Leaders
	if leaders == nil {
		leaders = []string{}
	}
	return http.StatusOK, map[string]any{"errcode": int64(0), "errmsg": "ok",
		"department": map[string]any{"id": d.ID, "name": d.Name, "name_en": "", "department_leader": leaders, "parentid": d.ParentID, "order": d.Order}}
}
