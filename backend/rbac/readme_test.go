package rbac

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestREADMERoleTable keeps the role table people read in README.md equal to the code.
func TestREADMERoleTable(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	begin, end := strings.Index(text, "<!-- roles:begin -->"), strings.Index(text, "<!-- roles:end -->")
	if begin < 0 || end < begin {
		t.Fatal("README.md has no <!-- roles:begin --> … <!-- roles:end --> table")
	}
	name := regexp.MustCompile("`([a-z_]+)`")
	documented := map[Role][]string{}
	var order []Role
	for _, line := range strings.Split(text[begin:end], "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 4 || !strings.Contains(cells[1], "`") {
			continue
		}
		role := Role(name.FindStringSubmatch(cells[1])[1])
		order = append(order, role)
		caps := []string{}
		for _, m := range name.FindAllStringSubmatch(cells[2], -1) {
			caps = append(caps, m[1])
		}
		documented[role] = caps
	}

	if diff := cmp.Diff(Roles(), order); diff != "" {
		t.Errorf("README roles differ from Roles() (-code +README):\n%s", diff)
	}
	for _, r := range Roles() {
		want := []string{}
		for _, c := range r.Capabilities() {
			want = append(want, string(c))
		}
		if diff := cmp.Diff(want, documented[r]); diff != "" {
			t.Errorf("README capabilities of %s differ (-code +README):\n%s", r, diff)
		}
	}
}
