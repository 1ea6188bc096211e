"""`python -m bot check`: every setting tried against Slack, RevRing and the database."""
