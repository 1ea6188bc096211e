"""Benchmarks of the bot as a real process against the test doubles: `python -m bench` (see bench/run.py)."""
