package server

import (
	"errors"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/password"
)

// loginPage is /login: a name and a password, and where to go after.
type loginPage struct {
	layout
	Name  string
	Next  string // a path on this site (localPath)
	Error string // why the last try failed: the same words for every wrong name or password
}

// invitePage is /invite/{token}: the person an account was made for sets
// its password.
type invitePage struct {
	layout
	Token    string
	Name     string
	Role     catalog.Role
	RoleNote string
	Errors   map[string]string // by field: password, confirm
}

// accountPage is /account: who you are, your password, your API tokens
// and what became of your proposals.
type accountPage struct {
	layout
	RoleNote  string
	Since     string
	Notice    string            // what the last form did, after its redirect
	Password  map[string]string // errors of the password form, by field
	TokenErrs map[string]string // errors of the new-token form, by field
	TokenName string
	Expiry    []expiryChoice
	NewToken  *newToken // the token just made, shown this once
	Tokens    []tokenView
	Proposals []proposalView
}

type expiryChoice struct {
	Value, Label string
	Selected     bool
}

type newToken struct {
	Name, Secret, Expires string
}

type tokenView struct {
	ID                           int64
	Name, Created, Expires, Used string
	Expired                      bool
}

type proposalView struct {
	ID                  int64
	WorkID, Title       string
	Change              string // "new work", "edit" or "deletion"
	Submitted           string
	State               catalog.ProposalState
	Reviewer, Reason    string
	Reviewed            string
	Revision            int
	Pending, IsRejected bool
}

// roleNotes says what each role may do, where an account is shown.
var roleNotes = map[catalog.Role]string{
	catalog.RoleContributor: "You propose new works and changes; a curator reviews each before it is public.",
	catalog.RoleCurator:     "Your edits go live at once, each a revision, and you review contributors' proposals.",
	catalog.RoleAdmin:       "You manage accounts, and edit and review as a curator does.",
}

// tokenExpiry lists the lifetimes a new API token may have. The first is
// the default, as for komoru token create.
var tokenExpiry = []expiryOption{{"90", "90 days", 90}, {"30", "30 days", 30}, {"365", "a year", 365}, {"never", "never", 0}}

type expiryOption struct {
	value, label string
	days         int // 0: never expires
}

// sentence makes a field error of the catalog's ("must be …") a sentence
// to show beside the field.
func sentence(msg string) string {
	if msg == "" {
		return ""
	}
	return strings.ToUpper(msg[:1]) + strings.TrimSuffix(msg[1:], ".") + "."
}

// day formats a time for the account pages; "never" for a zero one.
func day(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format("2 Jan 2006")
}

// noStore keeps a page that shows a secret (a new token, an invite link)
// out of every cache and the browser's history snapshots.
func noStore(c *gin.Context) { c.Header("Cache-Control", "no-store") }

func (s *Server) pageLogin(c *gin.Context) error {
	next := localPath(c.Query("next"))
	if viewer(c) != nil {
		c.Redirect(http.StatusSeeOther, next)
		return nil
	}
	s.render(c, http.StatusOK, "login", loginPage{layout: s.layout(c, "Sign in"), Next: next})
	return nil
}

// postLogin signs in: throttled, then the password, then a new session.
func (s *Server) postLogin(c *gin.Context) error {
	ctx := c.Request.Context()
	name := strings.ToLower(strings.TrimSpace(c.PostForm("name")))
	pw := c.PostForm("password")
	p := loginPage{layout: s.layout(c, "Sign in"), Name: name, Next: localPath(c.PostForm("next"))}
	u, err := s.checkPassword(c, name, pw)
	if status, msg, refused := signInRefused(c, err); refused {
		p.Error = msg
		s.render(c, status, "login", p)
		return nil
	}
	if err != nil {
		return err
	}
	// A sign-in in a browser already signed in replaces its session.
	if old := sessionToken(c); old != "" {
		if err := catalog.EndSession(ctx, s.store, old); err != nil {
			return err
		}
	}
	token, err := catalog.StartSession(ctx, s.store, u.Name, s.now())
	if err != nil {
		return err
	}
	// A hash made with weaker parameters than today's is renewed while the
	// password is at hand. ChangePassword keeps this session (and ends the
	// account's others): raising the parameters is rare.
	if password.NeedsRehash(u.PasswordHash, s.pwp) {
		hash, err := password.Hash(pw, s.pwp)
		if err == nil {
			err = catalog.RehashPassword(c.Request.Context(), s.store, u.Name, u.PasswordHash, hash)
		}
		if err != nil {
			s.log.Warn("renewing a password hash", "user", u.Name, "error", err)
		}
	}
	s.setSessionCookie(c, token)
	c.Redirect(http.StatusSeeOther, p.Next)
	return nil
}

// checkPassword checks a sign-in's password, throttled: while the account
// or the client's address is locked it returns a *catalog.ThrottledError
// without spending a hash; an unknown name, a disabled account and a wrong
// password are all catalog.ErrBadCredentials, counted against both.
func (s *Server) checkPassword(c *gin.Context, name, pw string) (catalog.User, error) {
	ctx, now, addr := c.Request.Context(), s.now(), c.ClientIP()
	// Names no account can have share one count, so that made-up names do
	// not each leave a row behind.
	key := name
	if !catalog.ValidUserName(name) {
		key = ""
	}
	if err := catalog.SignInAllowed(ctx, s.store, key, addr, now); err != nil {
		return catalog.User{}, err
	}
	u, err := s.store.User(ctx, name)
	if err != nil && !errors.Is(err, catalog.ErrNotFound) {
		return catalog.User{}, err
	}
	hash := u.PasswordHash
	if u.Disabled {
		hash = "" // checked against the dummy: as slow, never a match
	}
	if !password.CheckOrDummy(hash, pw) {
		if err := catalog.SignInFailed(ctx, s.store, key, addr, now); err != nil {
			return catalog.User{}, err
		}
		return catalog.User{}, catalog.ErrBadCredentials
	}
	return u, catalog.SignInSucceeded(ctx, s.store, u.Name)
}

// signInRefused reports whether err refuses a sign-in, with the status and
// the words to show beside the form; a throttled one gets its Retry-After.
func signInRefused(c *gin.Context, err error) (int, string, bool) {
	var thr *catalog.ThrottledError
	switch {
	case errors.As(err, &thr):
		secs := int(math.Ceil(thr.RetryAfter.Seconds()))
		c.Header("Retry-After", strconv.Itoa(secs))
		wait := "1 minute"
		switch mins := (secs + 59) / 60; {
		case secs < 60:
			wait = strconv.Itoa(secs) + " seconds"
		case mins > 1:
			wait = strconv.Itoa(mins) + " minutes"
		}
		return http.StatusTooManyRequests, "Too many failed sign-ins: try again in " + wait + ".", true
	case errors.Is(err, catalog.ErrBadCredentials):
		return http.StatusUnauthorized, sentence(catalog.ErrBadCredentials.Error()), true
	}
	return 0, "", false
}

// setPassword hashes pw and makes it name's password, ending every session
// of the account but keep's.
func (s *Server) setPassword(c *gin.Context, name, pw, keep string) error {
	hash, err := password.Hash(pw, s.pwp)
	if err != nil {
		return err
	}
	return catalog.ChangePassword(c.Request.Context(), s.store, name, hash, keep, s.now())
}

// sessionToken is the request's session token; "" for a reader or a
// script with an API token.
func sessionToken(c *gin.Context) string {
	token, _ := c.Get(ctxSession)
	t, _ := token.(string)
	return t
}

// postLogout ends the session on the server, not only in this browser: a
// copy of the cookie no longer signs in.
func (s *Server) postLogout(c *gin.Context) error {
	if token := sessionToken(c); token != "" {
		if err := catalog.EndSession(c.Request.Context(), s.store, token); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	c.Redirect(http.StatusSeeOther, "/")
	return nil
}

// invite returns the page of an invite token, or a 404 that says what to
// do about a link that no longer works.
func (s *Server) invite(c *gin.Context) (invitePage, error) {
	token := c.Param("token")
	u, err := catalog.InviteUser(c.Request.Context(), s.store, token, s.now())
	if errors.Is(err, catalog.ErrNotFound) {
		return invitePage{}, errNotFound("This invite link is unknown, has expired or has been used. Invite links work once, for 7 days: ask an admin for a new one.")
	}
	if err != nil {
		return invitePage{}, err
	}
	noStore(c)
	return invitePage{layout: s.layout(c, "Set your password"), Token: token, Name: u.Name, Role: u.Role, RoleNote: roleNotes[u.Role]}, nil
}

func (s *Server) pageInvite(c *gin.Context) error {
	p, err := s.invite(c)
	if err != nil {
		return err
	}
	s.render(c, http.StatusOK, "invite", p)
	return nil
}

// postInvite sets the password of an invited account and signs it in.
func (s *Server) postInvite(c *gin.Context) error {
	ctx := c.Request.Context()
	p, err := s.invite(c)
	if err != nil {
		return err
	}
	pw := c.PostForm("password")
	if p.Errors = newPasswordErrors(pw, c.PostForm("confirm")); len(p.Errors) > 0 {
		s.render(c, http.StatusUnprocessableEntity, "invite", p)
		return nil
	}
	hash, err := password.Hash(pw, s.pwp)
	if err != nil {
		return err
	}
	u, err := catalog.AcceptInvite(ctx, s.store, p.Token, hash, s.now())
	if errors.Is(err, catalog.ErrNotFound) {
		return s.inviteGone() // used by another tab meanwhile
	}
	if err != nil {
		return err
	}
	token, err := catalog.StartSession(ctx, s.store, u.Name, s.now())
	if err != nil {
		return err
	}
	s.setSessionCookie(c, token)
	c.Redirect(http.StatusSeeOther, "/account")
	return nil
}

func (s *Server) inviteGone() error {
	return errNotFound("This invite link has just been used. Sign in with the password set through it, or ask an admin for a new link.")
}

// newPasswordErrors checks a new password and its confirmation: the
// errors by field, none if both are fine.
func newPasswordErrors(pw, confirm string) map[string]string {
	errs := map[string]string{}
	var ve *catalog.ValidationError
	if errors.As(catalog.CheckPassword(pw), &ve) {
		errs["password"] = sentence(ve.Fields["password"])
	} else if pw != confirm {
		errs["confirm"] = "Does not match the new password: type it again."
	}
	return errs
}

// account builds /account for the signed-in user.
func (s *Server) account(c *gin.Context) (accountPage, error) {
	ctx := c.Request.Context()
	u := viewer(c)
	p := accountPage{layout: s.layout(c, "Your account"), RoleNote: roleNotes[u.Role], Since: day(u.Created)}
	p.setExpiry("")
	tokens, err := s.store.Tokens(ctx, u.Name)
	if err != nil {
		return p, err
	}
	now := s.now()
	for _, tk := range tokens {
		p.Tokens = append(p.Tokens, tokenView{ID: tk.ID, Name: tk.Name, Created: day(tk.Created), Expires: day(tk.Expires),
			Used: day(tk.Used), Expired: !tk.Expires.IsZero() && !now.Before(tk.Expires)})
	}
	// Oldest first from the store; the newest matter most here.
	props, err := s.store.Proposals(ctx, catalog.ProposalFilter{Author: u.Name, Limit: 1000})
	if err != nil {
		return p, err
	}
	slices.Reverse(props)
	for _, pr := range props {
		v := proposalView{ID: pr.ID, WorkID: pr.WorkID, Title: pr.WorkID, Submitted: day(pr.Created), State: pr.State,
			Reviewer: pr.Reviewer, Reason: pr.Reason, Reviewed: day(pr.Reviewed), Revision: pr.Revision,
			Pending: pr.State == catalog.ProposalPending, IsRejected: pr.State == catalog.ProposalRejected}
		if pr.Work != nil {
			v.Title = pr.Work.Title
		}
		v.Change = map[catalog.Op]string{catalog.OpCreate: "new work", catalog.OpUpdate: "edit", catalog.OpDelete: "deletion"}[pr.Op]
		p.Proposals = append(p.Proposals, v)
	}
	return p, nil
}

func (p *accountPage) setExpiry(value string) {
	p.Expiry = p.Expiry[:0]
	for i, e := range tokenExpiry {
		p.Expiry = append(p.Expiry, expiryChoice{Value: e.value, Label: e.label, Selected: e.value == value || (value == "" && i == 0)})
	}
}

// accountNotices are what /account?done=… says after a form's redirect.
var accountNotices = map[string]string{
	"password": "Your password has been changed. Your other sessions have been signed out.",
	"revoked":  "The token has been revoked: it no longer works.",
}

func (s *Server) pageAccount(c *gin.Context) error {
	p, err := s.account(c)
	if err != nil {
		return err
	}
	p.Notice = accountNotices[c.Query("done")]
	s.render(c, http.StatusOK, "account", p)
	return nil
}

// postPassword changes the signed-in user's password. The current one is
// checked as a sign-in is, throttled, so a borrowed session cannot guess
// it; this session stays, the others end.
func (s *Server) postPassword(c *gin.Context) error {
	u := viewer(c)
	current, pw := c.PostForm("current"), c.PostForm("password")
	errs := newPasswordErrors(pw, c.PostForm("confirm"))
	_, err := s.checkPassword(c, u.Name, current)
	status := http.StatusUnprocessableEntity
	if st, msg, refused := signInRefused(c, err); refused {
		errs["current"] = "Wrong password."
		if st == http.StatusTooManyRequests {
			errs["current"], status = msg, st
		}
	} else if err != nil {
		return err
	}
	if len(errs) > 0 {
		p, err := s.account(c)
		if err != nil {
			return err
		}
		p.Password = errs
		s.render(c, status, "account", p)
		return nil
	}
	if err := s.setPassword(c, u.Name, pw, sessionToken(c)); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/account?done=password")
	return nil
}

// postToken makes an API token and shows its secret on this response
// only: only its hash is kept.
func (s *Server) postToken(c *gin.Context) error {
	u := viewer(c)
	name, choice := strings.TrimSpace(c.PostForm("name")), c.PostForm("expires")
	i := slices.IndexFunc(tokenExpiry, func(e expiryOption) bool { return e.value == choice })
	p, err := s.account(c)
	if err != nil {
		return err
	}
	p.TokenName = name
	p.setExpiry(choice)
	if i < 0 {
		p.TokenErrs = map[string]string{"expires": "Choose one of the lifetimes offered."}
		s.render(c, http.StatusUnprocessableEntity, "account", p)
		return nil
	}
	var expires time.Time
	if d := tokenExpiry[i].days; d > 0 {
		expires = s.now().AddDate(0, 0, d)
	}
	secret, tk, err := catalog.CreateToken(c.Request.Context(), s.store, u.Name, name, expires, s.now())
	var ve *catalog.ValidationError
	if errors.As(err, &ve) {
		p.TokenErrs = map[string]string{}
		for f, msg := range ve.Fields {
			p.TokenErrs[f] = sentence(msg)
		}
		s.render(c, http.StatusUnprocessableEntity, "account", p)
		return nil
	}
	if err != nil {
		return err
	}
	// Read again, so the list holds the new token.
	if p, err = s.account(c); err != nil {
		return err
	}
	p.NewToken = &newToken{Name: tk.Name, Secret: secret, Expires: day(tk.Expires)}
	noStore(c)
	s.render(c, http.StatusOK, "account", p)
	return nil
}

// postRevokeToken deletes one of the signed-in user's tokens; another
// user's token id is not found.
func (s *Server) postRevokeToken(c *gin.Context) error {
	id, err := strconv.ParseInt(c.Param("tid"), 10, 64)
	if err != nil {
		return errNotFound("no token " + c.Param("tid"))
	}
	if err := catalog.RevokeToken(c.Request.Context(), s.store, viewer(c).Name, id); err != nil {
		return err
	}
	c.Redirect(http.StatusSeeOther, "/account?done=revoked")
	return nil
}
