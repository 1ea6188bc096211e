"""Voices designed from words: the design thread and its dialogs."""
