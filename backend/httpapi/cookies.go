package httpapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

const (
	sessionCookie    = "headway_session"     // the session token
	loginCookie      = "headway_login"       // binds a login attempt to the browser that started it
	loginErrorCookie = "headway_login_error" // why the last sign-in failed, signed by the server
	cookiePath       = "/admin"
	loginCookiePath  = "/admin/oidc"
)

// loginAttemptTTL matches how long a login attempt lives in the database.
const loginAttemptTTL = 10 * time.Minute

func (s *server) cookie(name, value, path string, maxAge time.Duration) *http.Cookie {
	return &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     path,
		MaxAge:   int(maxAge.Seconds()),
		HttpOnly: true,
		Secure:   s.cfg.Server.CookieSecure,
		SameSite: http.SameSiteLaxMode,
	}
}

// sessionCookieFor sets the session token; the browser keeps it until the session's absolute expiry.
func (s *server) sessionCookieFor(token string, expires time.Time) *http.Cookie {
	return s.cookie(sessionCookie, token, cookiePath, time.Until(expires).Round(time.Second))
}

// expiredCookie tells the browser to drop a cookie.
func (s *server) expiredCookie(name, path string) *http.Cookie {
	c := s.cookie(name, "", path, 0)
	c.MaxAge = -1
	return c
}

// signedLoginError packs a sign-in failure into a cookie value the server can
// later trust: only Headway can produce the signature.
func (s *server) signedLoginError(e loginError) string {
	body, _ := json.Marshal(e)
	payload := base64.RawURLEncoding.EncodeToString(body)
	return payload + "." + base64.RawURLEncoding.EncodeToString(s.sign(payload))
}

// openLoginError unpacks a value made by signedLoginError; ok is false for anything else.
func (s *server) openLoginError(value string) (e loginError, ok bool) {
	payload, sig, found := strings.Cut(value, ".")
	if !found {
		return e, false
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.sign(payload)) {
		return e, false
	}
	body, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil || json.Unmarshal(body, &e) != nil {
		return e, false
	}
	return e, true
}

func (s *server) sign(payload string) []byte {
	mac := hmac.New(sha256.New, s.loginErrorKey)
	mac.Write([]byte(payload))
	return mac.Sum(nil)
}
