package wecom

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/util"
	"github.com/silenceper/wechat/v2/work/addresslist"

	"github.com/salesbot-crm/salesbot/crm"
)

// userListURL is user/list (成员详情), which the library does not wrap: it
// is called with the library's token and HTTP client, so it goes where the
// library's calls go (Config.APIBase).
const userListURL = "https://qyapi.weixin.qq.com/cgi-bin/user/list"

// userListResponse is user/list's answer.
type userListResponse struct {
	util.CommonError
	UserList []listedUser `json:"userlist"`
}

type listedUser struct {
	UserID         string  `json:"userid"`
	Name           string  `json:"name"`
	Department     []int64 `json:"department"`
	IsLeaderInDept []int   `json:"is_leader_in_dept"`
	MainDepartment int64   `json:"main_department"`
	Status         int     `json:"status"`
}

// DirectoryError is a contacts API failure with what to do about it.
type DirectoryError struct {
	Op   string
	Code int64 // WeCom errcode (0: not a WeCom answer)
	Err  error
}

func (e *DirectoryError) Error() string {
	msg := fmt.Sprintf("wecom %s failed", e.Op)
	if e.Code != 0 {
		msg += fmt.Sprintf(" (errcode %d)", e.Code)
	}
	if h := DirectoryHint(e.Code); h != "" {
		msg += ": " + h
	}
	return msg + ": " + e.Err.Error()
}

func (e *DirectoryError) Unwrap() error { return e.Err }

// DirectoryHint says what an operator does about a contacts API errcode.
func DirectoryHint(code int64) string {
	switch code {
	case 60011:
		return "the application may not read this department: in the WeCom admin console (管理后台 → 应用管理 → the app → 可见范围) add the departments to sync, or set wecom.sync_root to a department inside the visible range"
	case 60020:
		return "this server's IP address is not trusted: add it under 管理后台 → 应用管理 → the app → 企业可信IP"
	case 40014, 42001:
		return "the access token was refused again after fetching a new one: check that wecom.secret is this application's Secret (not the 通讯录同步 secret of another app) and that this server's clock is right"
	case 48002, 48009:
		return "this API is not open to the application (通讯录 API 权限): salesbot falls back to user/list_id + user/get; grant 通讯录读取 in the admin console"
	case 45009:
		return "the contacts API rate limit (10,000 calls a minute per company) was hit: the next run continues"
	case 40013, 40001:
		return "wecom.corp_id or wecom.secret is wrong"
	}
	return ""
}

// dirErr wraps a failed contacts call with its errcode and hint.
func (c *Channel) dirErr(op string, err error) error {
	var se *safeError
	code := int64(0)
	if errors.As(err, &se) {
		code = se.code
	}
	return &DirectoryError{Op: op, Code: code, Err: err}
}

func dirCode(err error) int64 {
	var de *DirectoryError
	if errors.As(err, &de) {
		return de.Code
	}
	return 0
}

// Directory reads the company's contacts from the API: the departments of
// the subtree of root (0: every department the app may see) with their
// leaders (department/list), and their members (user/list with
// fetch_child from the root; department by department when the app may
// not read the root; user/list_id + user/get when user/list is closed to
// the app). A department that cannot be read (60011) is reported in
// Problems and makes the listing Partial; other failures (60020, a token
// refused twice, the network) end the read with a *DirectoryError that says
// what to do.
func (c *Channel) Directory(ctx context.Context, root int64) (crm.Directory, error) {
	dir := crm.Directory{Root: root}
	var depts []*addresslist.Department
	err := c.call(ctx, "department/list", false, func() error {
		var err error
		if root > 0 {
			depts, err = c.users.DepartmentListByID(int(root))
		} else {
			depts, err = c.users.DepartmentList()
		}
		return err
	})
	if code := dirCode(c.dirErr("department/list", err)); err != nil && (code == 48002 || code == 48009) {
		c.log.LogAttrs(ctx, slog.LevelInfo, "wecom: department/list is closed to the app; reading department/simplelist and department/get")
		depts, err = c.departmentsByID(ctx, root)
	} else if err != nil {
		err = c.dirErr("department/list", err)
	}
	if err != nil {
		return dir, err
	}
	inTree := map[int64]bool{}
	for _, d := range depts {
		if d == nil {
			continue
		}
		dir.Departments = append(dir.Departments, crm.DirDepartment{ID: int64(d.ID), ParentID: int64(d.ParentID),
			Name: strings.TrimSpace(d.Name), Leaders: d.DepartmentLeader})
		inTree[int64(d.ID)] = true
	}
	if len(dir.Departments) == 0 {
		return dir, nil
	}
	// The tops of the listing: the root, or every department whose parent
	// the app does not see (a visible range of a few departments).
	var tops []int64
	for _, d := range dir.Departments {
		if (root > 0 && d.ID == root) || (root == 0 && (d.ParentID == 0 || !inTree[d.ParentID])) {
			tops = append(tops, d.ID)
		}
	}
	var users []listedUser
	for _, top := range tops {
		var us []listedUser
		us, err = c.userList(ctx, top, true)
		if err != nil {
			break
		}
		users = append(users, us...)
	}
	switch code := dirCode(err); {
	case err == nil:
	case code == 60011:
		// The root is not readable: read department by department.
		users = nil
		for _, d := range dir.Departments {
			us, err := c.userList(ctx, d.ID, false)
			if dirCode(err) == 60011 {
				dir.Partial = true
				dir.Problems = append(dir.Problems, fmt.Sprintf("department %d %q: %s", d.ID, d.Name, DirectoryHint(60011)))
				continue
			}
			if err != nil {
				return dir, err
			}
			users = append(users, us...)
		}
	case code == 48002 || code == 48009:
		c.log.LogAttrs(ctx, slog.LevelInfo, "wecom: user/list is closed to the app; reading user/list_id and user/get")
		users, err = c.userListByID(ctx, inTree, &dir)
		if err != nil {
			return dir, err
		}
	default:
		return dir, err
	}
	for _, u := range users {
		m := crm.DirMember{ExternalID: strings.TrimSpace(u.UserID), Name: strings.TrimSpace(u.Name), MainDept: u.MainDepartment, Status: u.Status}
		for i, d := range u.Department {
			if !inTree[d] {
				continue
			}
			m.Depts = append(m.Depts, d)
			if i < len(u.IsLeaderInDept) && u.IsLeaderInDept[i] == 1 {
				m.LeaderOf = append(m.LeaderOf, d)
			}
		}
		if m.ExternalID == "" || len(m.Depts) == 0 {
			continue
		}
		if m.Status == 0 {
			m.Status = crm.DirActive
		}
		dir.Members = append(dir.Members, m)
	}
	return dir, nil
}

// departmentsByID reads the tree with department/simplelist (ids and
// parents) and each department's name and leaders with department/get.
func (c *Channel) departmentsByID(ctx context.Context, root int64) ([]*addresslist.Department, error) {
	var ids []*addresslist.DepartmentID
	err := c.call(ctx, "department/simplelist", false, func() error {
		var err error
		ids, err = c.users.DepartmentSimpleList(int(root))
		return err
	})
	if err != nil {
		return nil, c.dirErr("department/simplelist", err)
	}
	var out []*addresslist.Department
	for _, id := range ids {
		if id == nil {
			continue
		}
		if err := c.paceContacts(ctx); err != nil {
			return nil, err
		}
		var d *addresslist.Department
		err := c.call(ctx, "department/get", false, func() error {
			var err error
			d, err = c.users.DepartmentGet(id.ID)
			return err
		})
		if err != nil {
			return nil, c.dirErr("department/get", err)
		}
		if d.ID == 0 {
			d.ID, d.ParentID = id.ID, id.ParentID
		}
		out = append(out, d)
	}
	return out, nil
}

// paceContacts keeps the calls of one directory read under WeCom's limit
// of 10,000 calls a minute per API and company: after
// Config.ContactsPerMinute calls it waits for the rest of the minute.
func (c *Channel) paceContacts(ctx context.Context) error {
	c.contactsMu.Lock()
	defer c.contactsMu.Unlock()
	now := c.now()
	if c.contactsFrom.IsZero() || now.Sub(c.contactsFrom) >= time.Minute {
		c.contactsFrom, c.contactsCalls = now, 0
	}
	if c.contactsCalls >= c.cfg.ContactsPerMinute {
		wait := time.Minute - now.Sub(c.contactsFrom)
		c.log.LogAttrs(ctx, slog.LevelInfo, "wecom: contacts API budget of the minute spent; waiting", slog.Duration("wait", wait))
		if err := c.sleep(ctx, wait); err != nil {
			return err
		}
		c.contactsFrom, c.contactsCalls = c.now(), 0
	}
	c.contactsCalls++
	return nil
}

// userList calls user/list for a department (and its subtree).
func (c *Channel) userList(ctx context.Context, dept int64, children bool) ([]listedUser, error) {
	var out []listedUser
	err := c.call(ctx, "user/list", false, func() error {
		tok, err := c.users.GetAccessToken()
		if err != nil {
			return err
		}
		q := url.Values{"access_token": {tok}, "department_id": {strconv.FormatInt(dept, 10)}}
		if children {
			q.Set("fetch_child", "1")
		}
		body, err := util.HTTPGetContext(ctx, userListURL+"?"+q.Encode())
		if err != nil {
			return err
		}
		var r userListResponse
		if err := util.DecodeWithError(body, &r, "UserList"); err != nil {
			return err
		}
		out = r.UserList
		return nil
	})
	if err != nil {
		return nil, c.dirErr("user/list", err)
	}
	return out, nil
}

// userListByID reads the members of the departments in the tree with the
// cursor-paged user/list_id, then each member with user/get.
func (c *Channel) userListByID(ctx context.Context, inTree map[int64]bool, dir *crm.Directory) ([]listedUser, error) {
	var ids []string
	seen := map[string]bool{}
	cursor := ""
	for page := 0; page < 1000; page++ {
		var resp *addresslist.UserListIDResponse
		err := c.call(ctx, "user/list_id", false, func() error {
			var err error
			resp, err = c.users.UserListID(&addresslist.UserListIDRequest{Cursor: cursor, Limit: 10000})
			return err
		})
		if err != nil {
			return nil, c.dirErr("user/list_id", err)
		}
		for _, du := range resp.DeptUser {
			if du != nil && inTree[int64(du.Department)] && !seen[du.UserID] {
				seen[du.UserID] = true
				ids = append(ids, du.UserID)
			}
		}
		if resp.NextCursor == "" {
			break
		}
		cursor = resp.NextCursor
	}
	var out []listedUser
	for _, id := range ids {
		if err := c.paceContacts(ctx); err != nil {
			return nil, err
		}
		var r *addresslist.UserGetResponse
		err := c.call(ctx, "user/get", false, func() error {
			var err error
			r, err = c.users.UserGet(id)
			return err
		})
		if code := dirCode(c.dirErr("user/get", err)); err != nil && (code == 60011 || code == 60111) {
			dir.Partial = true
			dir.Problems = append(dir.Problems, fmt.Sprintf("member %q could not be read (errcode %d)", id, code))
			continue
		}
		if err != nil {
			return nil, c.dirErr("user/get", err)
		}
		u := listedUser{UserID: r.UserID, Name: r.Name, MainDepartment: int64(r.MainDepartment), Status: r.Status, IsLeaderInDept: r.IsLeaderInDept}
		for _, d := range r.Department {
			u.Department = append(u.Department, int64(d))
		}
		if u.UserID == "" {
			u.UserID = id
		}
		out = append(out, u)
	}
	return out, nil
}
