package dns

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"headway/backend/headscale/hstest"
)

// TestExtraRecordsHeadscale writes extra records for a real Headscale and
// waits until Headscale hands them to devices, without a restart.
func TestExtraRecordsHeadscale(t *testing.T) {
	t.Parallel()
	hs := hstest.Start(t, hstest.WithExtraRecords())
	s := New(hs.ConfigPath, "", discard)
	ctx := context.Background()

	st, err := s.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Configured || !st.ExtraRecordsConfigured || st.Settings.BaseDomain != "hs.test" {
		t.Fatalf("Get() = %+v, want the test server's settings with extra records", st)
	}

	// Twice: the file is replaced by rename, after which Headscale has to
	// watch the new file.
	for _, recs := range [][]Record{
		{{Name: "grafana.hs.test", Type: "A", Value: "100.64.0.7"}, {Name: "grafana.hs.test", Type: "AAAA", Value: "fd7a:115c:a1e0::7"}},
		{{Name: "wiki.hs.test", Type: "A", Value: "100.64.0.8"}},
	} {
		if _, err := s.SetExtraRecords(ctx, recs); err != nil {
			t.Fatal(err)
		}
		var want []hstest.DNSRecord
		for _, r := range recs {
			want = append(want, hstest.DNSRecord{Name: r.Name, Type: r.Type, Value: r.Value})
		}
		waitApplied(t, hs, want)
	}

	// A refused list leaves Headscale's records alone.
	_, err = s.SetExtraRecords(ctx, []Record{{Name: "bad name", Type: "A", Value: "100.64.0.9"}})
	if !errors.Is(err, ErrRecordInvalid) {
		t.Fatalf("SetExtraRecords(invalid) error = %v, want record_invalid", err)
	}
	time.Sleep(200 * time.Millisecond)
	waitApplied(t, hs, []hstest.DNSRecord{{Name: "wiki.hs.test", Type: "A", Value: "100.64.0.8"}})

	// Headscale still runs and logged no error about the file.
	log, err := os.ReadFile(hs.LogPath())
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(log), "\n") {
		if strings.Contains(line, "extra records") && (strings.Contains(line, "ERR") || strings.Contains(line, "error")) {
			t.Errorf("Headscale logged a problem with extra records: %s", line)
		}
	}
	hs.Headscale(t, "users", "list")
}

// waitApplied waits up to 10 s for Headscale to hand out want (compared in
// any order).
func waitApplied(t *testing.T, hs *hstest.Server, want []hstest.DNSRecord) {
	t.Helper()
	less := func(a, b hstest.DNSRecord) bool { return a.Name+a.Type+a.Value < b.Name+b.Type+b.Value }
	var got []hstest.DNSRecord
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		got = hs.AppliedExtraRecords(t)
		if cmp.Equal(want, got, cmpopts.SortSlices(less)) {
			return
		}
	}
	t.Fatalf("Headscale's extra records = %v, want %v", got, want)
}
