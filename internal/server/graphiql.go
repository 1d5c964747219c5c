package server

import (
	_ "embed" // the GraphiQL page
	"net/http"
)

//go:embed graphiql.html
var graphiqlPage []byte

// graphiql serves the GraphiQL IDE. It loads GraphiQL from a CDN and sends
// the API key the page is opened with (?key=...) as x-api-key.
func (s *Server) graphiql(w http.ResponseWriter, r *http.Request) {
	if !s.GraphiQL {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet {
		http.Error(w, "GET only", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(graphiqlPage)
}
