package devidp

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	yaml "go.yaml.in/yaml/v3"
)

// ParseConfig reads a configuration document in YAML or JSON (JSON is YAML).
// Unknown keys are errors, so a misspelt key does not silently do nothing.
func ParseConfig(data []byte) (Config, error) {
	var cfg Config
	if err := decodeStrict(data, &cfg); err != nil {
		return Config{}, fmt.Errorf("devidp: parse config: %w", err)
	}
	return cfg, nil
}

// LoadConfig reads a configuration file (see ParseConfig).
func LoadConfig(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("devidp: read config: %w", err)
	}
	cfg, err := ParseConfig(data)
	if err != nil {
		return Config{}, fmt.Errorf("%w (in %s)", err, path)
	}
	return cfg, nil
}

// LoadUsers reads a YAML or JSON file holding a list of users, or a document
// with a users key.
func LoadUsers(path string) ([]User, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("devidp: read users: %w", err)
	}
	var users []User
	if err := decodeStrict(data, &users); err != nil {
		var doc struct {
			Users []User `yaml:"users"`
		}
		if err2 := decodeStrict(data, &doc); err2 != nil {
			return nil, fmt.Errorf("devidp: parse users in %s: %w", path, err)
		}
		users = doc.Users
	}
	return users, nil
}

func decodeStrict(data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// LoadOrCreateKey reads an RSA private key (PEM, PKCS#1 or PKCS#8) from path.
// When the file does not exist it generates a 2048-bit key and writes it there
// (mode 0600), so a restarted provider keeps signing with the same key.
func LoadOrCreateKey(path string) (*rsa.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, fmt.Errorf("devidp: generate signing key: %w", err)
		}
		der := x509.MarshalPKCS1PrivateKey(key)
		out := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: der})
		if err := os.WriteFile(path, out, 0o600); err != nil {
			return nil, fmt.Errorf("devidp: write signing key: %w", err)
		}
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("devidp: read signing key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("devidp: signing key %s: no PEM block", path)
	}
	if key, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return key, nil
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("devidp: signing key %s: %w", path, err)
	}
	key, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("devidp: signing key %s: want RSA, got %T", path, parsed)
	}
	return key, nil
}
