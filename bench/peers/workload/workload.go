// Package workload is the single list of the peer benchmark's workloads
// (issue 15): the GraphQL document each contestant answers, the variables
// of each request, and which contestants and engines run it. The driver
// (bench/peers/load), the HTTP floor (bench/peers/floor) and the
// PostGraphile query files all follow this list; see
// /work/notes/peers-contract.md for the contract between them.
package workload

// Workload is one request shape of the peer benchmark.
type Workload struct {
	Name         string                       // e.g. "tracks20"; also the floor's path and the query file name
	Title        string                       // e.g. "20 tracks" (table row)
	Write        bool                         // mutates
	Vars         func(i int64) map[string]any // variables of request i (nil: none); i is unique across the whole run for writes
	Quarry       string                       // GraphQL document for Quarry (same on PostgreSQL and MariaDB)
	PostGraphile bool                         // PostGraphile 4 and 5 run it (query file bench/peers/postgraphile/<Name>.graphql)
	MySQL        bool                         // also measured on MariaDB (Quarry on MariaDB vs the floor on MariaDB)
	Rule         bool                         // Quarry runs it with the owner rule on playlist (JWT), compared with the same query without
	Concurrency  []int                        // fixed levels; nil means the sweep 1/16/64/256
}

// Albums is how many albums Chinook has: the album workloads cycle through
// all of them, so no single row is hot.
const Albums = 347

// Items is how many rows Setup puts in table item.
const Items = 10000

// Owner is the value Setup puts in playlist.owner for every row, and the
// signed-in user (JWT subject) of the Rule workload.
const Owner = "user-1"

// InvoiceLineBase is the first invoice_line_id the write workload creates
// (request i creates InvoiceLineBase+i); Chinook's own ids end at 2240.
const InvoiceLineBase = 1_000_000

// MaxListLimit is the --max-list-limit Quarry must be started with so that
// items10k's single page of 10,000 rows is allowed (the default is 1000).
const MaxListLimit = Items

// PlaylistID is the playlist the playlist workloads read: playlist 1 has
// 3,290 tracks, so the page of 50 is always full.
const PlaylistID = 1

// playlistTracks is the document of playlist_tracks and playlist_owner.
const playlistTracks = `query ($id: Int!) { getPlaylist(playlist_id: $id) { name playlist_tracks(limit: 50) { items { track { name album { title artist { name } } } } } } }`

func albumVars(i int64) map[string]any { return map[string]any{"id": i%Albums + 1} }

func playlistVars(int64) map[string]any { return map[string]any{"id": PlaylistID} }

// All returns every workload, in the report's order. It is a function, not
// a package variable, so no caller can change another's list.
func All() []Workload {
	return []Workload{
		{
			Name:         "tracks20",
			Title:        "20 tracks",
			Quarry:       `query { listTracks(limit: 20) { items { track_id name unit_price } } }`,
			PostGraphile: true,
			MySQL:        true,
		},
		{
			Name:         "album",
			Title:        "one album by key",
			Vars:         albumVars,
			Quarry:       `query ($id: Int!) { getAlbum(album_id: $id) { album_id title } }`,
			PostGraphile: true,
			MySQL:        true,
		},
		{
			Name:         "albums_tracks_genre",
			Title:        "20 albums, their tracks and genres",
			Quarry:       `query { listAlbums(limit: 20) { items { title tracks { items { name genre { name } } } } } }`,
			PostGraphile: true,
			MySQL:        true,
		},
		{
			Name:         "playlist_tracks",
			Title:        "playlist, 50 tracks, album, artist",
			Vars:         playlistVars,
			Quarry:       playlistTracks,
			PostGraphile: true,
			MySQL:        true,
		},
		{
			Name:         "album_c1",
			Title:        "one album, one client (added latency)",
			Vars:         albumVars,
			Quarry:       `query ($id: Int!) { getAlbum(album_id: $id) { album_id title } }`,
			PostGraphile: true,
			MySQL:        true,
			Concurrency:  []int{1},
		},
		{
			Name:  "invoice_line_cud",
			Title: "create, update, delete an invoice line",
			Write: true,
			Vars: func(i int64) map[string]any {
				return map[string]any{"id": InvoiceLineBase + i}
			},
			// Three mutations in one document run one after the other
			// (GraphQL runs mutation fields serially).
			Quarry: `mutation ($id: Int!) { ` +
				`c: createInvoice_line(input: {invoice_line_id: $id, invoice_id: 1, track_id: 1, unit_price: 0.99, quantity: 1}) { invoice_line_id quantity } ` +
				`u: updateInvoice_line(input: {invoice_line_id: $id, quantity: 2}) { invoice_line_id quantity } ` +
				`d: deleteInvoice_line(input: {invoice_line_id: $id}) { invoice_line_id } }`,
			PostGraphile: true,
			MySQL:        true,
		},
		{
			Name:   "playlist_owner",
			Title:  "playlist under an owner rule",
			Vars:   playlistVars,
			Quarry: playlistTracks,
			Rule:   true,
		},
		{
			Name:         "items10k",
			Title:        "10,000-row list",
			Quarry:       `query { listItems(limit: 10000) { items { item_id name price created_at } } }`,
			PostGraphile: true,
			MySQL:        true,
		},
	}
}
