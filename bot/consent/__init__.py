"""Consent: the speaker's own yes before a voice is cloned."""
