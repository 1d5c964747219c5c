package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/quarrydata/quarry/bench/peers/load/report"
	"github.com/quarrydata/quarry/bench/peers/workload"
)

// contestant is one server under test (or pgbench), and how it is asked
// each workload.
type contestant struct {
	id      string
	url     string   // base URL: http://127.0.0.1:PORT
	headers []string // extra request headers (API key, token)
	// plan says whether the contestant runs w, and with what request.
	plan func(w workload.Workload) (req, bool, error)
}

// req is how one contestant is asked one workload.
type req struct {
	path string
	body func(i int64) []byte
	// pgbenchFile is set for pgbench, which sends no HTTP request.
	pgbenchFile string
}

// contestantConfig is what `load run` was told about the contestants.
type contestantConfig struct {
	quarryPG, quarryRule, quarryMy string
	pg5, pg4                       string
	floorPG, floorMy               string
	apiKey                         string
	token                          string // the owner's JWT for quarryRule
	postgraphileDir, pgbenchDir    string
	pgbenchDSN                     string
}

// contestants builds the configured contestants, in report.Order.
func (cc contestantConfig) contestants() []*contestant {
	quarry := func(w workload.Workload) (req, bool, error) {
		return req{path: "/graphql", body: bodyFunc(w.Quarry, w.Vars)}, true, nil
	}
	floor := func(w workload.Workload) (req, bool, error) {
		return req{path: "/" + w.Name, body: bodyFunc(w.Quarry, w.Vars)}, true, nil
	}
	mysqlOnly := func(f func(workload.Workload) (req, bool, error)) func(workload.Workload) (req, bool, error) {
		return func(w workload.Workload) (req, bool, error) {
			if !w.MySQL {
				return req{}, false, nil
			}
			return f(w)
		}
	}
	apiKey := "X-Api-Key: " + cc.apiKey
	var out []*contestant
	add := func(id, url string, headers []string, plan func(workload.Workload) (req, bool, error)) {
		if url != "" {
			out = append(out, &contestant{id: id, url: strings.TrimSuffix(url, "/"), headers: headers, plan: plan})
		}
	}
	add(report.QuarryPG, cc.quarryPG, []string{apiKey}, quarry)
	add(report.QuarryRule, cc.quarryRule, []string{"Authorization: " + cc.token}, func(w workload.Workload) (req, bool, error) {
		if !w.Rule {
			return req{}, false, nil
		}
		return quarry(w)
	})
	add(report.PostGraphile5, cc.pg5, nil, cc.postgraphile(5))
	add(report.PostGraphile4, cc.pg4, nil, cc.postgraphile(4))
	add(report.FloorPG, cc.floorPG, nil, floor)
	if cc.pgbenchDSN != "" {
		out = append(out, &contestant{id: report.PGBench, plan: cc.pgbench})
	}
	add(report.QuarryMy, cc.quarryMy, []string{apiKey}, mysqlOnly(quarry))
	add(report.FloorMy, cc.floorMy, nil, mysqlOnly(floor))
	return out
}

// postgraphile reads the workload's query file: <Name>.v4.graphql for
// version 4 when it needs its own, else <Name>.graphql. A workload
// without a file is not run on PostGraphile.
func (cc contestantConfig) postgraphile(version int) func(workload.Workload) (req, bool, error) {
	return func(w workload.Workload) (req, bool, error) {
		if !w.PostGraphile || w.Rule {
			return req{}, false, nil
		}
		names := []string{w.Name + ".graphql"}
		if version == 4 {
			names = append([]string{w.Name + ".v4.graphql"}, names...)
		}
		for _, n := range names {
			b, err := os.ReadFile(filepath.Join(cc.postgraphileDir, n))
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				return req{}, false, fmt.Errorf("PostGraphile %d query for %s: %w", version, w.Name, err)
			}
			return req{path: "/graphql", body: bodyFunc(stripComments(string(b)), w.Vars)}, true, nil
		}
		return req{}, false, nil
	}
}

// pgbench runs the read workloads that have a script.
func (cc contestantConfig) pgbench(w workload.Workload) (req, bool, error) {
	if w.Write || w.Rule {
		return req{}, false, nil
	}
	f := filepath.Join(cc.pgbenchDir, w.Name+".sql")
	if _, err := os.Stat(f); err != nil {
		return req{}, false, nil
	}
	return req{pgbenchFile: f}, true, nil
}

// stripComments drops whole-line # comments from a query file, so the
// files can say what they are without the comment going over the wire.
func stripComments(q string) string {
	var lines []string
	for _, l := range strings.Split(q, "\n") {
		if t := strings.TrimSpace(l); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}

// bodyFunc builds request i's JSON body. A workload without variables
// sends one fixed body; otherwise the query's encoding is done once and
// only the variables are encoded per request.
func bodyFunc(query string, vars func(int64) map[string]any) func(int64) []byte {
	q, _ := json.Marshal(query)
	if vars == nil {
		fixed := []byte(`{"query":` + string(q) + `}`)
		return func(int64) []byte { return fixed }
	}
	prefix := []byte(`{"query":` + string(q) + `,"variables":`)
	return func(i int64) []byte {
		v, err := json.Marshal(vars(i))
		if err != nil {
			// Vars come from the workload package and hold ints: a failure
			// here is a programming error, not a condition to handle.
			panic(fmt.Sprintf("encoding variables of request %d: %v", i, err))
		}
		b := make([]byte, 0, len(prefix)+len(v)+1)
		b = append(append(append(b, prefix...), v...), '}')
		return b
	}
}
