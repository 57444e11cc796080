"""Security tests: what untrusted articles, themes and pages cannot do."""
