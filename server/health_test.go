package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/komoru/komoru/indexer"
	"github.com/komoru/komoru/web"
)

// healthIndex is the real index reporting the health it is given, as
// *indexer.Pending reports the open index's.
type healthIndex struct {
	*indexer.Index
	err error
}

func (h healthIndex) Health() indexer.Health {
	if h.err != nil {
		return indexer.Health{State: indexer.HealthDegraded, Err: h.err}
	}
	return indexer.Health{State: indexer.HealthOK}
}

// TestHealthDegraded: while the index cannot take the catalog's changes
// (a full disk), /healthz is a 503 "degraded" with the reason, and
// searches still answer from the last good index; once it has caught up,
// /healthz is ok again.
func TestHealthDegraded(t *testing.T) {
	st := newSite(t)
	full := fmt.Errorf("%w: index changes 112 to 2111: write index/store/000000000011.zap: %w", indexer.ErrDegraded, syscall.ENOSPC)
	for _, tc := range []struct {
		err        error
		status     int
		wantStatus string
		wantIn     string // in the message
	}{
		{full, http.StatusServiceUnavailable, "degraded", "no space left on device"},
		{nil, http.StatusOK, "ok", ""},
	} {
		s, err := New(Config{Store: st.store, Search: healthIndex{st.ix, tc.err}, Codebook: st.store.Codebook(), Assets: web.FS})
		if err != nil {
			t.Fatal(err)
		}
		rec := request(t, s, "GET", "/healthz")
		var got struct {
			Status  string `json:"status"`
			Message string `json:"message"`
			Works   int    `json:"works"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatalf("/healthz with %v: %v in %s", tc.err, err, rec.Body)
		}
		if rec.Code != tc.status || got.Status != tc.wantStatus || !strings.Contains(got.Message, tc.wantIn) || got.Works == 0 {
			t.Errorf("/healthz with %v: %d %s; want %d, status %q, %q in the message, the works counted",
				tc.err, rec.Code, rec.Body, tc.status, tc.wantStatus, tc.wantIn)
		}
		if m := request(t, s, "GET", "/metrics").Body.String(); !strings.Contains(m, `komoru_index_state{state="`+tc.wantStatus+`"} 1`) {
			t.Errorf("/metrics with %v does not say the index is %s", tc.err, tc.wantStatus)
		}
		if rec := request(t, s, "GET", "/api/v1/search?q=nhk"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "welcome-to-the-nhk") {
			t.Errorf("search with %v: %d %s; want it answered", tc.err, rec.Code, rec.Body)
		}
	}
}
