"""Voice Cloner for Slack: turns an audio clip shared in Slack into a custom RevRing voice."""
