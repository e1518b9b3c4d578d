// Command devidp runs the development OpenID provider for the demo stack and
// tests. Never for production: anyone who can reach it can sign in as anyone.
package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"headway/backend/devidp"
)

// exampleConfig is used when no --config is given.
//
//go:embed example.yaml
var exampleConfig []byte

func main() {
	if err := run(context.Background(), os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "devidp:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: %s [flags]\n\nA small OpenID provider for development and tests. Never for production.\n"+
			"Every flag can also be set by its DEVIDP_ environment variable (e.g. DEVIDP_ISSUER).\n\nFlags:\n", args[0])
		fs.PrintDefaults()
	}
	issuer := fs.String("issuer", getenv("DEVIDP_ISSUER"), "issuer URL, matched exactly (may carry a path, e.g. http://127.0.0.1:9000/oidc); default: the config file's, else http://<listen address>")
	listen := fs.String("listen", envOr(getenv, "DEVIDP_LISTEN", "127.0.0.1:9000"), "address to listen on")
	configPath := fs.String("config", getenv("DEVIDP_CONFIG"), "YAML or JSON file with users and clients; default: the built-in example (--print-example)")
	usersPath := fs.String("users", getenv("DEVIDP_USERS"), "YAML or JSON file with users, replacing the config file's")
	keyPath := fs.String("signing-key", getenv("DEVIDP_SIGNING_KEY"), "PEM file with the RSA signing key, created when missing, so restarts keep the key; default: a new key each start")
	printExample := fs.Bool("print-example", false, "print the example configuration and exit")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if *printExample {
		_, err := stdout.Write(exampleConfig)
		return err
	}

	var cfg devidp.Config
	var err error
	if *configPath != "" {
		cfg, err = devidp.LoadConfig(*configPath)
	} else {
		cfg, err = devidp.ParseConfig(exampleConfig)
	}
	if err != nil {
		return err
	}
	if *usersPath != "" {
		if cfg.Users, err = devidp.LoadUsers(*usersPath); err != nil {
			return err
		}
	}
	if *keyPath != "" {
		if cfg.SigningKey, err = devidp.LoadOrCreateKey(*keyPath); err != nil {
			return err
		}
	}
	if *issuer != "" {
		cfg.Issuer = *issuer
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()
	if cfg.Issuer == "" {
		cfg.Issuer = "http://" + ln.Addr().String()
	}
	cfg.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	provider, err := devidp.New(cfg)
	if err != nil {
		return err
	}

	fmt.Fprintf(stdout, "devidp: development OpenID provider, never for production\n")
	fmt.Fprintf(stdout, "listening on %s\nissuer:    %s\ndiscovery: %s\n", ln.Addr(), provider.Issuer(), provider.DiscoveryURL())
	for _, u := range provider.Users() {
		fmt.Fprintf(stdout, "user:      %s (%s) groups=%v\n", u.Subject, u.Email, u.Groups)
	}
	for _, c := range cfg.Clients {
		fmt.Fprintf(stdout, "client:    %s redirect_uris=%v\n", c.ID, c.RedirectURIs)
	}

	srv := &http.Server{
		Handler:           provider,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

func envOr(getenv func(string) string, key, fallback string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return fallback
}
