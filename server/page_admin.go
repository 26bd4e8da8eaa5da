package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
)

// adminUsersPage is /admin/users: every account, a form to add one, and
// per account its role, disabling and enabling, and a new invite link.
type adminUsersPage struct {
	layout
	Users  []userView
	Roles  []catalog.Role
	Name   string            // the add form's name, kept after an error
	Role   catalog.Role      // the add form's role
	Errors map[string]string // the add form's errors, by field: name, role
	Invite *inviteView       // a link just made, shown this once
}

type userView struct {
	Name    string
	Role    catalog.Role
	State   string // "active", "invited" (no password yet) or "disabled"
	Created string
	Self    bool // the admin viewing the page
}

// Disabled reports whether the account is disabled.
func (u userView) Disabled() bool { return u.State == "disabled" }

type inviteView struct {
	Name    string
	Role    catalog.Role
	URL     string
	Expires string
}

// userState is how an account's state is named on the pages and the CLI.
func userState(u catalog.User) string {
	switch {
	case u.Disabled:
		return "disabled"
	case u.PasswordHash == "":
		return "invited"
	}
	return "active"
}

func (s *Server) adminUsers(c *gin.Context) (adminUsersPage, error) {
	p := adminUsersPage{layout: s.layout(c, "Users"), Roles: catalog.Roles, Role: catalog.RoleContributor}
	users, err := s.store.Users(c.Request.Context())
	if err != nil {
		return p, err
	}
	for _, u := range users {
		p.Users = append(p.Users, userView{Name: u.Name, Role: u.Role, State: userState(u), Created: day(u.Created),
			Self: u.Name == p.User.Name})
	}
	return p, nil
}

func (s *Server) pageAdminUsers(c *gin.Context) error {
	p, err := s.adminUsers(c)
	if err != nil {
		return err
	}
	s.render(c, http.StatusOK, "admin_users", p)
	return nil
}

// inviteURL is the absolute link of an invite token, on the site's
// public URL.
func (s *Server) inviteURL(token string) string { return s.publicURL + "/invite/" + token }

// showInvite renders the users page with a new invite link, which is not
// kept anywhere but in this response.
func (s *Server) showInvite(c *gin.Context, name string, token string) error {
	p, err := s.adminUsers(c)
	if err != nil {
		return err
	}
	for _, u := range p.Users {
		if u.Name == name {
			p.Invite = &inviteView{Name: name, Role: u.Role, URL: s.inviteURL(token), Expires: day(s.now().Add(catalog.InviteValid))}
		}
	}
	noStore(c)
	s.render(c, http.StatusOK, "admin_users", p)
	return nil
}

// postAdminAddUser creates an account and shows its invite link.
func (s *Server) postAdminAddUser(c *gin.Context) error {
	name := strings.ToLower(strings.TrimSpace(c.PostForm("name")))
	role := catalog.Role(c.PostForm("role"))
	token, err := catalog.AddUser(c.Request.Context(), s.store, name, role, s.now())
	var ve *catalog.ValidationError
	status, errs := http.StatusUnprocessableEntity, map[string]string{}
	switch {
	case errors.As(err, &ve):
		for f, msg := range ve.Fields {
			errs[f] = sentence(msg)
		}
	case errors.Is(err, catalog.ErrConflict):
		status, errs["name"] = http.StatusConflict, "There is already an account of this name."
	case err != nil:
		return err
	default:
		return s.showInvite(c, name, token)
	}
	p, err := s.adminUsers(c)
	if err != nil {
		return err
	}
	p.Name, p.Role, p.Errors = name, role, errs
	s.render(c, status, "admin_users", p)
	return nil
}

// postAdminUser changes one account, as its form's action says: role,
// disable, enable or invite (a new link, for a lost one or a forgotten
// password).
func (s *Server) postAdminUser(c *gin.Context) error {
	ctx := c.Request.Context()
	name, action := c.Param("name"), c.PostForm("action")
	if name == viewer(c).Name && (action == "role" || action == "disable") {
		// The last admin would lock everyone out of this page.
		return &httpError{status: http.StatusConflict, code: "conflict",
			msg: "You cannot change your own role or disable yourself here: another admin can, or komoru user on the server."}
	}
	var err error
	switch action {
	case "role":
		err = catalog.SetRole(ctx, s.store, name, catalog.Role(c.PostForm("role")))
	case "disable":
		err = catalog.DisableUser(ctx, s.store, name)
	case "enable":
		err = catalog.EnableUser(ctx, s.store, name)
	case "invite":
		token, err := catalog.Reinvite(ctx, s.store, name, s.now())
		if err != nil {
			return err
		}
		return s.showInvite(c, name, token)
	default:
		return &httpError{status: http.StatusBadRequest, code: "bad_request", msg: "action must be role, disable, enable or invite",
			fields: map[string]string{"action": "must be role, disable, enable or invite"}}
	}
	if err != nil {
		return err
	}
	// Back to the list, at the account's row, which shows what changed.
	c.Redirect(http.StatusSeeOther, "/admin/users#user-"+name)
	return nil
}
