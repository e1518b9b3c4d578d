package devidp

import (
	"bytes"
	"crypto/subtle"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// Paths below the issuer served by the provider itself rather than by zitadel.
const (
	loginPath     = "/login"
	loggedOutPath = "/logged-out"
)

func (p *Provider) loginURL(authRequestID string) string {
	return p.url(loginPath) + "?authRequestID=" + url.QueryEscape(authRequestID)
}

// callbackURL is where a finished sign-in goes: zitadel then issues the code.
func (p *Provider) callbackURL(r *http.Request, authRequestID string) string {
	return op.AuthCallbackURL(p.op)(op.ContextWithIssuer(r.Context(), p.issuer), authRequestID)
}

// showLogin renders the user list, or signs in the login_hint user straight away.
func (p *Provider) showLogin(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("authRequestID")
	a, err := p.store.pendingAuthRequest(id)
	if err != nil {
		p.renderPage(w, http.StatusBadRequest, loginPage{Error: "This sign-in request is unknown or has expired. Start again from the application."})
		return
	}
	if a.done {
		http.Redirect(w, r, p.callbackURL(r, id), http.StatusFound)
		return
	}
	page := loginPage{AuthRequestID: id, ClientID: a.req.ClientID, Scopes: strings.Join(a.req.Scopes, " ")}
	// Development only: login_hint=<sub> signs that user in without a click,
	// so tests can run the whole code flow without a browser.
	if hint := a.req.LoginHint; hint != "" {
		u, err := p.store.user(hint)
		switch {
		case err != nil:
			page.Error = "No user has the subject given in login_hint (" + hint + "). Choose one below."
		case u.Password != "":
			page.Selected = u.Subject
		default:
			p.finishLogin(w, r, id, u.Subject, nil)
			return
		}
	}
	if slices.Contains(a.req.Prompt, oidc.PromptNone) {
		op.AuthRequestError(w, r, authRequestView{a}, oidc.ErrLoginRequired().WithDescription("no signed-in session; prompt=none needs login_hint"), p.op)
		return
	}
	page.Users = p.store.listUsers()
	status := http.StatusOK
	if page.Error != "" {
		status = http.StatusBadRequest
	}
	p.renderPage(w, status, page)
}

// submitLogin signs in the user whose button was pressed.
func (p *Provider) submitLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		p.renderPage(w, http.StatusBadRequest, loginPage{Error: "The form could not be read."})
		return
	}
	id, sub := r.PostForm.Get("authRequestID"), r.PostForm.Get("sub")
	a, err := p.store.pendingAuthRequest(id)
	if err != nil {
		p.renderPage(w, http.StatusBadRequest, loginPage{Error: "This sign-in request is unknown or has expired. Start again from the application."})
		return
	}
	page := loginPage{AuthRequestID: id, ClientID: a.req.ClientID, Scopes: strings.Join(a.req.Scopes, " "), Selected: sub}
	u, err := p.store.user(sub)
	if err != nil {
		page.Error = "That user no longer exists. Choose another."
		page.Users = p.store.listUsers()
		p.renderPage(w, http.StatusBadRequest, page)
		return
	}
	var amr []string
	if u.Password != "" {
		if subtle.ConstantTimeCompare([]byte(u.Password), []byte(r.PostForm.Get("password"))) != 1 {
			page.Error = "Wrong password for " + displayName(u) + "."
			page.Users = p.store.listUsers()
			p.renderPage(w, http.StatusUnauthorized, page)
			return
		}
		amr = []string{"pwd"}
	}
	p.finishLogin(w, r, id, u.Subject, amr)
}

func (p *Provider) finishLogin(w http.ResponseWriter, r *http.Request, id, sub string, amr []string) {
	if err := p.store.completeLogin(id, sub, amr); err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, errUnknownAuthRequest) || errors.Is(err, errUnknownUser) {
			status = http.StatusBadRequest
		}
		p.log.WarnContext(r.Context(), "devidp: sign-in failed", slog.String("sub", sub), slog.Any("error", err))
		p.renderPage(w, status, loginPage{Error: "The sign-in could not be completed. Start again from the application."})
		return
	}
	p.log.InfoContext(r.Context(), "devidp: signed in", slog.String("sub", sub))
	http.Redirect(w, r, p.callbackURL(r, id), http.StatusSeeOther)
}

func (p *Provider) showLoggedOut(w http.ResponseWriter, _ *http.Request) {
	p.renderPage(w, http.StatusOK, loginPage{LoggedOut: true})
}

// checkClientAuthMethod refuses a token request whose client authenticates
// another way than it is registered for. zitadel itself accepts either.
func (p *Provider) checkClientAuthMethod(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		if err := r.ParseForm(); err != nil {
			op.RequestError(w, r, oidc.ErrInvalidRequest().WithDescription("cannot parse form"), nil)
			return
		}
		basicID, _, usedBasic := r.BasicAuth()
		clientID := r.PostForm.Get("client_id")
		if usedBasic {
			if id, err := url.QueryUnescape(basicID); err == nil {
				clientID = id
			}
		}
		usedPost := r.PostForm.Get("client_secret") != ""
		c, err := p.store.GetClientByClientID(r.Context(), clientID)
		if err != nil {
			next.ServeHTTP(w, r) // zitadel answers invalid_client
			return
		}
		switch want := c.AuthMethod(); {
		case want == oidc.AuthMethodBasic && usedPost:
			op.RequestError(w, r, oidc.ErrInvalidClient().WithDescription("this client is registered for client_secret_basic"), nil)
		case want == oidc.AuthMethodPost && usedBasic:
			op.RequestError(w, r, oidc.ErrInvalidClient().WithDescription("this client is registered for client_secret_post"), nil)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

func displayName(u User) string {
	for _, s := range []string{u.Name, u.PreferredUsername, u.Email} {
		if s != "" {
			return s
		}
	}
	return u.Subject
}

type loginPage struct {
	AuthRequestID string
	ClientID      string
	Scopes        string
	Users         []User
	Selected      string // the user whose password field gets focus
	Error         string
	LoggedOut     bool
}

func (p *Provider) renderPage(w http.ResponseWriter, status int, page loginPage) {
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, page); err != nil {
		p.log.Error("devidp: render page", slog.Any("error", err))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"displayName": displayName,
	"join":        strings.Join,
}).Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{if .LoggedOut}}Signed out{{else}}Sign in{{end}} · development identity provider</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1a1a1a; background: #f6f6f4; }
main { max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
.banner { background: #fff3cd; border: 1px solid #8a6d00; padding: .5rem .75rem; border-radius: 4px; }
.error { background: #fde8e8; border: 1px solid #a11; padding: .5rem .75rem; border-radius: 4px; }
ul { list-style: none; padding: 0; }
li { background: #fff; border: 1px solid #ccc; border-radius: 6px; padding: .75rem 1rem; margin: .75rem 0; }
.meta { color: #444; font-size: .9rem; margin: .25rem 0 .5rem; }
button { font: inherit; padding: .4rem .9rem; border-radius: 4px; border: 1px solid #1d4ed8; background: #1d4ed8; color: #fff; cursor: pointer; }
button:focus-visible, input:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
input { font: inherit; padding: .3rem .5rem; margin: 0 .5rem .5rem 0; }
</style>
</head>
<body>
<main>
<p class="banner" role="note"><strong>Development identity provider.</strong> Not for production: anyone can sign in as anyone.</p>
{{if .LoggedOut}}
<h1>You are signed out</h1>
<p>You can close this page.</p>
{{else}}
<h1>Sign in</h1>
{{with .Error}}<p class="error" role="alert">{{.}}</p>{{end}}
{{if .ClientID}}<p>Application <code>{{.ClientID}}</code> asks for: <code>{{.Scopes}}</code>.</p>{{end}}
{{if .Users}}
<h2>Choose a user</h2>
<ul>
{{range $i, $u := .Users}}
<li>
<form method="post" action="login">
<input type="hidden" name="authRequestID" value="{{$.AuthRequestID}}">
<input type="hidden" name="sub" value="{{.Subject}}">
<strong>{{displayName .}}</strong>
<div class="meta">
sub <code>{{.Subject}}</code>{{with .PreferredUsername}} · username {{.}}{{end}}{{with .Email}} · {{.}}{{end}}{{if .Email}}{{if not .EmailVerified}} (unverified){{end}}{{end}}
· groups: {{if .Groups}}{{join .Groups ", "}}{{else}}none{{end}}
</div>
{{if .Password}}
<label for="password-{{$i}}">Password for {{displayName .}}</label>
<input type="password" id="password-{{$i}}" name="password" autocomplete="current-password" required{{if eq $.Selected .Subject}} autofocus{{end}}>
{{end}}
<button type="submit">Sign in as {{displayName .}}</button>
</form>
</li>
{{end}}
</ul>
{{else if .AuthRequestID}}
<p>No users are configured.</p>
{{end}}
{{end}}
</main>
</body>
</html>
`))
