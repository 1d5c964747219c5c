package testmy

import (
	"database/sql"
	"testing"
)

// TestStart: the server writes a row-based binary log, and --skip-log-bin
// turns it off.
func TestStart(t *testing.T) {
	for _, tc := range []struct {
		extra  []string
		logBin bool
	}{{nil, true}, {[]string{"--skip-log-bin"}, false}} {
		s := Start(t, tc.extra...)
		db := s.CreateDatabase(t, "app")
		var logBin bool
		var format, image string
		if err := db.QueryRow("SELECT @@GLOBAL.log_bin, @@GLOBAL.binlog_format, @@GLOBAL.binlog_row_image").Scan(&logBin, &format, &image); err != nil {
			t.Fatal(err)
		}
		if logBin != tc.logBin || format != "ROW" || image != "FULL" {
			t.Errorf("%v: log_bin %v, binlog_format %s, binlog_row_image %s", tc.extra, logBin, format, image)
		}
		other, err := sql.Open("mysql", s.DatabaseDSN("root", "app"))
		if err != nil {
			t.Fatal(err)
		}
		var tz string
		if err := other.QueryRow("SELECT @@session.time_zone").Scan(&tz); err != nil || tz != "+00:00" {
			t.Errorf("time_zone %q %v", tz, err)
		}
		other.Close()
		if s.URI("root") == "" {
			t.Error("no URI")
		}
	}
}
