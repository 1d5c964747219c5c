package cli

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// addCompressFlag adds serve's --compress (server.Server.Compress).
func addCompressFlag(fs *pflag.FlagSet) {
	fs.Bool("compress", true, "compress responses of 1 KB and more with brotli or gzip when the client accepts them (Accept-Encoding); WebSocket subscriptions are never compressed. Turn off when a proxy in front compresses")
}

// compressFlag is the value of cmd's --compress.
func compressFlag(cmd *cobra.Command) bool {
	on, err := cmd.Flags().GetBool("compress")
	return err == nil && on
}
