// Command quarry serves a typed GraphQL API over an existing database.
package main

import (
	"os"

	"github.com/quarrydata/quarry/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
