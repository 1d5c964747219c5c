package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/quarrydata/quarry/internal/server"
)

func (e *env) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print Quarry's version, the revision it was built from and the Go version",
		Args:  exactArgs(0, ""),
		RunE: func(*cobra.Command, []string) error {
			v := server.BuildVersion()
			fmt.Fprintf(e.stdout, "quarry %s (revision %s, %s)\n", v.Version, v.Revision, v.Go)
			return nil
		},
	}
}
