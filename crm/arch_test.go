package crm_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportArrows keeps the package layout of DESIGN.md true: every
// dependency points toward crm, and channel adapters never import each other
// or the store.
func TestImportArrows(t *testing.T) {
	const mod = "github.com/salesbot-crm/salesbot/"
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "../...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	// allowed[pkg] lists the project packages pkg may import; "*" is any.
	allowed := map[string][]string{
		"crm":                   {},
		"store":                 {"crm"},
		"store/storetest":       {"store"},
		"conversation":          {"crm"},
		"bot":                   {"crm", "conversation", "report", "chart", "sheet"},
		"bot/console":           {"bot", "crm", "conversation"},
		"bot/telegram":          {"bot", "crm", "conversation"},
		"bot/wecom":             {"bot", "crm", "conversation"},
		"scheduler":             {"crm", "report", "chart"},
		"report":                {"crm"},
		"chart":                 {},
		"internal/demo":         {"crm", "store"}, // sets the store clock for a realistic history
		"sheet":                 {"crm"},
		"internal/faketelegram": {},
		"internal/fakewecom":    {},
		"cmd/salesbot":          {"*"},
		"bench":                 {"*"},
		"bench/webhook":         {"*"},
	}
	// Third-party imports that only some packages may use.
	thirdParty := map[string][]string{
		"crm":           {"golang.org/x/text/"},
		"conversation":  {},
		"bot":           {},
		"internal/demo": {},
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg := strings.TrimPrefix(f[0], mod)
		rules, ok := allowed[pkg]
		if !ok {
			t.Errorf("package %s is not in the layout table of DESIGN.md (add it here with its allowed imports)", pkg)
			continue
		}
		for _, imp := range f[1:] {
			if strings.HasPrefix(imp, mod) {
				dep := strings.TrimPrefix(imp, mod)
				if !contains(rules, "*") && !contains(rules, dep) {
					t.Errorf("%s imports %s: not allowed (may import %v)", pkg, dep, rules)
				}
				continue
			}
			if tp, ok := thirdParty[pkg]; ok && strings.Contains(strings.Split(imp, "/")[0], ".") {
				okImp := false
				for _, p := range tp {
					if strings.HasPrefix(imp, p) {
						okImp = true
					}
				}
				if !okImp {
					t.Errorf("%s imports third-party %s: not allowed", pkg, imp)
				}
			}
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
