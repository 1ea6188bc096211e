"""Workspaces: their Slack clients, their RevRing keys (vault, Home connection) and the install pages."""
