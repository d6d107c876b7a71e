package crm_test

import (
	"bufio"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/salesbot-crm/salesbot/"

// layout is the package table of docs/ARCHITECTURE.md: package → what it
// may import (project packages by name, third-party modules by prefix).
type layout map[string][]string

// readLayout reads every table row of docs/ARCHITECTURE.md whose first
// cell names packages in backticks.
func readLayout(t *testing.T) layout {
	f, err := os.Open("../docs/ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l := layout{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cells := strings.Split(sc.Text(), "|")
		if len(cells) < 5 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		allowed := ticked(cells[3])
		for _, p := range ticked(cells[1]) {
			l[p] = allowed
		}
	}
	if len(l) < 10 {
		t.Fatalf("docs/ARCHITECTURE.md: only %d packages in the layout table", len(l))
	}
	return l
}

// ticked returns the `quoted` items of a table cell.
func ticked(cell string) []string {
	var out []string
	parts := strings.Split(cell, "`")
	for i := 1; i < len(parts); i += 2 {
		out = append(out, parts[i])
	}
	return out
}

// rulesFor finds a package's row: its own, or a leaf pattern (crm/*).
func (l layout) rulesFor(pkg string) ([]string, bool) {
	if r, ok := l[pkg]; ok {
		return r, true
	}
	if i := strings.LastIndex(pkg, "/"); i > 0 {
		r, ok := l[pkg[:i]+"/*"]
		return r, ok
	}
	return nil, false
}

func allows(rules []string, imp string) bool {
	for _, r := range rules {
		switch {
		case r == "*", r == imp:
			return true
		case strings.HasSuffix(r, "/*") && strings.HasPrefix(imp, strings.TrimSuffix(r, "*")) && !strings.Contains(imp[len(r)-1:], "/"):
			return true
		case strings.Contains(r, ".") && (imp == r || strings.HasPrefix(imp, r+"/")):
			return true
		}
	}
	return false
}

// violations checks each package's imports (project packages without the
// module prefix) against the layout.
func (l layout) violations(imports map[string][]string) []string {
	var out []string
	for pkg, imps := range imports {
		rules, ok := l.rulesFor(pkg)
		if !ok {
			out = append(out, "package "+pkg+" is not in the layout table of docs/ARCHITECTURE.md")
			continue
		}
		for _, imp := range imps {
			std := !strings.Contains(strings.Split(imp, "/")[0], ".")
			project := !strings.HasPrefix(imp, module) && std && imports[imp] != nil
			if std && !project {
				continue
			}
			if !allows(rules, imp) {
				out = append(out, pkg+" imports "+imp+": not allowed (may import "+strings.Join(rules, ", ")+")")
			}
		}
	}
	return out
}

// projectImports lists each project package's imports, project packages
// by their name in the module.
func projectImports(t *testing.T) map[string][]string {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "../...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	m := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		var imps []string
		for _, imp := range f[1:] {
			imps = append(imps, strings.TrimPrefix(imp, module))
		}
		m[strings.TrimPrefix(f[0], module)] = imps
	}
	// Mark every project package as one (an empty list for none).
	for pkg := range m {
		if m[pkg] == nil {
			m[pkg] = []string{}
		}
	}
	return m
}

// TestImportArrows keeps the package table of docs/ARCHITECTURE.md (DESIGN.md's
// table) true: every dependency points toward crm, adapters never import
// each other or the store, and third-party modules stay where they belong.
func TestImportArrows(t *testing.T) {
	for _, v := range readLayout(t).violations(projectImports(t)) {
		t.Error(v)
	}
}

// The checker itself: a forbidden import is reported, an allowed one is not.
func TestImportArrowsCatchesAForbiddenImport(t *testing.T) {
	l := readLayout(t)
	imports := map[string][]string{
		"crm":          {"fmt", "crm/company", "golang.org/x/text/width"},
		"crm/company":  {"strings"},
		"store":        {"crm", "github.com/jmoiron/sqlx"},
		"conversation": {"crm", "sales", "store"},                 // store: forbidden
		"bot/wecom":    {"bot", "conversation", "github.com/x/y"}, // conversation, a module: forbidden
		"sales":        {"crm", "report"},
		"report":       {"crm"},
		"bot":          {"crm"},
		"github.com/x": nil,
	}
	delete(imports, "github.com/x")
	got := strings.Join(l.violations(imports), "\n")
	for _, want := range []string{"conversation imports store", "bot/wecom imports conversation", "bot/wecom imports github.com/x/y"} {
		if !strings.Contains(got, want) {
			t.Errorf("violations do not report %q:\n%s", want, got)
		}
	}
	for _, fine := range []string{"crm imports", "store imports", "sales imports"} {
		if strings.Contains(got, fine) {
			t.Errorf("violations report an allowed import (%s):\n%s", fine, got)
		}
	}
}

// customerStores are the interfaces that return customer data (or decide
// who may change the organisation): only sales and the wiring hold them.
var customerStores = map[string]map[string]bool{
	"crm":   {"Store": true, "CustomerStore": true, "PipelineStore": true, "ReportStore": true, "AnalyticsStore": true, "ReminderStore": true, "OrgStore": true},
	"sales": {"Store": true},
}

// TestCustomerDataOnlyThroughUseCases: bot, conversation, sheet and
// scheduler reach customer data only through the use cases, never a store
// (docs/ARCHITECTURE.md, "Customer data goes through sales").
func TestCustomerDataOnlyThroughUseCases(t *testing.T) {
	for _, dir := range []string{"../bot", "../conversation", "../sheet", "../scheduler"} {
		err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			for _, v := range storeUses(t, path) {
				t.Errorf("%s names %s: customer data goes through the sales use cases", path, v)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// storeUses lists the customer stores a Go file names.
func storeUses(t *testing.T, path string) []string {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if x, ok := sel.X.(*ast.Ident); ok && customerStores[x.Name][sel.Sel.Name] {
				out = append(out, x.Name+"."+sel.Sel.Name)
			}
		}
		return true
	})
	return out
}

func TestStoreUsesSeesAStore(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.go")
	if err := os.WriteFile(p, []byte("package x\n\nimport \"github.com/salesbot-crm/salesbot/crm\"\n\ntype Options struct{ Store crm.CustomerStore }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := storeUses(t, p); len(got) != 1 || got[0] != "crm.CustomerStore" {
		t.Fatalf("storeUses = %v, want [crm.CustomerStore]", got)
	}
}
