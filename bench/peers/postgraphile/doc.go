// Package postgraphile is the PostGraphile side of the peer benchmark
// (issue 15): install.sh installs PostGraphile 4 and 5 (and Node 22) into
// a cache outside the repository, start.sh runs either one, and
// <workload>.graphql holds the document PostGraphile answers for each
// workload of bench/peers/workload. The package has no code of its own:
// its tests check that each query file asks for what Quarry's document
// asks for, and, given running servers, that the answers agree.
package postgraphile
