"""Running the bot in production: structured logs, Prometheus metrics, health and readiness."""
