package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// deepQuery is W9's request: readings in taken_at order, 20 a page.
const deepQuery = `query ($t: String) { listReadings(sortBy: [{field: taken_at, direction: ASC}], limit: 20, nextToken: $t) { items { id taken_at } nextToken } }`

// deepItems builds W9's items as Quarry writes them (AWSDateTime in UTC
// with milliseconds) from the rows of the subquery t.
const deepItems = `SELECT json_agg(json_build_object('id', id, 'taken_at', to_char(taken_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) ORDER BY taken_at, id) FROM `

// The hand-written pages: the first, a later one by keyset (the rows
// after the previous page's last), as W9's baseline, and the same later
// page by OFFSET, which checks the walk independently of any token.
const (
	deepDirectFirst  = deepItems + `(SELECT id, taken_at FROM reading ORDER BY taken_at, id LIMIT 20) t`
	deepDirectAfter  = deepItems + `(SELECT id, taken_at FROM reading WHERE (taken_at, id) > ($1, $2) ORDER BY taken_at, id LIMIT 20) t`
	deepDirectOffset = deepItems + `(SELECT id, taken_at FROM reading ORDER BY taken_at, id OFFSET $1 LIMIT 20) t`
)

// deepWalk is what following nextToken from page 1 to deepPage found.
type deepWalk struct {
	first, deep []byte // request bodies of page 1 and of page deepPage (with its token)
	// afterAt and afterID are the last row of the page before deepPage:
	// the hand-written keyset page starts after them.
	afterAt time.Time
	afterID int64
	took    time.Duration // the whole walk, one request at a time
}

type deepPageResp struct {
	Data struct {
		ListReadings struct {
			Items []struct {
				ID      int64  `json:"id"`
				TakenAt string `json:"taken_at"`
			} `json:"items"`
			NextToken *string `json:"nextToken"`
		} `json:"listReadings"`
	} `json:"data"`
}

func deepBody(b *testing.B, token *string) []byte {
	b.Helper()
	raw, err := json.Marshal(map[string]any{"query": deepQuery, "variables": map[string]any{"t": token}})
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// walkPages follows nextToken from page 1 to page deepPage, once per
// benchmark run.
func (e *millionEnv) walkPages(b *testing.B) *deepWalk {
	b.Helper()
	if e.walk != nil {
		return e.walk
	}
	ctx := context.Background()
	w := &deepWalk{first: deepBody(b, nil)}
	body := w.first
	start := time.Now()
	for page := 1; page < deepPage; page++ {
		raw, err := fetchGraphQL(ctx, e.client, e.url, body)
		if err != nil {
			b.Fatalf("W9 page %d: %v", page, err)
		}
		var resp deepPageResp
		if err := json.Unmarshal(raw, &resp); err != nil {
			b.Fatalf("W9 page %d: %v", page, err)
		}
		l := resp.Data.ListReadings
		if len(l.Items) != 20 || l.NextToken == nil {
			b.Fatalf("W9 page %d: %d items, nextToken %v", page, len(l.Items), l.NextToken)
		}
		last := l.Items[len(l.Items)-1]
		if w.afterAt, err = time.Parse(time.RFC3339Nano, last.TakenAt); err != nil {
			b.Fatalf("W9 page %d: %v", page, err)
		}
		w.afterID = last.ID
		body = deepBody(b, l.NextToken)
	}
	w.took = time.Since(start)
	w.deep = body
	e.walk = w
	return w
}

// deepSorted is W9.
func (e *millionEnv) deepSorted(b *testing.B) {
	ctx := context.Background()
	pool := directPool(b, e.uri)
	defer pool.Close()
	w := e.walkPages(b)
	// Quarry's pages 1 and deepPage against the hand-written ones: page
	// deepPage by keyset and by OFFSET, so a walk that skipped or
	// repeated rows would fail here.
	e.checkDeep(b, pool, w.first, deepDirectFirst)
	e.checkDeep(b, pool, w.deep, deepDirectAfter, w.afterAt, w.afterID)
	e.checkDeep(b, pool, w.deep, deepDirectOffset, (deepPage-1)*20)
	e.explain(b, pool, workload{name: "W9_page5000", direct: deepDirectAfter,
		args: func(int) []any { return []any{w.afterAt, w.afterID} }}, [][]byte{w.deep})

	path := pathOf(b, e.url)
	load := newLoadClient(b, e.url)
	fetch := func(body []byte) func() error { return func() error { return load.post(path, body) } }
	direct := func(query string, args ...any) func() error {
		return func() error {
			var raw []byte
			return pool.QueryRow(ctx, query, args...).Scan(&raw)
		}
	}
	sides := []func() error{
		fetch(w.first), fetch(w.deep),
		direct(deepDirectFirst), direct(deepDirectAfter, w.afterAt, w.afterID),
	}
	took := make([][]time.Duration, len(sides))
	// One client, the four requests in turn; the first rounds warm the
	// connections and caches. ns/op is one round of the four.
	const warmRounds = 10
	for i := range warmRounds + b.N {
		if i == warmRounds {
			b.ResetTimer()
		}
		for s, f := range sides {
			start := time.Now()
			if err := f(); err != nil {
				b.Fatalf("W9: %v", err)
			}
			if i >= warmRounds {
				took[s] = append(took[s], time.Since(start))
			}
		}
	}
	b.StopTimer()
	p1, pd, d1, dd := median(took[0]), median(took[1]), median(took[2]), median(took[3])
	b.ReportMetric(ms(p1), "ms_page1")
	b.ReportMetric(ms(pd), fmt.Sprintf("ms_page%d", deepPage))
	b.ReportMetric(pd.Seconds()/p1.Seconds(), fmt.Sprintf("x_page%d", deepPage))
	b.ReportMetric(ms(d1), "ms_direct_page1")
	b.ReportMetric(ms(dd), fmt.Sprintf("ms_direct_page%d", deepPage))
	b.ReportMetric(dd.Seconds()/d1.Seconds(), fmt.Sprintf("x_direct_page%d", deepPage))
	b.ReportMetric(w.took.Seconds(), "s_walk")
}

// checkDeep fails unless Quarry's items for body equal the hand-written
// statement's.
func (e *millionEnv) checkDeep(b *testing.B, pool *pgxpool.Pool, body []byte, direct string, args ...any) {
	b.Helper()
	ctx := context.Background()
	raw, err := fetchGraphQL(ctx, e.client, e.url, body)
	if err != nil {
		b.Fatalf("W9: %v", err)
	}
	var resp struct {
		Data struct {
			ListReadings struct{ Items any } `json:"listReadings"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &resp); err != nil {
		b.Fatalf("W9: %v", err)
	}
	var want []byte
	if err := pool.QueryRow(ctx, direct, args...).Scan(&want); err != nil {
		b.Fatalf("W9 direct: %v", err)
	}
	var w any
	if err := json.Unmarshal(want, &w); err != nil {
		b.Fatalf("W9 direct: %v", err)
	}
	if !reflect.DeepEqual(resp.Data.ListReadings.Items, w) {
		b.Fatalf("W9: Quarry and the direct SQL differ\nquarry %.1000s\ndirect %.1000s", raw, want)
	}
}
