package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// healthcheckCommand asks a running quarry serve for /healthz, for
// container health checks: the release image is built FROM scratch and has
// no curl or wget.
func (e *env) healthcheckCommand() *cobra.Command {
	var (
		url     string
		port    int
		live    bool
		timeout time.Duration
	)
	cmd := &cobra.Command{
		Use:   "healthcheck",
		Short: "Exit 0 when a running quarry serve answers /healthz, 1 otherwise (for container health checks)",
		Long: `Ask a running quarry serve for /healthz and exit 0 when it is ready to serve,
1 otherwise, printing one line that says why. Made for Docker's HEALTHCHECK and
Kubernetes' exec probes, since Quarry's image has no curl.

/healthz answers 200 "ok" when the database answers, 200 "degraded" when only
the broker (--broker) is unreachable (the instance still serves queries and
mutations, and its subscribers catch up once NATS is back), and 503 when the
database is unreachable.

  quarry healthcheck          ready: exit 0 on 200 (ok or degraded), 1 on 503
                              or no answer. Use for readiness.
  quarry healthcheck --live   alive: exit 0 on any answer from /healthz, 200 or
                              503, 1 when nothing answers. Use for liveness, so
                              a database outage does not restart every instance.

The port comes from --port, or QUARRY_PORT as for quarry serve.`,
		Example: `  quarry healthcheck
  quarry healthcheck --live --port 8080
  quarry healthcheck --url https://127.0.0.1:4000/healthz`,
		Args: exactArgs(0, ""),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if url == "" {
				url = "http://127.0.0.1:" + strconv.Itoa(port) + "/healthz"
			}
			line, err := checkHealth(cmd.Context(), url, live, timeout)
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, line)
			return nil
		},
	}
	cmd.Flags().StringVar(&url, "url", "", "health endpoint to ask (default http://127.0.0.1:<port>/healthz)")
	cmd.Flags().IntVar(&port, "port", 4000, "port quarry serve listens on, when --url is not given")
	cmd.Flags().BoolVar(&live, "live", false, "succeed on any answer from /healthz, also 503 (database unreachable): for liveness probes")
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Second, "how long to wait for the answer")
	return cmd
}

// checkHealth asks url and returns the one line to print on success, or
// an error saying why the instance is not healthy.
func checkHealth(ctx context.Context, url string, live bool, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", usageError{fmt.Errorf("--url %q: %w", url, err)}
	}
	client := &http.Client{
		// A redirect would mean url is not Quarry's /healthz.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return "", fmt.Errorf("%s did not answer within %s", url, timeout)
		}
		return "", fmt.Errorf("%s: no answer: %w", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", fmt.Errorf("%s: reading the answer: %w", url, err)
	}
	var report map[string]string
	if err := json.Unmarshal(body, &report); err != nil || report["status"] == "" {
		return "", fmt.Errorf("%s answered %d without Quarry's health report: is it quarry serve's /healthz?", url, resp.StatusCode)
	}
	summary := summarize(report)
	switch {
	case resp.StatusCode == http.StatusOK:
		return summary, nil
	case live && resp.StatusCode == http.StatusServiceUnavailable:
		return "alive, not ready: " + summary, nil
	}
	return "", fmt.Errorf("not ready (%d): %s", resp.StatusCode, summary)
}

// summarize puts /healthz's report on one line: the status, then every
// dependency that is not "ok".
func summarize(report map[string]string) string {
	var bad []string
	for name, v := range report {
		if name != "status" && v != "ok" {
			bad = append(bad, name+": "+v)
		}
	}
	if len(bad) == 0 {
		return report["status"]
	}
	sort.Strings(bad)
	return report["status"] + " (" + strings.Join(bad, "; ") + ")"
}
