// Package natstest runs a nats-server of a test's own, with JetStream, so
// that a test may stop and restart it (by its process id) without
// touching the NATS server other tests share.
package natstest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Server is one nats-server process, restartable on the same port and
// store directory.
type Server struct {
	t    testing.TB
	bin  string
	port int
	dir  string
	// JetStream is false for a server started without -js.
	JetStream bool

	mu  sync.Mutex
	cmd *exec.Cmd
}

// Start runs nats-server on a free port with its store in a temporary
// directory, and stops it when the test ends. Without the binary the test
// is skipped, or fails under CI=true: a CI run must not pass by skipping.
func Start(t testing.TB, jetStream bool) *Server {
	t.Helper()
	bin, err := exec.LookPath("nats-server")
	if err != nil {
		for _, p := range []string{"/usr/sbin/nats-server", "/usr/local/bin/nats-server"} {
			if _, serr := os.Stat(p); serr == nil {
				bin, err = p, nil
				break
			}
		}
	}
	if err != nil {
		msg := fmt.Sprintf("\n*** nats-server is not installed (%v): install it (apt-get install nats-server) to run the broker fault tests", err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &Server{t: t, bin: bin, port: port, dir: filepath.Join(t.TempDir(), "jetstream"), JetStream: jetStream}
	s.Restart()
	t.Cleanup(s.Stop)
	return s
}

// URL is the server's client URL.
func (s *Server) URL() string { return "nats://127.0.0.1:" + strconv.Itoa(s.port) }

// Restart starts the server again on the same port and store directory,
// and waits until it accepts connections.
func (s *Server) Restart() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		s.t.Fatal("natstest: the server is running")
	}
	args := []string{"-a", "127.0.0.1", "-p", strconv.Itoa(s.port)}
	if s.JetStream {
		args = append(args, "-js", "-sd", s.dir)
	}
	cmd := exec.Command(s.bin, args...)
	log, err := os.Create(filepath.Join(filepath.Dir(s.dir), "nats-server-"+strconv.FormatInt(time.Now().UnixNano(), 36)+".log"))
	if err != nil {
		s.t.Fatal(err)
	}
	defer log.Close()
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("natstest: %v", err)
	}
	s.cmd = cmd
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(s.port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("natstest: nats-server did not start on port %d: %v (log in %s)", s.port, err, log.Name())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Kill ends the server by its process id, as a crash would (SIGKILL).
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// Stop ends the server if it runs.
func (s *Server) Stop() { s.Kill() }
