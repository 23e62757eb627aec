"""Web plumbing every area uses: configuration, Flask extensions, login and roles (security), audit trail, language, error pages, translated messages, form pieces."""
