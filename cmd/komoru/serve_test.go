package main

import (
	"bufio"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// komoruChild is `komoru args...` as a child process: the test binary,
// standing in for komoru (see TestMain).
func komoruChild(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "KOMORU_TEST_AS_MAIN=1")
	return cmd
}

// startServe starts `komoru serve` on data (with extra flags, such as
// --database) as a child process and returns
// it, its address once it listens, and the rest of its log, delivered when
// it exits. The test's cleanup kills it.
func startServe(t *testing.T, data string, extra ...string) (*exec.Cmd, string, <-chan string) {
	t.Helper()
	cmd := komoruChild(append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data}, extra...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// The log line that announces the server names its address.
	lines := bufio.NewScanner(stderr)
	addrRE := regexp.MustCompile(`msg="serving komoru" addr=(\S+)`)
	var log strings.Builder
	for lines.Scan() {
		log.WriteString(lines.Text() + "\n")
		if m := addrRE.FindStringSubmatch(lines.Text()); m != nil {
			rest := make(chan string, 1)
			go func() {
				var b strings.Builder
				for lines.Scan() {
					b.WriteString(lines.Text() + "\n")
				}
				rest <- b.String()
			}()
			// It answers at once, "starting" while the index opens; the
			// tests search once it is ready, as a load balancer would.
			waitFor(t, "the search index", func() bool {
				res, err := http.Get("http://" + m[1] + "/healthz")
				if err != nil {
					t.Fatalf("serve announced %s but does not answer: %v", m[1], err)
				}
				res.Body.Close()
				if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusServiceUnavailable {
					t.Fatalf("/healthz: %d", res.StatusCode)
				}
				return res.StatusCode == http.StatusOK
			})
			return cmd, m[1], rest
		}
	}
	t.Fatalf("serve never announced its address:\n%s", log.String())
	return nil, "", nil
}

// TestServeLifecycle starts `komoru serve` as a child process on a new data
// dir, reads the shipped catalog through the API, then stops it with SIGTERM
// or SIGINT and expects a clean exit.
func TestServeLifecycle(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd, addr, rest := startServe(t, filepath.Join(t.TempDir(), "data"))

			resp, err := http.Get("http://" + addr + "/api/v1/works/welcome-to-the-nhk-novel")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(body), `"id":"welcome-to-the-nhk-novel"`) {
				t.Fatalf("GET work: %d %s", resp.StatusCode, body)
			}

			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			// The log ends when the process closes it by exiting; only then
			// may Wait close the pipe.
			var out string
			select {
			case out = <-rest:
			case <-time.After(30 * time.Second):
				t.Fatalf("serve did not stop within 30 s of %v", sig)
			}
			if err := cmd.Wait(); err != nil {
				t.Errorf("serve exited with %v after %v, want status 0", err, sig)
			}
			if !strings.Contains(out, "shutting down") {
				t.Errorf("no shutdown in the log:\n%s", out)
			}
		})
	}
}

// TestServeHoldsIndex: while a server runs on a data dir, a second server
// and a rebuild by hand are refused, naming the server's pid, and the
// server goes on answering; once it stops, the rebuild runs.
func TestServeHoldsIndex(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	cmd, addr, _ := startServe(t, data)
	pid := strconv.Itoa(cmd.Process.Pid)
	refused := func(what string, code int, stderr string) {
		t.Helper()
		if code != 1 || !strings.Contains(stderr, "in use by another process") || !strings.Contains(stderr, "pid "+pid) {
			t.Errorf("%s beside a server: exit %d, %q; want 1 naming pid %s", what, code, stderr, pid)
		}
	}
	code, _, stderr := komoru(t, "", nil, "index", "--rebuild", "--data", data)
	refused("komoru index --rebuild", code, stderr)

	// A second server that wrongly started would serve forever: it runs
	// as a child, killed if it has not exited within 30 s.
	second := komoruChild("serve", "--addr", "127.0.0.1:0", "--data", data)
	var out strings.Builder
	second.Stderr = &out
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { second.Wait(); close(done) }()
	select {
	case <-done:
		refused("a second komoru serve", second.ProcessState.ExitCode(), out.String())
	case <-time.After(30 * time.Second):
		second.Process.Kill()
		<-done
		t.Errorf("a second komoru serve on the same data dir is still running after 30 s:\n%s", out.String())
	}
	searchJellyfish(t, addr, "after the refused rebuild")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if code, _, stderr := komoru(t, "", nil, "index", "--rebuild", "--data", data); code != 0 {
		t.Errorf("index --rebuild after the server stopped: exit %d, %s", code, stderr)
	}
}

// TestServeRebuilds: SIGHUP, or an admin's request on /admin/index, makes
// a running server rebuild its index beside the old one and swap it in (a
// new directory), answering searches before, during and after.
func TestServeRebuilds(t *testing.T) {
	tests := []struct {
		name string
		ask  func(t *testing.T, cmd *exec.Cmd, addr, data string)
	}{
		{"SIGHUP", func(t *testing.T, cmd *exec.Cmd, addr, data string) {
			if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
				t.Fatal(err)
			}
		}},
		{"an admin's request", func(t *testing.T, cmd *exec.Cmd, addr, data string) {
			environ := map[string]string{"KOMORU_DATA": data}
			if code, _, stderr := komoru(t, "", environ, "user", "add", "ann", "--role", "admin"); code != 0 {
				t.Fatalf("user add: %d %s", code, stderr)
			}
			code, token, stderr := komoru(t, "", environ, "token", "create", "ann")
			if code != 0 {
				t.Fatalf("token create: %d %s", code, stderr)
			}
			req, _ := http.NewRequest("POST", "http://"+addr+"/admin/index/rebuild", nil)
			req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(token))
			resp, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/admin/index?rebuild=requested" {
				t.Fatalf("POST /admin/index/rebuild: %d to %q, want 303 to /admin/index?rebuild=requested", resp.StatusCode, loc)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := filepath.Join(t.TempDir(), "data")
			cmd, addr, _ := startServe(t, data)
			dir := filepath.Join(data, indexDir)
			before, err := os.Stat(dir)
			if err != nil {
				t.Fatal(err)
			}
			tt.ask(t, cmd, addr, data)
			waitFor(t, "the rebuilt index swapped in", func() bool {
				searchJellyfish(t, addr, "while rebuilding")
				after, err := os.Stat(dir)
				return err == nil && !os.SameFile(before, after)
			})
			searchJellyfish(t, addr, "after the rebuild")
		})
	}
}

// searchJellyfish searches the server at addr for jellyfish: it must
// answer with Princess Jellyfish.
func searchJellyfish(t *testing.T, addr, when string) {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/api/v1/search?q=jellyfish")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"princess-jellyfish-anime"`) {
		t.Errorf("search %s: %d %s", when, resp.StatusCode, body)
	}
}

// TestProfiler: --pprof serves Go's profiler on a loopback address only.
func TestProfiler(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, bad := range []string{"0.0.0.0:6060", ":6060", "192.0.2.1:6060", "example.com:6060", "6060"} {
		if _, _, err := serveProfiler(bad, log); !errors.As(err, new(*usageError)) {
			t.Errorf("--pprof %s: %v; want a usage error", bad, err)
		}
	}
	addr, stop, err := serveProfiler("127.0.0.1:0", log)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	resp, err := http.Get("http://" + addr.String() + "/debug/pprof/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("/debug/pprof/cmdline: %d", resp.StatusCode)
	}
}
