package server

import (
	"runtime"
	"runtime/debug"
)

// Version describes the running binary: its module version ("(devel)"
// for a build from a checkout), the VCS revision it was built from, with
// "-dirty" when the tree had changes, and the Go version.
type Version struct {
	Version, Revision, Go string
}

// BuildVersion reads the binary's build information.
func BuildVersion() Version {
	v := Version{Version: "(devel)", Revision: "unknown", Go: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if info.Main.Version != "" {
		v.Version = info.Main.Version
	}
	dirty := false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty {
		v.Revision += "-dirty"
	}
	return v
}
