"""Slack-side helpers with no product logic: Web API errors, safe file downloads, Slack's file shapes."""
