package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
)

// adminCommand manages departments, users and roles.
var adminCommand = Command{Name: "admin", Keyword: "管理", Roles: admins, HelpKey: "help.admin", Usage: "usage.admin", Run: runAdmin}

// runAdmin manages the organisation from chat (admins):
//
//	/admin depts                      the department tree
//	/admin dept add NAME [PARENT]     a department (under PARENT)
//	/admin users                      everyone, with role and department
//	/admin role NAME rep|manager|admin
//	/admin move NAME DEPARTMENT
//	/admin deactivate NAME            (after a handover; unbinds their chats)
//	/admin activate NAME
//	/admin group wecom appchat:ID [DEPARTMENT]  an alert group by id
func runAdmin(ctx context.Context, r *Request, s *Services) error {
	f := strings.Fields(r.Args)
	if len(f) == 0 {
		return s.offer(ctx, r, r.T("admin.help"), []conversation.Choice{
			{Label: r.T("btn.depts"), Value: "/admin depts"}, {Label: r.T("btn.users"), Value: "/admin users"}})
	}
	act, ok := adminActions()[strings.ToLower(f[0])]
	if !ok {
		r.Sayf("admin.help")
		return nil
	}
	return act(ctx, r, s, f)
}

// adminAction is one /admin sub-command; f are the words typed, f[0] the
// sub-command.
type adminAction func(ctx context.Context, r *Request, s *Services, f []string) error

// adminActions are the sub-commands by word.
func adminActions() map[string]adminAction {
	return map[string]adminAction{
		"depts": adminDepts, "部门": adminDepts,
		"dept":  adminAddDept,
		"users": adminUsers, "用户": adminUsers,
		"group": adminGroup, "群": adminGroup,
		"role":       adminRole,
		"move":       adminMove,
		"deactivate": adminActive(false), "停用": adminActive(false),
		"activate": adminActive(true), "启用": adminActive(true),
	}
}

func adminDepts(ctx context.Context, r *Request, s *Services, _ []string) error {
	return s.sayDepartments(ctx, r)
}

func adminUsers(ctx context.Context, r *Request, s *Services, _ []string) error {
	return s.sayUsers(ctx, r)
}

// adminUser finds a user named in a sub-command, active or not; ok=false
// means "not found" has been said.
func adminUser(ctx context.Context, r *Request, s *Services, name string) (crm.User, bool, error) {
	u, err := s.Sales.AnyUserByName(ctx, name)
	if errors.Is(err, crm.ErrNotFound) {
		r.Sayf("user.not_found", name)
		return u, false, nil
	}
	return u, err == nil, err
}

// adminDept finds a department named in a sub-command; ok=false means
// "not found" has been said.
func adminDept(ctx context.Context, r *Request, s *Services, name string) (crm.Department, bool, error) {
	d, err := s.Sales.DepartmentByName(ctx, name)
	if errors.Is(err, crm.ErrNotFound) {
		r.Sayf("dept.not_found_named", name)
		return d, false, nil
	}
	return d, err == nil, err
}

// /admin dept add NAME [PARENT]
func adminAddDept(ctx context.Context, r *Request, s *Services, f []string) error {
	if len(f) < 3 || f[1] != "add" {
		r.Sayf("admin.help")
		return nil
	}
	var parent int64
	if len(f) > 3 {
		d, ok, err := adminDept(ctx, r, s, f[3])
		if !ok {
			return err
		}
		parent = d.ID
	}
	if _, err := s.Sales.AddDepartment(ctx, r.Viewer, f[2], parent); err != nil {
		return err
	}
	r.Sayf("admin.dept_added", f[2])
	return nil
}

// /admin group telegram|wecom CHAT [DEPARTMENT]: an alert group the bot
// cannot be asked in (a WeCom app chat, "appchat:ID").
func adminGroup(ctx context.Context, r *Request, s *Services, f []string) error {
	if len(f) < 3 || (f[1] != "telegram" && f[1] != "wecom") {
		r.Sayf("admin.help")
		return nil
	}
	var dept int64
	name := r.T("start.no_dept")
	if len(f) > 3 {
		d, ok, err := adminDept(ctx, r, s, f[3])
		if !ok {
			return err
		}
		dept, name = d.ID, d.Name
	}
	if err := s.Sales.RegisterGroupFor(ctx, r.Viewer, crm.Group{Channel: f[1], ChatID: f[2], DeptID: dept, CreatedAt: r.Now}); err != nil {
		return err
	}
	r.Sayf("group.registered", name)
	return nil
}

// /admin role NAME rep|manager|admin
func adminRole(ctx context.Context, r *Request, s *Services, f []string) error {
	if len(f) != 3 || !crm.Role(f[2]).Valid() {
		r.Sayf("admin.help")
		return nil
	}
	u, ok, err := adminUser(ctx, r, s, f[1])
	if !ok {
		return err
	}
	if _, err := s.Sales.SetRole(ctx, r.Viewer, u, crm.Role(f[2])); err != nil {
		return err
	}
	r.Sayf("admin.role_set", u.Name, r.T("role."+f[2]))
	return nil
}

// /admin move NAME DEPARTMENT
func adminMove(ctx context.Context, r *Request, s *Services, f []string) error {
	if len(f) != 3 {
		r.Sayf("admin.help")
		return nil
	}
	u, ok, err := adminUser(ctx, r, s, f[1])
	if !ok {
		return err
	}
	d, ok, err := adminDept(ctx, r, s, f[2])
	if !ok {
		return err
	}
	if _, err := s.Sales.MoveUser(ctx, r.Viewer, u, d.ID); err != nil {
		return err
	}
	r.Sayf("admin.moved", u.Name, d.Name)
	return nil
}

// /admin deactivate|activate NAME: someone who still owns customers is
// handed over first.
func adminActive(active bool) adminAction {
	return func(ctx context.Context, r *Request, s *Services, f []string) error {
		if len(f) != 2 {
			r.Sayf("admin.help")
			return nil
		}
		u, ok, err := adminUser(ctx, r, s, f[1])
		if !ok {
			return err
		}
		err = s.Sales.SetActive(ctx, r.Viewer, u, active)
		if e, ok := crm.AsError(err); ok && e.Key == "user.owns_customers" {
			return s.offer(ctx, r, r.T(e.Key, e.Args...), []conversation.Choice{{Label: r.T("btn.handover_first"), Value: "/handover " + u.Name}})
		}
		if err != nil {
			return err
		}
		if active {
			r.Sayf("admin.activated", u.Name)
		} else {
			r.Sayf("admin.deactivated", u.Name)
		}
		return nil
	}
}

func (s *Services) sayDepartments(ctx context.Context, r *Request) error {
	depts, err := s.Sales.Departments(ctx)
	if err != nil {
		return err
	}
	users, err := s.Sales.Users(ctx)
	if err != nil {
		return err
	}
	count := map[int64]int{}
	for _, u := range users {
		if u.Active {
			count[u.DeptID]++
		}
	}
	children := map[int64][]crm.Department{}
	for _, d := range depts {
		children[d.ParentID] = append(children[d.ParentID], d)
	}
	lines := []string{r.T("admin.depts_title")}
	var walk func(parent int64, depth int)
	walk = func(parent int64, depth int) {
		for _, d := range children[parent] {
			lines = append(lines, strings.Repeat("  ", depth)+"· "+r.T("admin.dept_line", d.Name, count[d.ID]))
			if depth < 10 {
				walk(d.ID, depth+1)
			}
		}
	}
	walk(0, 0)
	if len(depts) == 0 {
		lines = append(lines, r.T("admin.no_depts"))
	}
	r.Say(crm.Message{Text: strings.Join(lines, "\n")})
	return nil
}

func (s *Services) sayUsers(ctx context.Context, r *Request) error {
	users, err := s.Sales.Users(ctx)
	if err != nil {
		return err
	}
	depts, err := s.Sales.Departments(ctx)
	if err != nil {
		return err
	}
	deptName := map[int64]string{}
	for _, d := range depts {
		deptName[d.ID] = d.Name
	}
	lines := []string{r.T("admin.users_title", len(users))}
	for _, u := range users {
		line := fmt.Sprintf("· %s · %s", u.Name, r.T("role."+string(u.Role)))
		if d := deptName[u.DeptID]; d != "" {
			line += " · " + d
		}
		if !u.Active {
			line += " · " + r.T("admin.inactive")
		}
		lines = append(lines, line)
	}
	r.Say(crm.Message{Text: strings.Join(lines, "\n")})
	return nil
}
