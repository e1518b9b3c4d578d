package config

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestREADMEConfigurationTable keeps the configuration reference people read
// in README.md in step with the key table: every key documented, none invented.
func TestREADMEConfigurationTable(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	start := strings.Index(text, "| key | default | meaning |")
	if start < 0 {
		t.Fatal(`README.md has no configuration table ("| key | default | meaning |")`)
	}
	end := strings.Index(text[start:], "\n\n")
	if end < 0 {
		end = len(text) - start
	}
	keyName := regexp.MustCompile("`([a-z_]+\\.[a-z_]+)`")
	documented := map[string]bool{}
	for _, line := range strings.Split(text[start:start+end], "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 {
			continue
		}
		for _, m := range keyName.FindAllStringSubmatch(cells[1], -1) {
			documented[m[1]] = true
		}
	}

	var want, got []string
	for _, k := range keys {
		want = append(want, k.name)
	}
	for name := range documented {
		got = append(got, name)
	}
	sort.Strings(want)
	sort.Strings(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("README configuration table differs from the key table (-code +README):\n%s", diff)
	}
}
