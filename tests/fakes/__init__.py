"""Local fake servers that stand in for external services in tests (127.0.0.1 only)."""
