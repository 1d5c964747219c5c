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

// stampedVersion and stampedRevision are set by release builds (the
// Dockerfile, .goreleaser.yaml) with
// -ldflags "-X github.com/quarrydata/quarry/internal/server.stampedVersion=v1.2.3 -X ...stampedRevision=<commit>",
// because those build without the Git checkout that the build information
// would otherwise take them from. They are never assigned at run time.
var stampedVersion, stampedRevision string

// BuildVersion reads the binary's build information, preferring what a
// release build stamped.
func BuildVersion() Version {
	v := buildInfoVersion()
	if stampedVersion != "" {
		v.Version = stampedVersion
	}
	if stampedRevision != "" {
		v.Revision = stampedRevision
	}
	return v
}

func buildInfoVersion() Version {
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
