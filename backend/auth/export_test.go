package auth

// OpenAPIKeyForTest opens a sealed session API key as if it belonged to sessionID.
func OpenAPIKeyForTest(s *Service, sessionID int64, sealed []byte) (string, error) {
	return open(s.apiKeyAEAD, sessionID, sealed)
}

// OpenIDTokenForTest opens a sealed session ID token as if it belonged to sessionID.
func OpenIDTokenForTest(s *Service, sessionID int64, sealed []byte) (string, error) {
	return open(s.idTokenAEAD, sessionID, sealed)
}

// BearerCacheLenForTest returns how many bearer verdicts are remembered.
func BearerCacheLenForTest(s *Service) int { return s.bearer.len() }

// BearerCacheSize is the bound on remembered bearer verdicts.
const BearerCacheSize = bearerCacheSize
