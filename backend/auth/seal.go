package auth

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
)

// HKDF info labels: one key per use, so a ciphertext of one kind never opens
// as another.
const (
	infoSessionAPIKey  = "headway session api key v1"
	infoSessionIDToken = "headway session id token v1"
)

// errUnseal: a sealed value did not open (wrong secret, other session, tampering).
var errUnseal = errors.New("sealed value does not open")

// deriveAEAD returns AES-256-GCM keyed by HKDF-SHA-256(secret, info).
func deriveAEAD(secret, info string) (cipher.AEAD, error) {
	key, err := hkdf.Key(sha256.New, []byte(secret), nil, info, 32)
	if err != nil {
		return nil, fmt.Errorf("derive key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("derive key: %w", err)
	}
	return cipher.NewGCM(block)
}

// seal encrypts plaintext bound to session id as associated data: a random
// nonce followed by the ciphertext and tag.
func seal(aead cipher.AEAD, sessionID int64, plaintext string) []byte {
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	rand.Read(nonce) // never fails (crypto/rand panics instead)
	return aead.Seal(nonce, nonce, []byte(plaintext), sessionAD(sessionID))
}

// open reverses seal for the same session id.
func open(aead cipher.AEAD, sessionID int64, sealed []byte) (string, error) {
	n := aead.NonceSize()
	if len(sealed) < n+aead.Overhead() {
		return "", errUnseal
	}
	pt, err := aead.Open(nil, sealed[:n], sealed[n:], sessionAD(sessionID))
	if err != nil {
		return "", errUnseal
	}
	return string(pt), nil
}

func sessionAD(id int64) []byte {
	return []byte("session:" + strconv.FormatInt(id, 10))
}

// randomToken returns 256 random bits, base64url without padding (43 characters).
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// isRandomToken reports whether s has the shape of a randomToken.
func isRandomToken(s string) bool {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == 32
}

// hashToken is the form in which tokens, states and bindings are stored.
func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
