package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/salesbot-crm/salesbot/conversation"
	"github.com/salesbot-crm/salesbot/crm"
)

// cmdAdmin manages the organisation from chat (admins):
//
//	/admin depts                      the department tree
//	/admin dept add NAME [PARENT]     a department (under PARENT)
//	/admin users                      everyone, with role and department
//	/admin role NAME rep|manager|admin
//	/admin move NAME DEPARTMENT
//	/admin deactivate NAME            (after a handover; unbinds their chats)
//	/admin activate NAME
//	/admin group wecom appchat:ID [DEPARTMENT]  an alert group by id
func (b *Bot) cmdAdmin(ctx context.Context, r *Request) error {
	f := strings.Fields(r.Args)
	if len(f) == 0 {
		m, err := b.engine.Offer(ctx, b.env(r), r.T("admin.help"), []conversation.Choice{
			{Label: r.T("btn.depts"), Value: "/admin depts"}, {Label: r.T("btn.users"), Value: "/admin users"}})
		if err != nil {
			return err
		}
		r.Say(m)
		return nil
	}
	st := b.opt.Sales
	user := func(name string) (crm.User, bool, error) {
		u, err := st.AnyUserByName(ctx, name)
		if errors.Is(err, crm.ErrNotFound) {
			r.Sayf("user.not_found", name)
			return u, false, nil
		}
		return u, err == nil, err
	}
	switch strings.ToLower(f[0]) {
	case "depts", "部门":
		return b.sayDepartments(ctx, r)
	case "dept":
		if len(f) < 3 || f[1] != "add" {
			r.Sayf("admin.help")
			return nil
		}
		var parent int64
		if len(f) > 3 {
			d, err := st.DepartmentByName(ctx, f[3])
			if errors.Is(err, crm.ErrNotFound) {
				r.Sayf("dept.not_found_named", f[3])
				return nil
			}
			if err != nil {
				return err
			}
			parent = d.ID
		}
		if _, err := st.AddDepartment(ctx, r.Viewer, f[2], parent); err != nil {
			return err
		}
		r.Sayf("admin.dept_added", f[2])
		return nil
	case "users", "用户":
		return b.sayUsers(ctx, r)
	case "group", "群":
		// An alert group the bot cannot be asked in (a WeCom app chat,
		// "appchat:ID"): /admin group wecom appchat:ID [DEPARTMENT].
		if len(f) < 3 || (f[1] != "telegram" && f[1] != "wecom") {
			r.Sayf("admin.help")
			return nil
		}
		var dept int64
		name := r.T("start.no_dept")
		if len(f) > 3 {
			d, err := st.DepartmentByName(ctx, f[3])
			if errors.Is(err, crm.ErrNotFound) {
				r.Sayf("dept.not_found_named", f[3])
				return nil
			}
			if err != nil {
				return err
			}
			dept, name = d.ID, d.Name
		}
		if err := st.RegisterGroupFor(ctx, r.Viewer, crm.Group{Channel: f[1], ChatID: f[2], DeptID: dept, CreatedAt: r.Now}); err != nil {
			return err
		}
		r.Sayf("group.registered", name)
		return nil
	case "role":
		if len(f) != 3 || !crm.Role(f[2]).Valid() {
			r.Sayf("admin.help")
			return nil
		}
		u, ok, err := user(f[1])
		if !ok {
			return err
		}
		if _, err := st.SetRole(ctx, r.Viewer, u, crm.Role(f[2])); err != nil {
			return err
		}
		r.Sayf("admin.role_set", u.Name, r.T("role."+f[2]))
		return nil
	case "move":
		if len(f) != 3 {
			r.Sayf("admin.help")
			return nil
		}
		u, ok, err := user(f[1])
		if !ok {
			return err
		}
		d, err := st.DepartmentByName(ctx, f[2])
		if errors.Is(err, crm.ErrNotFound) {
			r.Sayf("dept.not_found_named", f[2])
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := st.MoveUser(ctx, r.Viewer, u, d.ID); err != nil {
			return err
		}
		r.Sayf("admin.moved", u.Name, d.Name)
		return nil
	case "deactivate", "停用", "activate", "启用":
		if len(f) != 2 {
			r.Sayf("admin.help")
			return nil
		}
		u, ok, err := user(f[1])
		if !ok {
			return err
		}
		active := f[0] == "activate" || f[0] == "启用"
		err = st.SetActive(ctx, r.Viewer, u, active)
		if e, ok := crm.AsError(err); ok && e.Key == "user.owns_customers" {
			m, err := b.engine.Offer(ctx, b.env(r), r.T(e.Key, e.Args...), []conversation.Choice{{Label: r.T("btn.handover_first"), Value: "/handover " + u.Name}})
			if err != nil {
				return err
			}
			r.Say(m)
			return nil
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
	r.Sayf("admin.help")
	return nil
}

func (b *Bot) sayDepartments(ctx context.Context, r *Request) error {
	depts, err := b.opt.Sales.Departments(ctx)
	if err != nil {
		return err
	}
	users, err := b.opt.Sales.Users(ctx)
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

func (b *Bot) sayUsers(ctx context.Context, r *Request) error {
	users, err := b.opt.Sales.Users(ctx)
	if err != nil {
		return err
	}
	depts, err := b.opt.Sales.Departments(ctx)
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
