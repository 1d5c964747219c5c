package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"
)

// The deployment files at the repository's root and in deploy/kubernetes
// run quarry with flags: these tests parse them with the real commands, so
// a renamed flag fails here rather than in a user's cluster.

// k8sObject is the part of a Kubernetes manifest the tests look at.
type k8sObject struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name      string `yaml:"name"`
		Namespace string `yaml:"namespace"`
	} `yaml:"metadata"`
	StringData map[string]string `yaml:"stringData"`
	Spec       struct {
		Replicas *int `yaml:"replicas"`
		Template struct {
			Spec k8sPodSpec `yaml:"spec"`
		} `yaml:"template"`
		Ports []struct {
			Name string `yaml:"name"`
			Port int    `yaml:"port"`
		} `yaml:"ports"`
	} `yaml:"spec"`
}

type k8sPodSpec struct {
	SecurityContext struct {
		RunAsNonRoot *bool `yaml:"runAsNonRoot"`
		RunAsUser    int   `yaml:"runAsUser"`
	} `yaml:"securityContext"`
	Containers []k8sContainer `yaml:"containers"`
	Volumes    []struct {
		Name   string `yaml:"name"`
		Secret *struct {
			SecretName string `yaml:"secretName"`
		} `yaml:"secret"`
	} `yaml:"volumes"`
}

type k8sContainer struct {
	Name  string   `yaml:"name"`
	Args  []string `yaml:"args"`
	Ports []struct {
		Name          string `yaml:"name"`
		ContainerPort int    `yaml:"containerPort"`
	} `yaml:"ports"`
	ReadinessProbe  *k8sProbe `yaml:"readinessProbe"`
	LivenessProbe   *k8sProbe `yaml:"livenessProbe"`
	SecurityContext struct {
		ReadOnlyRootFilesystem   *bool `yaml:"readOnlyRootFilesystem"`
		AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
	} `yaml:"securityContext"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
	} `yaml:"volumeMounts"`
}

type k8sProbe struct {
	HTTPGet *struct {
		Path string `yaml:"path"`
		Port any    `yaml:"port"` // a number or a port's name
	} `yaml:"httpGet"`
	Exec *struct {
		Command []string `yaml:"command"`
	} `yaml:"exec"`
}

// readManifests parses every document of every .yaml file in
// deploy/kubernetes.
func readManifests(t *testing.T) []k8sObject {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(repoRoot(t), "deploy", "kubernetes", "*.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no manifests in deploy/kubernetes: %v", err)
	}
	var objs []k8sObject
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(raw))
		for i := 1; ; i++ {
			var o k8sObject
			if err := dec.Decode(&o); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s, document %d: %v", p, i, err)
			}
			if o.APIVersion == "" || o.Kind == "" || o.Metadata.Name == "" {
				t.Errorf("%s, document %d: apiVersion, kind and metadata.name are required", p, i)
			}
			if o.Metadata.Namespace != "" {
				t.Errorf("%s: %s/%s sets a namespace; the example goes where kubectl -n puts it", p, o.Kind, o.Metadata.Name)
			}
			objs = append(objs, o)
		}
	}
	return objs
}

func findObject(t *testing.T, objs []k8sObject, kind, name string) k8sObject {
	t.Helper()
	for _, o := range objs {
		if o.Kind == kind && o.Metadata.Name == name {
			return o
		}
	}
	t.Fatalf("no %s %q in deploy/kubernetes", kind, name)
	return k8sObject{}
}

// parseCommand parses args (after the command's name) with quarry's real
// command named name and returns it, its flags set.
func parseCommand(t *testing.T, name string, args []string) *cobra.Command {
	t.Helper()
	e := newEnv(strings.NewReader(""), io.Discard, io.Discard)
	cmd, rest, err := e.rootCommand().Find([]string{name})
	if err != nil || cmd.Name() != name || len(rest) != 0 {
		t.Fatalf("quarry has no command %q", name)
	}
	if err := cmd.ParseFlags(args); err != nil {
		t.Fatalf("quarry %s %s: %v", name, strings.Join(args, " "), err)
	}
	if left := cmd.Flags().Args(); len(left) > 0 {
		t.Fatalf("quarry %s takes no arguments, got %q", name, left)
	}
	return cmd
}

func flag(cmd *cobra.Command, name string) string { return cmd.Flags().Lookup(name).Value.String() }

func TestKubernetesManifests(t *testing.T) {
	objs := readManifests(t)
	dep := findObject(t, objs, "Deployment", "quarry")
	if dep.Spec.Replicas == nil || *dep.Spec.Replicas < 2 {
		t.Errorf("replicas = %v, want several (the example shows subscriptions across replicas)", dep.Spec.Replicas)
	}
	pod := dep.Spec.Template.Spec
	if pod.SecurityContext.RunAsNonRoot == nil || !*pod.SecurityContext.RunAsNonRoot || pod.SecurityContext.RunAsUser == 0 {
		t.Error("the pod must set runAsNonRoot: true and a non-zero runAsUser")
	}
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(pod.Containers))
	}
	c := pod.Containers[0]
	if sc := c.SecurityContext; sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem || sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
		t.Error("the container must set readOnlyRootFilesystem: true and allowPrivilegeEscalation: false")
	}
	if len(c.Args) == 0 || c.Args[0] != "serve" {
		t.Fatalf("args = %q, want quarry serve ...", c.Args)
	}
	serve := parseCommand(t, "serve", c.Args[1:])

	// The port serve listens on is the container's, and both probes ask
	// /healthz there.
	port, _ := strconv.Atoi(flag(serve, "port"))
	portByName := map[string]int{}
	for _, p := range c.Ports {
		portByName[p.Name] = p.ContainerPort
	}
	if !slices.Contains(mapsValues(portByName), port) {
		t.Errorf("serve listens on %d, the container's ports are %v", port, portByName)
	}
	if p := c.ReadinessProbe; p == nil || p.HTTPGet == nil || p.HTTPGet.Path != "/healthz" || probePort(p.HTTPGet.Port, portByName) != port {
		t.Errorf("readinessProbe must GET /healthz on port %d (200 ok or degraded, 503 when the database is down)", port)
	}
	// Liveness must not fail while only the database is down (a 503), or
	// every pod restarts during the outage: quarry healthcheck --live.
	lp := c.LivenessProbe
	if lp == nil || lp.Exec == nil || len(lp.Exec.Command) < 2 || lp.Exec.Command[0] != "quarry" || lp.Exec.Command[1] != "healthcheck" {
		t.Fatalf("livenessProbe must run quarry healthcheck --live, got %+v", lp)
	}
	hc := parseCommand(t, "healthcheck", lp.Exec.Command[2:])
	if flag(hc, "live") != "true" {
		t.Error("livenessProbe: quarry healthcheck without --live fails on a 503 (database down) and restarts the pod")
	}
	hcURL := flag(hc, "url")
	if hcURL == "" {
		hcURL = "http://127.0.0.1:" + flag(hc, "port") + "/healthz"
	}
	if u, err := url.Parse(hcURL); err != nil || u.Path != "/healthz" || u.Port() != strconv.Itoa(port) {
		t.Errorf("livenessProbe asks %s, want /healthz on port %d", hcURL, port)
	}

	// Secrets: --secrets-dir is where the Secret is mounted, and it holds
	// the token secret, the API keys and the database URI.
	secretMount := map[string]string{}
	for _, v := range pod.Volumes {
		if v.Secret != nil {
			secretMount[v.Name] = v.Secret.SecretName
		}
	}
	var secretName string
	for _, m := range c.VolumeMounts {
		if n, ok := secretMount[m.Name]; ok && m.MountPath == flag(serve, "secrets-dir") {
			secretName = n
		}
	}
	if secretName == "" {
		t.Fatalf("no Secret mounted at --secrets-dir %q", flag(serve, "secrets-dir"))
	}
	secret := findObject(t, objs, "Secret", secretName)
	for _, key := range []string{flag(serve, "token-secret"), flag(serve, "api-keys-secret"), "SQL_CONNECTION_STRING"} {
		if len(secret.StringData[key]) < 8 {
			t.Errorf("Secret %s has no %s", secretName, key)
		}
	}
	if tok := flag(serve, "token-secret"); tok == "" || len(secret.StringData[tok]) < 16 {
		t.Error("several replicas need --token-secret naming a secret of at least 16 characters (serve refuses a shorter one)")
	}

	// The broker is the NATS Service of nats.yaml.
	b, err := url.Parse(flag(serve, "broker"))
	if err != nil || b.Scheme != "nats" {
		t.Fatalf("--broker %q, want nats://nats:4222", flag(serve, "broker"))
	}
	svc := findObject(t, objs, "Service", b.Hostname())
	if len(svc.Spec.Ports) == 0 || strconv.Itoa(svc.Spec.Ports[0].Port) != b.Port() {
		t.Errorf("--broker %s: Service %s does not offer port %s", b, svc.Metadata.Name, b.Port())
	}
	findObject(t, objs, "StatefulSet", b.Hostname())
	findObject(t, objs, "Service", "quarry")
}

func probePort(p any, byName map[string]int) int {
	switch v := p.(type) {
	case int:
		return v
	case string:
		return byName[v]
	}
	return -1
}

func mapsValues(m map[string]int) []int {
	var out []int
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// TestDockerfile: the image's CMD is a valid quarry serve command line,
// its HEALTHCHECK a valid quarry healthcheck on the port it EXPOSEs, and
// it runs as a non-root user.
func TestDockerfile(t *testing.T) {
	f, err := os.Open(filepath.Join(repoRoot(t), "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Instructions of the final stage, continuation lines joined.
	final := map[string]string{}
	var line string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		text := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(text, "#") || (text == "" && line == "") {
			continue
		}
		if cont, ok := strings.CutSuffix(text, "\\"); ok {
			line += cont + " "
			continue
		}
		line += text
		word, rest, _ := strings.Cut(line, " ")
		word = strings.ToUpper(word)
		if word == "FROM" {
			final = map[string]string{}
		}
		final[word] = strings.TrimSpace(rest)
		line = ""
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	execForm := func(instr, s string) []string {
		var words []string
		if err := json.Unmarshal([]byte(s), &words); err != nil {
			t.Fatalf("%s %s: not in exec form (a JSON array): the image has no shell", instr, s)
		}
		return words
	}
	if ep := execForm("ENTRYPOINT", final["ENTRYPOINT"]); !slices.Equal(ep, []string{"quarry"}) {
		t.Errorf("ENTRYPOINT %q, want [\"quarry\"]", ep)
	}
	cmd := execForm("CMD", final["CMD"])
	if len(cmd) == 0 || cmd[0] != "serve" {
		t.Fatalf("CMD %q, want serve ...", cmd)
	}
	serve := parseCommand(t, "serve", cmd[1:])
	if flag(serve, "host") != "0.0.0.0" {
		t.Errorf("CMD serves on %s: only 0.0.0.0 is reachable from outside the container", flag(serve, "host"))
	}
	if final["EXPOSE"] != flag(serve, "port") {
		t.Errorf("EXPOSE %s, but serve listens on %s", final["EXPOSE"], flag(serve, "port"))
	}
	_, hcCmd, ok := strings.Cut(final["HEALTHCHECK"], "CMD ")
	hc := execForm("HEALTHCHECK", hcCmd)
	if !ok || len(hc) < 2 || hc[0] != "quarry" || hc[1] != "healthcheck" {
		t.Fatalf("HEALTHCHECK %q, want CMD [\"quarry\", \"healthcheck\", ...]", final["HEALTHCHECK"])
	}
	if p := flag(parseCommand(t, "healthcheck", hc[2:]), "port"); p != flag(serve, "port") {
		t.Errorf("HEALTHCHECK asks port %s, serve listens on %s", p, flag(serve, "port"))
	}
	user, _, _ := strings.Cut(final["USER"], ":")
	if uid, err := strconv.Atoi(user); err != nil || uid == 0 {
		t.Errorf("USER %q: want a numeric non-root user (Kubernetes' runAsNonRoot checks the number)", final["USER"])
	}
}
