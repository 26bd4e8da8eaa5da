package server

import (
	"encoding/json"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/komoru/komoru/catalog"
	"github.com/komoru/komoru/catalog/export"
	"github.com/komoru/komoru/indexer"
)

// The OpenAPI document (GET /api/v1/openapi.json) is built once, in Go,
// when the server starts: the search's facet parameters and the values
// they take come from the codebook the server runs with, so the document
// cannot drift from it. TestOpenAPICoversRoutes fails when a route of the
// route table is missing from it, and TestOpenAPIResponses validates the
// API's answers against it.

// obj is a JSON object of the document.
type obj = map[string]any

// arr is a JSON array of the document.
type arr = []any

// ref points at a component of the document.
func ref(kind, name string) obj { return obj{"$ref": "#/components/" + kind + "/" + name} }

// openAPIDocument returns the document as JSON.
func openAPIDocument(cb *catalog.Codebook) ([]byte, error) {
	doc := obj{
		"openapi": "3.1.0",
		"info": obj{
			"title":   "komoru",
			"version": "1",
			"summary": "A catalog of media portrayals of social withdrawal (hikikomori): search, works, revisions and proposals.",
			"description": "Reading needs no account; writing needs a bearer token (`komoru token create`) or a signed-in browser's session. " +
				"Every error is `{\"error\": {\"code\", \"message\", \"fields\"}}`. Every route answers HEAD as GET, without the body. " +
				"Responses over 1 KB are compressed (gzip or zstd) when the client asks; reads carry ETag and Last-Modified and answer " +
				"304 to If-None-Match or If-Modified-Since. GET and HEAD under /api/v1/ are open to other origins (CORS). doc/api.md is the guide.",
			"license": obj{"name": "CC BY 4.0 (the catalog's data)", "identifier": "CC-BY-4.0"},
		},
		"servers":    arr{obj{"url": "/"}},
		"tags":       arr{obj{"name": "api", "description": "The JSON API."}, obj{"name": "pages", "description": "The site's HTML pages and their files, for people."}, obj{"name": "operations", "description": "For operators and their monitoring."}},
		"paths":      openAPIPaths(cb),
		"components": openAPIComponents(cb),
	}
	return json.Marshal(doc)
}

// serveOpenAPI is GET /api/v1/openapi.json.
func (s *Server) serveOpenAPI(c *gin.Context) {
	c.Data(http.StatusOK, "application/json", s.openapi)
}

// jsonContent is a JSON body of schema.
func jsonContent(schema obj) obj { return obj{"application/json": obj{"schema": schema}} }

// response is a described response with a JSON body of schema (none if nil)
// and the named headers of components.headers.
func response(desc string, schema obj, headers ...string) obj {
	r := obj{"description": desc}
	if schema != nil {
		r["content"] = jsonContent(schema)
	}
	if len(headers) > 0 {
		h := obj{}
		for _, name := range headers {
			h[name] = ref("headers", name)
		}
		r["headers"] = h
	}
	return r
}

// errorResponses are components.responses for the errors, by status.
var errorResponses = []struct {
	status int
	desc   string
}{
	{400, "A malformed body, If-Match, revision number or parameter; fields names the parameters."},
	{401, "No token or session where one is needed, or a bad one."},
	{403, "The role may not do this (forbidden), or a browser request made by another site's page (cross_origin)."},
	{404, "No such work, revision or proposal (or not yours to see)."},
	{405, "The path exists but not with this method."},
	{409, "The id is taken, or the proposal was already reviewed."},
	{412, "The work changed after the revision the write names (stale)."},
	{413, "The body is over its limit (too_large)."},
	{422, "The body is not valid (invalid); fields says what, keyed by path."},
	{428, "PUT or DELETE without If-Match (precondition_required)."},
	{429, "Too many searches at once (busy) or failed sign-ins (throttled); Retry-After says when to retry."},
	{500, "A fault of komoru's (internal); quote X-Request-ID."},
	{503, "Search unavailable, starting, damaged, over its time budget or waiting too long for a turn; Retry-After when it is worth retrying."},
}

func errResp(status int) obj { return ref("responses", strconv.Itoa(status)) }

// op is an operation of the API.
type op struct {
	id, summary, desc string
	params            arr
	body              obj // request body, or nil
	responses         obj
	auth              bool // needs a token or session
	tag               string
}

func (o op) json() obj {
	out := obj{"operationId": o.id, "summary": o.summary, "responses": o.responses, "tags": arr{o.tag}}
	if o.tag == "" {
		out["tags"] = arr{"api"}
	}
	if o.desc != "" {
		out["description"] = o.desc
	}
	if len(o.params) > 0 {
		out["parameters"] = o.params
	}
	if o.body != nil {
		out["requestBody"] = o.body
	}
	if o.auth {
		out["security"] = arr{obj{"bearer": arr{}}, obj{"session": arr{}}}
	} else {
		out["security"] = arr{obj{}}
	}
	return out
}

func pathParam(name, desc string, schema obj) obj {
	return obj{"name": name, "in": "path", "required": true, "description": desc, "schema": schema}
}

func queryParam(name, desc string, schema obj) obj {
	return obj{"name": name, "in": "query", "description": desc, "schema": schema}
}

var str = obj{"type": "string"}

// searchParams are the parameters of a search: those of the API's search,
// its export and the search page alike, the codebook's facets included.
func searchParams(cb *catalog.Codebook) arr {
	ps := arr{
		queryParam(paramQ, "Free text: every word required (see matching), \"a phrase\", -word or NOT word to exclude, OR between alternatives. At most 500 characters.",
			obj{"type": "string", "maxLength": maxQueryChars}),
		queryParam(paramYearFrom, "Earliest year, inclusive.", obj{"type": "integer", "minimum": 1, "maximum": 9999}),
		queryParam(paramYearTo, "Latest year, inclusive.", obj{"type": "integer", "minimum": 1, "maximum": 9999}),
		queryParam(paramSort, "Order of the hits.", obj{"type": "string", "enum": arr{indexer.SortRelevance, indexer.SortYear, indexer.SortYearDesc, indexer.SortTitle}, "default": indexer.SortRelevance}),
		queryParam(paramPage, "Page number, from 1.", obj{"type": "integer", "minimum": 1, "maximum": indexer.MaxPage, "default": 1}),
		queryParam(paramSize, "Hits a page.", obj{"type": "integer", "minimum": 1, "maximum": indexer.MaxSize, "default": indexer.DefaultSize}),
		queryParam(paramTypo, "Tolerate typos.", obj{"type": "boolean", "default": true}),
		queryParam(paramExplain, "Give each hit its ranking.", obj{"type": "boolean", "default": false}),
		queryParam(paramMatching, "last: drop words from the end until some work matches; all: every word required.",
			obj{"type": "string", "enum": arr{indexer.MatchingLast, indexer.MatchingAll}, "default": indexer.MatchingLast}),
	}
	var facetNames arr
	for _, f := range cb.Facets() {
		facetNames = append(facetNames, f.Name)
		item := obj{"type": "string"}
		if f.Values != nil {
			var vals arr
			for _, v := range f.Values {
				vals = append(vals, v.ID)
			}
			item["enum"] = vals
		}
		desc := "Facet " + f.Label + ": keeps the works with this value; repeat the parameter to keep any of several values."
		if f.Derived {
			desc += " Derived from the work's other fields."
		}
		p := queryParam(f.Name, desc, obj{"type": "array", "items": item})
		p["style"], p["explode"] = "form", true
		ps = append(ps, p)
	}
	show := queryParam(paramShow, "A spoiler facet to show on the search page; it changes nothing of the search.",
		obj{"type": "array", "items": obj{"type": "string", "enum": facetNames}})
	show["style"], show["explode"] = "form", true
	return append(ps, show)
}

var (
	idParam      = pathParam("id", "The work's id, such as welcome-to-the-nhk-anime.", str)
	pidParam     = pathParam("pid", "The proposal's number.", obj{"type": "integer", "minimum": 1})
	roundParam   = pathParam("id", "The round's id, such as r1.", str)
	ifMatchParam = obj{"name": "If-Match", "in": "header", "required": true, "description": "The ETag of the revision the change was made against, such as \"3\".", "schema": str}
	ifNoneMatch  = obj{"name": "If-None-Match", "in": "header", "description": "An ETag of a copy you have; 304 if it is current.", "schema": str}
	ifModified   = obj{"name": "If-Modified-Since", "in": "header", "description": "The Last-Modified of a copy you have; 304 if it is current.", "schema": str}
)

// cached are the responses every cached read may give besides its own.
func cached(rs obj) obj {
	rs["304"] = obj{"description": "Not Modified: your copy (If-None-Match, If-Modified-Since) is current.", "headers": obj{"ETag": ref("headers", "ETag")}}
	return rs
}

func openAPIPaths(cb *catalog.Codebook) obj {
	work := ref("schemas", "WorkResponse")
	proposalResp := response("Accepted: a contributor's write became a proposal, waiting for a curator's review.", ref("schemas", "ProposalResponse"), "Location")
	writeBody := obj{"required": true, "content": jsonContent(ref("schemas", "WriteBody"))}
	export := op{id: "exportSearch", summary: "Every hit of a search, in a format to take away",
		desc: "The parameters of /api/v1/search (page and size aside: every hit is exported) and the format; the response streams in the search's order.",
		params: append(searchParams(cb), obj{"name": "format", "in": "query", "required": true, "description": "The format of the export.", "schema": obj{"type": "string", "enum": func() arr {
			var a arr
			for _, f := range export.Formats() {
				a = append(a, f.Name)
			}
			return a
		}()}}),
		responses: cached(obj{"200": func() obj {
			content := obj{}
			for _, f := range export.Formats() {
				mt, _, _ := mime.ParseMediaType(f.MediaType)
				schema := obj{"type": "string", "description": f.Name + ": " + f.Title}
				switch f.Name {
				case "json":
					schema = obj{"type": "array", "items": ref("schemas", "Work"), "description": f.Name + ": " + f.Title}
				case "csljson":
					schema = obj{"type": "array", "items": obj{"type": "object", "required": arr{"id", "type", "title"}}, "description": f.Name + ": " + f.Title}
				}
				content[mt] = obj{"schema": schema}
			}
			return obj{"description": "The export, streamed.", "content": content}
		}(), "400": errResp(400), "503": errResp(503)})}
	paths := obj{
		"/api/v1/openapi.json": obj{"get": op{id: "openAPI", summary: "This document",
			responses: obj{"200": response("The OpenAPI 3.1 document of the API and the site.", obj{"type": "object"})}}.json()},
		"/api/v1/search": obj{"get": op{id: "search", summary: "Search works, with facet counts",
			params: append(searchParams(cb), ifNoneMatch, ifModified),
			responses: cached(obj{"200": response("A page of hits and the facets' counts.", ref("schemas", "SearchResponse"), "ETag", "Last-Modified"),
				"400": errResp(400), "429": errResp(429), "503": errResp(503)})}.json()},
		"/api/v1/export": obj{"get": export.json()},
		"/api/v1/codebook": obj{"get": op{id: "codebook", summary: "The codebook works are coded against",
			params:    arr{ifNoneMatch, ifModified},
			responses: cached(obj{"200": response("The codebook.", ref("schemas", "Codebook"), "ETag", "Last-Modified")})}.json()},
		"/api/v1/works": obj{"post": op{id: "createWork", summary: "Create a work", auth: true, body: writeBody,
			responses: obj{"201": response("Created: the work's first revision.", work, "ETag", "Location"), "202": proposalResp,
				"400": errResp(400), "401": errResp(401), "403": errResp(403), "409": errResp(409), "413": errResp(413), "422": errResp(422)}}.json()},
		"/api/v1/works/{id}": obj{
			"parameters": arr{idParam},
			"get": op{id: "getWork", summary: "A work's current revision", params: arr{ifNoneMatch},
				responses: cached(obj{"200": response("The work, its revision and its derived facets; ETag is the revision.", work, "ETag"), "404": errResp(404)})}.json(),
			"put": op{id: "updateWork", summary: "Replace a work", auth: true, params: arr{ifMatchParam}, body: writeBody,
				responses: obj{"200": response("The new revision.", work, "ETag"), "202": proposalResp,
					"400": errResp(400), "401": errResp(401), "403": errResp(403), "404": errResp(404), "412": errResp(412),
					"413": errResp(413), "422": errResp(422), "428": errResp(428)}}.json(),
			"delete": op{id: "deleteWork", summary: "Delete a work", auth: true,
				params: arr{ifMatchParam, queryParam("note", "Why (or in a JSON body, {\"note\": ...}).", str)},
				body:   obj{"content": jsonContent(obj{"type": "object", "properties": obj{"note": str}})},
				responses: obj{"200": response("Deleted: the delete's revision.", ref("schemas", "Deleted")), "202": proposalResp,
					"400": errResp(400), "401": errResp(401), "403": errResp(403), "404": errResp(404), "412": errResp(412),
					"422": errResp(422), "428": errResp(428)}}.json(),
		},
		"/api/v1/works/{id}/revisions": obj{"parameters": arr{idParam}, "get": op{id: "listRevisions", summary: "Every revision of a work, oldest first",
			params:    arr{ifNoneMatch, ifModified},
			responses: cached(obj{"200": response("The revisions, without the work.", ref("schemas", "RevisionList"), "ETag", "Last-Modified"), "404": errResp(404)})}.json()},
		"/api/v1/works/{id}/revisions/{n}": obj{"parameters": arr{idParam, pathParam("n", "The revision's number, from 1.", obj{"type": "integer", "minimum": 1})},
			"get": op{id: "getRevision", summary: "One revision, with the work as it became",
				params:    arr{ifNoneMatch, ifModified},
				responses: cached(obj{"200": response("The revision; work is null for a delete.", ref("schemas", "RevisionDetail"), "ETag", "Last-Modified"), "400": errResp(400), "404": errResp(404)})}.json()},
		"/api/v1/proposals": obj{"get": op{id: "listProposals", summary: "Proposals, oldest first", auth: true,
			params: arr{queryParam("state", "Keep the proposals in this state.", obj{"type": "string", "enum": arr{"pending", "accepted", "rejected"}}),
				queryParam("work", "Keep the proposals about this work id.", str),
				queryParam("author", "Keep one contributor's (curators only).", str)},
			responses: obj{"200": response("At most 100 proposals, without their works.", ref("schemas", "ProposalList")),
				"400": errResp(400), "401": errResp(401), "403": errResp(403)}}.json()},
		"/api/v1/proposals/{pid}": obj{"parameters": arr{pidParam}, "get": op{id: "getProposal", summary: "One proposal, with its work", auth: true,
			responses: obj{"200": response("The proposal.", ref("schemas", "ProposalResponse")), "400": errResp(400), "401": errResp(401), "403": errResp(403), "404": errResp(404)}}.json()},
		"/api/v1/proposals/{pid}/accept": obj{"parameters": arr{pidParam}, "post": op{id: "acceptProposal", summary: "Accept a proposal (curators)", auth: true,
			body: obj{"content": jsonContent(obj{"type": "object", "properties": obj{"against": obj{"type": "integer", "minimum": 1}}, "additionalProperties": false})},
			responses: obj{"200": response("The proposal, accepted, and the revision it became.", ref("schemas", "Accepted")),
				"400": errResp(400), "401": errResp(401), "403": errResp(403), "404": errResp(404), "409": errResp(409), "412": errResp(412), "422": errResp(422)}}.json()},
		"/api/v1/proposals/{pid}/reject": obj{"parameters": arr{pidParam}, "post": op{id: "rejectProposal", summary: "Reject a proposal (curators)", auth: true,
			body: obj{"required": true, "content": jsonContent(obj{"type": "object", "required": arr{"reason"}, "properties": obj{"reason": str}, "additionalProperties": false})},
			responses: obj{"200": response("The proposal, rejected.", obj{"type": "object", "required": arr{"proposal"}, "properties": obj{"proposal": ref("schemas", "Proposal")}, "additionalProperties": false}),
				"400": errResp(400), "401": errResp(401), "403": errResp(403), "404": errResp(404), "409": errResp(409), "422": errResp(422)}}.json()},
		// Coding rounds' figures.
		"/api/v1/rounds": obj{"get": op{id: "listRounds", summary: "Every coding round, newest first, with each coder's progress",
			responses: obj{"200": response("The rounds.", ref("schemas", "RoundList"))}}.json()},
		"/api/v1/rounds/{id}/agreement": obj{"parameters": arr{roundParam}, "get": op{id: "roundAgreement",
			summary: "A round's agreement per dimension: Krippendorff's alpha, its 95% bootstrap interval, the coincidence matrix, each pair of coders",
			desc:    "Public once the round is closed; while it is open, for curators only (403 otherwise), since the coincidence matrices would tell a coder the others' values. Undefined figures are null.",
			responses: obj{"200": response("The round's figures.", ref("schemas", "AgreementReport")),
				"401": errResp(401), "403": errResp(403), "404": errResp(404)}}.json()},
		"/healthz": obj{"get": op{id: "health", summary: "Whether the server can serve", tag: "operations",
			responses: obj{"200": response("It can.", ref("schemas", "Health")),
				"503": response("The search index is starting (Retry-After) or degraded.", ref("schemas", "Health"), "Retry-After")}}.json()},
		"/metrics": obj{"get": op{id: "metrics", summary: "Prometheus metrics", tag: "operations",
			responses: obj{"200": obj{"description": "Prometheus' text exposition format.", "content": obj{"text/plain": obj{"schema": str}}}}}.json()},
	}
	for _, p := range sitePages {
		item, _ := paths[p.path].(obj)
		if item == nil {
			item = obj{}
			paths[p.path] = item
		}
		item[p.method] = p.json()
	}
	return paths
}

// sitePage is a route of the site, for people: listed in the document so
// that it names every route, with its media type.
type sitePage struct {
	method, path, summary string
	auth                  bool
	media                 string // of a 200; "" for a form's POST, which redirects (303)
}

func (p sitePage) json() obj {
	o := op{id: p.method + p.path, summary: p.summary, auth: p.auth, tag: "pages"}
	errPage := obj{"description": "An error page.", "content": obj{"text/html": obj{"schema": str}}}
	if p.media == "" {
		o.responses = obj{"303": obj{"description": "Done: on to the next page.", "headers": obj{"Location": ref("headers", "Location")}}, "default": errPage}
	} else {
		o.responses = obj{"200": obj{"description": p.summary, "content": obj{p.media: obj{"schema": str}}}, "default": errPage}
	}
	if slices.Contains([]string{"/works/{id}", "/works/{id}/edit", "/works/{id}/delete", "/works/{id}/history", "/works/{id}/restore"}, p.path) {
		o.params = arr{idParam}
	}
	if strings.HasPrefix(p.path, "/rounds/{id}") {
		o.params = arr{roundParam}
	}
	for _, name := range []string{"token", "pid", "tid", "name", "file", "path", "round", "work"} {
		if slices.Contains(pathNames(p.path), name) {
			o.params = append(o.params, pathParam(name, "", str))
		}
	}
	return o.json()
}

// pathNames are the names of a path's parameters.
func pathNames(path string) []string {
	var names []string
	for i := 0; i < len(path); i++ {
		if path[i] == '{' {
			j := i + 1
			for j < len(path) && path[j] != '}' {
				j++
			}
			names = append(names, path[i+1:j])
			i = j
		}
	}
	return names
}

const textHTML = "text/html"

var sitePages = []sitePage{
	{"get", "/", "The search page", false, textHTML},
	{"get", "/works/{id}", "A work's page", false, textHTML},
	{"get", "/codebook", "The codebook", false, textHTML},
	{"get", "/stats", "Charts of a search", false, textHTML},
	{"get", "/stats/crosstab", "Cross-tabulation of two facets over a search", false, textHTML},
	{"get", "/stats/crosstab.csv", "The cross-tabulation's counts", false, "text/csv"},
	{"get", "/stats/{file}", "A chart of a search as SVG ({chart}.svg) or CSV ({chart}.csv)", false, "image/svg+xml"},
	{"get", "/cite", "How to cite the catalog as a data set: BibTeX, RIS, CSL-JSON", false, textHTML},
	{"get", "/cite/CITATION.cff", "The catalog's CITATION.cff (Citation File Format 1.2.0)", false, cffMediaType},
	{"post", "/prefs", "Keep a reader's preferences (theme, spoilers) in a cookie", false, ""},
	{"get", "/static/{path}", "The site's static files; with ?v= their checksum, cached for a year", false, "application/octet-stream"},
	{"get", "/favicon.ico", "The site's icon", false, "image/svg+xml"},
	{"get", "/login", "The sign-in form", false, textHTML},
	{"post", "/login", "Sign in", false, ""},
	{"post", "/logout", "Sign out", false, ""},
	{"get", "/invite/{token}", "An invitation's form: choose a password", false, textHTML},
	{"post", "/invite/{token}", "Accept an invitation", false, ""},
	{"get", "/account", "One's account: password and API tokens", true, textHTML},
	{"post", "/account/password", "Change one's password", true, ""},
	{"post", "/account/tokens", "Create an API token", true, textHTML},
	{"post", "/account/tokens/{tid}/revoke", "Revoke an API token", true, ""},
	{"get", "/admin/users", "Accounts (admins)", true, textHTML},
	{"post", "/admin/users", "Invite an account (admins)", true, textHTML},
	{"post", "/admin/users/{name}", "Change an account's role or disable it (admins)", true, ""},
	{"get", "/admin/index", "The search index's state (admins)", true, textHTML},
	{"post", "/admin/index/rebuild", "Rebuild the search index (admins)", true, ""},
	{"get", "/works/new", "The form of a new work; ?from=URL (curators) fills it from a web page about the work, each value with its source, saving nothing", true, textHTML},
	{"post", "/works/new", "Save a new work", true, ""},
	{"get", "/works/{id}/edit", "The edit form of a work", true, textHTML},
	{"post", "/works/{id}/edit", "Save a work", true, ""},
	{"post", "/works/{id}/delete", "Delete a work", true, ""},
	{"get", "/works/{id}/history", "A work's revisions and their differences", false, textHTML},
	{"post", "/works/{id}/restore", "Restore an earlier revision (curators)", true, ""},
	{"get", "/changes", "The catalog's latest changes", false, textHTML},
	{"get", "/changes.atom", "The catalog's latest changes as a feed", false, "application/atom+xml"},
	{"get", "/review", "Proposals waiting for review (curators)", true, textHTML},
	{"get", "/review/{pid}", "A proposal and its differences", true, textHTML},
	{"post", "/review/{pid}/accept", "Accept a proposal (curators)", true, ""},
	{"post", "/review/{pid}/reject", "Reject a proposal (curators)", true, ""},
	{"get", "/rounds", "Coding rounds and their progress; curators start one here", true, textHTML},
	{"post", "/rounds", "Start a coding round (curators)", true, ""},
	{"get", "/rounds/{id}", "A coding round: its works × coders progress", true, textHTML},
	{"post", "/rounds/{id}/close", "Close a coding round, freezing its codings (curators)", true, ""},
	{"get", "/rounds/{id}/works/{work}", "Adjudicate a round's work: the coders' codings side by side (curators)", true, textHTML},
	{"post", "/rounds/{id}/works/{work}", "Save a round's work's final coding as a revision (curators)", true, ""},
	{"get", "/coding", "One's coding queue across open rounds", true, textHTML},
	{"get", "/coding/{round}/{work}", "A coder's unit: code the work blind, then compare", true, textHTML},
	{"post", "/coding/{round}/{work}", "Save a draft of a unit or submit it (the round's coders)", true, ""},
	// Coding rounds' figures.
	{"get", "/rounds/{id}/agreement", "A round's agreement per dimension: alpha, reading, coincidence heatmap, pairs of coders", false, textHTML},
	{"get", "/rounds/{id}/reliability/{file}", "One dimension's reliability data ({dimension}.csv): units × coders, an empty cell missing", false, "text/csv"},
}

func openAPIComponents(cb *catalog.Codebook) obj {
	responses := obj{}
	for _, e := range errorResponses {
		r := response(e.desc, ref("schemas", "Error"))
		if e.status == 429 || e.status == 503 {
			r["headers"] = obj{"Retry-After": ref("headers", "Retry-After")}
		}
		responses[strconv.Itoa(e.status)] = r
	}
	strs := obj{"type": "array", "items": str}
	nullable := func(s obj) obj { return obj{"anyOf": arr{s, obj{"type": "null"}}} }
	closed := func(required arr, props obj) obj {
		o := obj{"type": "object", "properties": props, "additionalProperties": false}
		if len(required) > 0 {
			o["required"] = required
		}
		return o
	}
	var media arr
	if f, ok := cb.Facet("medium"); ok {
		for _, v := range f.Values {
			media = append(media, v.ID)
		}
	}
	dateTime := obj{"type": "string", "format": "date-time"}
	opEnum := obj{"type": "string", "enum": arr{"create", "update", "delete"}}
	schemas := obj{
		"Error": closed(arr{"error"}, obj{"error": closed(arr{"code", "message"}, obj{
			"code":    obj{"type": "string", "description": "For scripts to branch on: bad_parameter, not_found, stale, invalid…"},
			"message": obj{"type": "string", "description": "For people."},
			"fields":  obj{"type": "object", "additionalProperties": str, "description": "What is wrong, by parameter or by path in the body."},
		})}),
		"Coding": obj{"description": "A coded dimension: a value, a set of values, or either with its evidence.", "anyOf": arr{
			str, strs,
			closed(nil, obj{"value": str, "values": strs, "evidence": str, "spoiler": obj{"type": "boolean"},
				"source": obj{"type": "integer", "minimum": 0}, "locator": str}),
		}},
		"Portrayal": obj{"type": "object", "description": "The coded dimensions, by the codebook's dimension id; an absent one is not coded.",
			"additionalProperties": ref("schemas", "Coding")},
		"Work": closed(arr{"id", "title", "medium", "year"}, obj{
			"id": str, "title": str, "original_title": str, "romanized_title": str, "alt_titles": strs,
			"medium": obj{"type": "string", "enum": media}, "year": obj{"type": "integer"}, "end_year": obj{"type": "integer"},
			"countries": strs, "languages": strs,
			"creators":   obj{"type": "array", "items": closed(arr{"name", "role"}, obj{"name": str, "role": str})},
			"synopsis":   str,
			"characters": obj{"type": "array", "items": closed(arr{"name"}, obj{"name": str, "gender": str, "role": str, "hikikomori": obj{"type": "boolean"}})},
			"portrayal":  ref("schemas", "Portrayal"),
			"related":    obj{"type": "array", "items": closed(arr{"id", "relation"}, obj{"id": str, "relation": str})},
			"sources":    obj{"type": "array", "items": closed(arr{"url"}, obj{"url": str, "title": str})},
			"links":      obj{"type": "array", "items": closed(arr{"url"}, obj{"url": str, "label": str})},
			"notes":      str,
		}),
		"WriteBody": closed(arr{"work", "note"}, obj{"work": ref("schemas", "Work"), "note": obj{"type": "string", "description": "Why: kept with the revision."}}),
		"WorkResponse": closed(arr{"work", "revision", "updated_at", "derived"}, obj{
			"work": ref("schemas", "Work"), "revision": obj{"type": "integer", "minimum": 1}, "updated_at": dateTime,
			"derived": closed(arr{"hikikomori_genders", "female_hikikomori_lead", "decade", "coding_status"}, obj{
				"hikikomori_genders": strs, "female_hikikomori_lead": obj{"type": "boolean"}, "decade": obj{"type": "integer"},
				"coding_status": ref("schemas", "CodingStatus")}),
		}),
		"CodingStatus": obj{"type": "string", "enum": arr{"coded", "partial", "uncoded"}},
		"Deleted":      closed(arr{"revision", "deleted"}, obj{"revision": obj{"type": "integer"}, "deleted": obj{"type": "boolean", "const": true}}),
		"SearchResponse": closed(arr{"total", "page", "size", "took_ms", "hits", "facets"}, obj{
			"total": obj{"type": "integer", "minimum": 0}, "page": obj{"type": "integer", "minimum": 1}, "size": obj{"type": "integer", "minimum": 1},
			"took_ms": obj{"type": "integer", "minimum": 0},
			"hits":    obj{"type": "array", "items": ref("schemas", "Hit")},
			"facets": obj{"type": "object", "description": "Per facet, its values' counts; a facet's own filter does not narrow its counts.",
				"additionalProperties": obj{"type": "array", "items": closed(arr{"value", "label", "count", "selected"}, obj{
					"value": str, "label": str, "count": obj{"type": "integer", "minimum": 0}, "selected": obj{"type": "boolean"}})}},
			"suggested_filters": obj{"type": "array", "items": closed(arr{"facet", "value", "label", "count"}, obj{
				"facet": str, "value": str, "label": str, "count": obj{"type": "integer"}})},
			"dropped_words": strs,
		}),
		"Hit": closed(arr{"id", "title", "medium", "year", "portrayal", "coding_status"}, obj{
			"id": str, "title": str, "original_title": str, "medium": obj{"type": "string", "enum": media}, "year": obj{"type": "integer"},
			"portrayal": ref("schemas", "Portrayal"), "coding_status": ref("schemas", "CodingStatus"),
			"highlights": obj{"type": "object", "description": "Per kind of text, the texts that hold a query word, in <mark>, the rest HTML-escaped.",
				"additionalProperties": strs},
			"ranking": obj{"type": "array", "items": closed(arr{"rule", "bucket", "of", "value"}, obj{
				"rule":   obj{"type": "string", "enum": arr{"words", "typo", "proximity", "attribute", "exactness", "coding"}},
				"bucket": obj{"type": "integer"}, "of": obj{"type": "integer"}, "value": obj{"type": "integer"}})},
		}),
		"Revision": closed(arr{"number", "op", "author", "note", "time", "seq", "url"}, obj{
			"number": obj{"type": "integer", "minimum": 1}, "op": opEnum, "author": str, "note": str, "time": dateTime,
			"seq": obj{"type": "integer", "description": "The catalog-wide change sequence."}, "url": str}),
		"RevisionList": closed(arr{"id", "revisions"}, obj{"id": str, "revisions": obj{"type": "array", "items": ref("schemas", "Revision")}}),
		"RevisionDetail": closed(arr{"id", "number", "op", "author", "note", "time", "seq", "url", "work"}, obj{
			"id": str, "number": obj{"type": "integer", "minimum": 1}, "op": opEnum, "author": str, "note": str, "time": dateTime,
			"seq": obj{"type": "integer"}, "url": str, "work": nullable(ref("schemas", "Work"))}),
		"Proposal": closed(arr{"id", "url", "work_id", "op", "base", "author", "note", "created_at", "state"}, obj{
			"id": obj{"type": "integer"}, "url": str, "work_id": str, "op": opEnum, "base": obj{"type": "integer", "minimum": 0},
			"author": str, "note": str, "created_at": dateTime, "state": obj{"type": "string", "enum": arr{"pending", "accepted", "rejected"}},
			"reviewer": str, "reason": str, "reviewed_at": dateTime, "revision": obj{"type": "integer"},
		}),
		"ProposalList": closed(arr{"proposals"}, obj{"proposals": obj{"type": "array", "items": ref("schemas", "Proposal")}}),
		"Accepted":     closed(arr{"proposal", "revision"}, obj{"proposal": ref("schemas", "Proposal"), "revision": ref("schemas", "Revision")}),
		"Health": obj{"type": "object", "required": arr{"status"}, "properties": obj{
			"status": obj{"type": "string", "enum": arr{"ok", "starting", "degraded"}}, "works": obj{"type": "integer"},
			"message": str, "indexed": obj{"type": "integer"}}},
		"Codebook": obj{"type": "object", "required": arr{"codebook_version", "dimensions", "metadata"}, "properties": obj{
			"codebook_version": str, "dimensions": obj{"type": "array", "items": obj{"type": "object"}},
			"metadata": obj{"type": "array", "items": obj{"type": "object"}}, "synonyms": obj{"type": "array", "items": strs},
			"changes": obj{"type": "array", "description": "The codebook's versions, newest first: what each added and how files coded against the one before read under it.",
				"items": obj{"type": "object", "required": arr{"version", "date", "summary"}, "properties": obj{
					"version": str, "date": str, "summary": str, "added": strs, "compatibility": str}}}}},
	}
	// Coding rounds' figures: a number that may be undefined is null.
	num := nullable(obj{"type": "number"})
	integer := obj{"type": "integer", "minimum": 0}
	schemas["RoundList"] = closed(arr{"rounds"}, obj{"rounds": obj{"type": "array", "items": closed(
		arr{"id", "name", "state", "works", "coders", "dimensions", "created", "progress"}, obj{
			"id": str, "name": str, "state": obj{"type": "string", "enum": arr{"open", "closed"}}, "works": integer,
			"coders": strs, "dimensions": strs, "created": dateTime, "closed": dateTime,
			"progress": obj{"type": "array", "items": closed(arr{"coder", "submitted", "drafts"}, obj{"coder": str, "submitted": integer, "drafts": integer})},
		})}})
	reading := obj{"type": "string", "enum": arr{"reliable", "tentative", "unreliable", "undefined"}}
	schemas["AgreementReport"] = closed(arr{"round", "state", "codebook_version", "resamples", "seed", "dimensions"}, obj{
		"round": str, "state": obj{"type": "string", "enum": arr{"open", "closed"}}, "codebook_version": str,
		"resamples": integer, "seed": integer,
		"dimensions": obj{"type": "array", "items": closed(
			arr{"dimension", "label", "level", "alpha", "ci95", "units", "coders", "pairable", "reading", "observed", "expected", "coincidence", "pairwise"}, obj{
				"dimension": str, "label": str, "level": obj{"type": "string", "enum": arr{"nominal", "ordinal", "interval", "set"}},
				"alpha": num, "ci95": obj{"type": "array", "items": num, "minItems": 2, "maxItems": 2},
				"units": integer, "coders": integer, "pairable": integer, "reading": reading,
				"undefined": obj{"type": "string", "description": "Why alpha is null."},
				"observed":  num, "expected": num,
				"coincidence": closed(arr{"values", "counts"}, obj{"values": strs,
					"counts": obj{"type": "array", "items": obj{"type": "array", "items": obj{"type": "number"}}}}),
				"per_value": obj{"type": "array", "items": closed(arr{"value", "alpha", "reading"}, obj{
					"value": str, "alpha": num, "reading": reading, "undefined": str})},
				"pairwise": obj{"type": "array", "items": closed(arr{"a", "b", "units", "alpha", "reading", "identical"}, obj{
					"a": str, "b": str, "units": integer, "alpha": num, "reading": reading, "identical": num})},
			})},
	})
	// A proposal with its work: the list's fields, and current_revision
	// while it is pending.
	detail := closed(nil, obj{})
	for k, v := range schemas["Proposal"].(obj)["properties"].(obj) {
		detail["properties"].(obj)[k] = v
	}
	detail["properties"].(obj)["current_revision"] = obj{"type": "integer", "minimum": 0}
	detail["properties"].(obj)["work"] = nullable(ref("schemas", "Work"))
	detail["required"] = append(slices.Clone(schemas["Proposal"].(obj)["required"].(arr)), "work")
	schemas["ProposalDetail"] = detail
	schemas["ProposalResponse"] = closed(arr{"proposal"}, obj{"proposal": ref("schemas", "ProposalDetail")})
	header := func(desc string) obj { return obj{"description": desc, "schema": str} }
	return obj{
		"schemas":   schemas,
		"responses": responses,
		"headers": obj{
			"ETag":          header("The entity tag: a work's revision in quotes, or a tag of the catalog's change sequence and what the response varies by."),
			"Last-Modified": header("When the catalog last changed."),
			"Location":      header("Where the created thing, or the next page, is."),
			"Retry-After":   header("Seconds to wait before retrying."),
		},
		"securitySchemes": obj{
			"bearer":  obj{"type": "http", "scheme": "bearer", "description": "An API token: komoru token create NAME, or the tokens section of /account."},
			"session": obj{"type": "apiKey", "in": "cookie", "name": sessionCookie, "description": "A signed-in browser's session; requests made by another site's page are refused."},
		},
	}
}
