package harvest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/gocolly/colly/v2"
	"golang.org/x/net/html/charset"
	"golang.org/x/net/publicsuffix"
	"golang.org/x/text/encoding"
)

// Options configure the Colly fetcher. Zero values take the defaults.
type Options struct {
	// UserAgent names komoru, its version and a contact URL:
	// "komoru/1.4 (+https://komoru.example/contact)". Required.
	UserAgent string
	// CacheDir keeps fetched pages (and robots.txt) on disk, so a second
	// crawl of a page makes no request; "" caches nothing.
	CacheDir string
	// Delay is the least time between two requests to one host: 1 s.
	Delay time.Duration
	// Timeout bounds each request: 10 s.
	Timeout time.Duration
	// MaxBody is the largest page read, in bytes: 5 MiB. A larger page
	// fails rather than being read in part.
	MaxBody int
	// Retries is how many times a 429 or 5xx answer is retried: 3.
	Retries int
	// MaxRetryAfter caps the wait a Retry-After header asks for: 2 min.
	MaxRetryAfter time.Duration
	// Progress, if set, is told of each URL as it ends.
	Progress func(done, total int, rawURL string, err error)
	// PublicOnly refuses to connect to loopback, private, link-local and
	// other non-public addresses, checked on the address dialled (so a
	// name that resolves to one is refused too). A server that fetches
	// pages its users name sets it, so that no user can make it read
	// its own network.
	PublicOnly bool
}

// maxRedirects is where a chain of redirects is given up, as Go's client
// does by default.
const maxRedirects = 10

// Colly fetches pages with a Colly collector, politely: it obeys
// robots.txt, asks one site one thing at a time with Options.Delay
// between requests, and keeps what it fetched in Options.CacheDir.
// Different sites are fetched at once.
//
// Colly does the robots.txt check, the per-host limit and the redirects;
// the HTTP transport under it (see transport) does the cache, the
// timeout, the size limit, the retries and the decoding to UTF-8,
// because robots.txt requests bypass Colly's own cache and limits, and
// Colly's size limit truncates without saying so.
type Colly struct {
	o     Options
	base  http.RoundTripper
	cache *diskCache
	// backoff is the first wait before a retry when the server gives no
	// Retry-After; it doubles with each retry. Tests shorten it.
	backoff time.Duration
}

// NewColly makes a fetcher; the User-Agent is required, the other
// options default as documented on Options.
func NewColly(o Options) (*Colly, error) {
	if strings.TrimSpace(o.UserAgent) == "" {
		return nil, errors.New("the fetcher needs a User-Agent naming komoru, its version and a contact URL")
	}
	if o.Delay <= 0 {
		o.Delay = time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.MaxBody <= 0 {
		o.MaxBody = 5 << 20
	}
	if o.Retries == 0 {
		o.Retries = 3
	}
	if o.MaxRetryAfter <= 0 {
		o.MaxRetryAfter = 2 * time.Minute
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	if o.PublicOnly {
		d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: refuseNonPublic}
		base.DialContext = d.DialContext
		base.Proxy = nil // a proxy would connect on komoru's behalf, unchecked
	}
	f := &Colly{o: o, base: base, backoff: time.Second}
	if o.CacheDir != "" {
		f.cache = &diskCache{dir: o.CacheDir}
	}
	return f, nil
}

// sharedAddressSpace is 100.64.0.0/10, carrier-grade NAT: not public,
// though netip does not call it private.
var sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")

// refuseNonPublic is the dialer's check of Options.PublicOnly.
func refuseNonPublic(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return err
	}
	ip = ip.Unmap()
	if !ip.IsGlobalUnicast() || ip.IsPrivate() || sharedAddressSpace.Contains(ip) {
		return fmt.Errorf("%s is not a public address: pages are fetched from public hosts only", host)
	}
	return nil
}

// Fetch fetches every URL; see Fetcher. The URLs of one site (one
// registrable domain, or one IP address) are fetched one after the
// other; sites go in parallel. A URL given twice is fetched once and
// reported twice.
func (f *Colly) Fetch(ctx context.Context, urls []string, fn func(rawURL string, p *Page, err error)) {
	rep := &reporter{fn: fn, progress: f.o.Progress, total: len(urls), times: map[string]int{}}
	var sites []string
	bySite := map[string][]string{}
	for _, u := range urls {
		rep.times[u]++
		if rep.times[u] > 1 {
			continue
		}
		pu, err := checkURL(u)
		if err != nil {
			rep.report(u, nil, err)
			continue
		}
		s := siteOf(pu.Hostname())
		if _, ok := bySite[s]; !ok {
			sites = append(sites, s)
		}
		bySite[s] = append(bySite[s], u)
	}
	c, err := f.collector(ctx, sites)
	if err != nil {
		for _, s := range sites {
			for _, u := range bySite[s] {
				rep.report(u, nil, err)
			}
		}
		return
	}
	var wg sync.WaitGroup
	for _, s := range sites {
		wg.Go(func() {
			for _, u := range bySite[s] {
				if err := ctx.Err(); err != nil {
					rep.report(u, nil, err)
					continue
				}
				p, err := f.visit(c, u)
				rep.report(u, p, err)
			}
		})
	}
	wg.Wait()
}

// reporter calls fn and Progress once for each time a URL was given,
// one call at a time, so Progress counts in order.
type reporter struct {
	mu       sync.Mutex
	fn       func(string, *Page, error)
	progress func(done, total int, rawURL string, err error)
	total    int
	done     int
	times    map[string]int
}

func (r *reporter) report(u string, p *Page, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for range r.times[u] {
		r.fn(u, p, err)
		r.done++
		if r.progress != nil {
			r.progress(r.done, r.total, u, err)
		}
	}
}

// checkURL accepts absolute http and https URLs only.
func checkURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%q is not a URL: %w", raw, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not an http or https URL", raw)
	}
	return u, nil
}

// siteOf names the site a host belongs to: its registrable domain
// (en.m.wikipedia.org and en.wikipedia.org are both wikipedia.org), or
// the host itself for an IP address or a name without a public suffix.
func siteOf(host string) string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if net.ParseIP(host) != nil {
		return host
	}
	if s, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return s
	}
	return host
}

// siteRule limits one site to one request at a time with delay between
// them. Colly matches a rule against the request's host and port, and a
// rule's parallelism is shared by every host it matches, so each site
// gets its own rule rather than one "*" rule for all.
func siteRule(site string, delay time.Duration) *colly.LimitRule {
	q := regexp.QuoteMeta(site)
	re := `(?i)^(?:.+\.)?` + q + `\.?(?::\d+)?$`
	if net.ParseIP(site) != nil {
		re = `^\[?` + q + `\]?(?::\d+)?$`
	}
	return &colly.LimitRule{DomainRegexp: re, Parallelism: 1, Delay: delay}
}

// result is what Colly's callbacks learn of one URL; it travels in the
// request's colly.Context. Fetch's collector is synchronous, so the
// callbacks run on the goroutine that asked.
type result struct {
	page *Page
	err  error
}

const resultKey = "komoru.result"

// collector makes the Colly collector of one Fetch: its context is the
// Fetch's, and it allows the given sites only.
func (f *Colly) collector(ctx context.Context, sites []string) (*colly.Collector, error) {
	allowed := map[string]bool{}
	for _, s := range sites {
		allowed[s] = true
	}
	c := colly.NewCollector()
	c.UserAgent = f.o.UserAgent
	c.IgnoreRobotsTxt = false // Colly's default is to ignore it
	// Fetch folds repeated URLs itself; Colly's check would also refuse
	// a redirect through a page already seen before the redirect handler
	// can name the loop.
	c.AllowURLRevisit = true
	c.Async = false
	c.Context = ctx
	// The transport caches, bounds the size and decodes: Colly's cache
	// misses robots.txt, its size limit truncates silently (and would
	// count decoded bytes), and it must not decode a second time.
	c.CacheDir = ""
	c.MaxBodySize = 0
	c.DetectCharset = false
	c.ParseHTTPErrorResponse = false
	// The timeout is the transport's, per attempt: Colly's is the
	// client's, which would also count the waits between retries.
	c.SetRequestTimeout(0)
	c.WithTransport(&transport{base: f.base, cache: f.cache, ctx: ctx, o: f.o, backoff: f.backoff})
	c.SetRedirectHandler(func(req *http.Request, via []*http.Request) error {
		return checkRedirect(allowed, req, via)
	})
	for _, s := range sites {
		if err := c.Limit(siteRule(s, f.o.Delay)); err != nil {
			return nil, fmt.Errorf("limiting requests to %s: %w", s, err)
		}
	}
	c.OnRequest(func(r *colly.Request) {
		// A page in the cache is answered here, before Colly's limit
		// would make it wait Delay for a request it does not make.
		if f.cache == nil {
			return
		}
		if p, ok := f.cachedPage(r.URL, allowed); ok {
			r.Ctx.GetAny(resultKey).(*result).page = p
			r.Abort()
		}
	})
	c.OnResponse(func(r *colly.Response) {
		res := r.Ctx.GetAny(resultKey).(*result)
		res.page, res.err = NewPage(r.Request.URL.String(), r.Headers.Get("Content-Type"), r.Body)
	})
	c.OnError(func(r *colly.Response, err error) {
		res := r.Ctx.GetAny(resultKey).(*result)
		if res.err != nil {
			return
		}
		if r.StatusCode != 0 {
			// Colly's own error is the bare status text.
			err = fmt.Errorf("HTTP %d %s", r.StatusCode, http.StatusText(r.StatusCode))
		}
		res.err = err
	})
	return c, nil
}

// visit fetches one URL through the collector.
func (f *Colly) visit(c *colly.Collector, u string) (*Page, error) {
	res := &result{}
	cctx := colly.NewContext()
	cctx.Put(resultKey, res)
	err := c.Request(http.MethodGet, u, nil, cctx, nil)
	switch {
	case res.err != nil:
		return nil, reason(res.err)
	case res.page != nil:
		return res.page, nil
	case errors.Is(err, colly.ErrRobotsTxtBlocked):
		return nil, errors.New("robots.txt disallows fetching this page")
	case err != nil:
		return nil, reason(err)
	}
	return nil, errors.New("colly gave neither a page nor an error")
}

// reason drops the client's `Get "URL":` from an error: the caller
// knows the URL it asked for. The URL stays when it is another one,
// robots.txt's; redirect errors name their target themselves.
func reason(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	if strings.HasSuffix(ue.URL, "/robots.txt") {
		return fmt.Errorf("reading %s: %w", ue.URL, ue.Err)
	}
	return ue.Err
}

// checkRedirect follows redirects within the sites asked for, and names
// a loop.
func checkRedirect(allowed map[string]bool, req *http.Request, via []*http.Request) error {
	seen := 0
	for _, v := range via {
		if v.URL.String() == req.URL.String() {
			seen++
		}
	}
	switch {
	case seen >= 2:
		return fmt.Errorf("redirect loop through %s", req.URL)
	case len(via) >= maxRedirects:
		return fmt.Errorf("too many redirects (%d), a redirect loop?", len(via))
	case req.URL.Scheme != "http" && req.URL.Scheme != "https":
		return fmt.Errorf("redirect to %s, not an http or https URL", req.URL)
	case !allowed[siteOf(req.URL.Hostname())]:
		return fmt.Errorf("redirect to %s leaves the sites asked for", req.URL.Host)
	}
	return nil
}

// cachedPage is the page at u if the cache holds it, following cached
// redirects as the client would.
func (f *Colly) cachedPage(u *url.URL, allowed map[string]bool) (*Page, bool) {
	for range maxRedirects {
		e, ok := f.cache.get(u.String())
		if !ok {
			return nil, false
		}
		switch e.Status {
		case http.StatusOK:
			body, ct, err := utf8Body(e.Header.Get("Content-Type"), e.Body)
			if err != nil {
				return nil, false
			}
			p, err := NewPage(u.String(), ct, body)
			return p, err == nil
		case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
			http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
			next, err := u.Parse(e.Header.Get("Location"))
			if err != nil || !allowed[siteOf(next.Hostname())] {
				return nil, false
			}
			u = next
		default:
			return nil, false
		}
	}
	return nil, false
}

// transport is the HTTP transport under the collector. It answers from
// the cache, and otherwise asks the network with a timeout per attempt,
// a size limit and retries; it hands Colly bodies decoded to UTF-8 with
// a Content-Type saying so, which keeps Colly from decoding again.
type transport struct {
	base  http.RoundTripper
	cache *diskCache
	// ctx is the Fetch's: Colly asks for robots.txt without a context,
	// and those requests should stop with the Fetch too.
	ctx     context.Context
	o       Options
	backoff time.Duration
}

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	cache := t.cache != nil && req.Method == http.MethodGet
	if cache {
		if e, ok := t.cache.get(req.URL.String()); ok {
			return answer(req, e)
		}
	}
	e, err := t.fetch(req)
	if err != nil {
		return nil, err
	}
	if cache && cacheable(req.URL.Path, e.Status) {
		// A page that cannot be cached is still a page: the next crawl
		// asks again, which is what it would do without a cache.
		_ = t.cache.put(e)
	}
	if req.URL.Path == "/robots.txt" {
		// Colly asks for robots.txt outside its limit, right before the
		// first page of the host: keep the Delay between the two.
		if err := t.sleep(req.Context(), t.o.Delay); err != nil {
			return nil, err
		}
	}
	return answer(req, e)
}

// sleep waits d, or less if the request or the Fetch is cancelled.
func (t *transport) sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-t.ctx.Done():
		return t.ctx.Err()
	}
}

// fetch asks, retrying 429 and 5xx answers after the wait the server
// asks for or a doubling backoff.
func (t *transport) fetch(req *http.Request) (cached, error) {
	for attempt := 0; ; attempt++ {
		e, err := t.once(req)
		retry := e.Status == http.StatusTooManyRequests || e.Status >= 500
		if err != nil || !retry || attempt >= t.o.Retries {
			return e, err
		}
		if err := t.sleep(req.Context(), t.wait(e.Header.Get("Retry-After"), attempt)); err != nil {
			return cached{}, err
		}
	}
}

// wait is how long to wait before retry number attempt+1: what
// Retry-After asks (seconds or an HTTP date), else the backoff doubled
// per attempt; at most MaxRetryAfter, at least Delay.
func (t *transport) wait(retryAfter string, attempt int) time.Duration {
	d := t.backoff << attempt
	if ra := strings.TrimSpace(retryAfter); ra != "" {
		if s, err := strconv.Atoi(ra); err == nil && s >= 0 {
			d = time.Duration(s) * time.Second
		} else if at, err := http.ParseTime(ra); err == nil {
			d = time.Until(at)
		}
	}
	return max(min(d, t.o.MaxRetryAfter), t.o.Delay)
}

// once makes one attempt and reads the whole answer, within the timeout
// and the size limit.
func (t *transport) once(req *http.Request) (cached, error) {
	ctx, cancel := context.WithTimeoutCause(req.Context(), t.o.Timeout,
		fmt.Errorf("no answer within the %v timeout", t.o.Timeout))
	defer cancel()
	stop := context.AfterFunc(t.ctx, cancel)
	defer stop()
	fail := func(err error) (cached, error) {
		switch {
		case t.ctx.Err() != nil:
			return cached{}, t.ctx.Err()
		case ctx.Err() != nil && req.Context().Err() == nil:
			return cached{}, context.Cause(ctx)
		}
		return cached{}, err
	}
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		return fail(err)
	}
	defer resp.Body.Close()
	if resp.ContentLength > int64(t.o.MaxBody) {
		return cached{}, fmt.Errorf("the page is %d bytes, over the %s limit", resp.ContentLength, byteSize(t.o.MaxBody))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, int64(t.o.MaxBody)+1))
	if err != nil {
		return fail(err)
	}
	if len(body) > t.o.MaxBody {
		return cached{}, fmt.Errorf("the page is over the %s limit", byteSize(t.o.MaxBody))
	}
	return cached{URL: req.URL.String(), Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// byteSize writes a size the way Options documents it.
func byteSize(n int) string {
	switch {
	case n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d-byte", n)
}

// answer makes the response Colly reads from a stored or fetched
// answer; a page's body is decoded to UTF-8.
func answer(req *http.Request, e cached) (*http.Response, error) {
	h := e.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	body := e.Body
	if e.Status == http.StatusOK {
		var ct string
		var err error
		body, ct, err = utf8Body(h.Get("Content-Type"), e.Body)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", req.URL, err)
		}
		h.Set("Content-Type", ct)
	}
	h.Del("Content-Encoding")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", e.Status, http.StatusText(e.Status)),
		StatusCode:    e.Status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}, nil
}

var utf8BOM = []byte("\xef\xbb\xbf")

// utf8Body decodes a text body to UTF-8 from the charset it declares:
// the Content-Type's, or for HTML a byte-order mark or a <meta> in the
// first 1024 bytes. An HTML page that declares nothing is read as UTF-8
// if it is valid UTF-8 and as windows-1252 otherwise, as browsers do.
// The Content-Type returned says charset=utf-8; a body that is not text
// is returned as it is.
func utf8Body(contentType string, body []byte) ([]byte, string, error) {
	media, params, err := mime.ParseMediaType(contentType)
	if contentType == "" || err != nil {
		// The sniffer's charset is only ever a guess at UTF-8: keep the
		// media type and look for the charset below.
		media, _, _ = mime.ParseMediaType(http.DetectContentType(body))
		params = nil
	}
	if !textual(media) {
		if contentType == "" {
			contentType = media
		}
		return body, contentType, nil
	}
	var enc encoding.Encoding
	name := ""
	if cs := params["charset"]; cs != "" {
		enc, name = charset.Lookup(cs)
	}
	if enc == nil && (media == "text/html" || media == "application/xhtml+xml") {
		var certain bool
		enc, name, certain = charset.DetermineEncoding(body, media)
		// DetermineEncoding looks at the first 1024 bytes only, and
		// falls back on windows-1252 for a page that declares nothing.
		if !certain && name == "windows-1252" && utf8.Valid(body) {
			enc, name = nil, "utf-8"
		}
	}
	out := body
	if enc != nil && name != "utf-8" {
		if out, err = enc.NewDecoder().Bytes(body); err != nil {
			return nil, "", fmt.Errorf("decoding the page from %s: %w", name, err)
		}
	}
	out = bytes.TrimPrefix(out, utf8BOM)
	if !utf8.Valid(out) {
		out = []byte(strings.ToValidUTF8(string(out), "\uFFFD"))
	}
	return out, media + "; charset=utf-8", nil
}

// textual says whether a media type is text to decode.
func textual(media string) bool {
	return strings.HasPrefix(media, "text/") || media == "application/xml" ||
		strings.HasSuffix(media, "+xml") || media == "application/json" || strings.HasSuffix(media, "+json")
}
