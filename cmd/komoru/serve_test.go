package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeLifecycle starts `komoru serve` as a child process on a new data
// dir, reads the shipped catalog through the API, then stops it with SIGTERM
// and expects a clean exit.
func TestServeLifecycle(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(t.TempDir(), "data"))
			cmd.Env = append(os.Environ(), "KOMORU_TEST_AS_MAIN=1")
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()

			// The log line that announces the server names its address.
			lines := bufio.NewScanner(stderr)
			addrRE := regexp.MustCompile(`msg="serving komoru" addr=(\S+)`)
			var addr string
			var log strings.Builder
			for addr == "" && lines.Scan() {
				log.WriteString(lines.Text() + "\n")
				if m := addrRE.FindStringSubmatch(lines.Text()); m != nil {
					addr = m[1]
				}
			}
			if addr == "" {
				t.Fatalf("serve never announced its address:\n%s", log.String())
			}
			rest := make(chan string)
			go func() {
				b, _ := io.ReadAll(stderr)
				rest <- string(b)
			}()

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
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("serve exited with %v after %v, want status 0", err, sig)
				}
			case <-time.After(30 * time.Second):
				t.Fatalf("serve did not stop within 30 s of %v", sig)
			}
			if out := <-rest; !strings.Contains(out, "shutting down") {
				t.Errorf("no shutdown in the log:\n%s", out)
			}
		})
	}
}
