"""What this instance tells Prometheus at GET /metrics: its clones, its jobs, the jobs it took over, and the failures
of the services it depends on.

One registry per app (no module-level collectors), so two apps in one process never share counts. Every label value
comes from a fixed vocabulary checked here: no id, name or message text can ever become a label.
"""

from __future__ import annotations

from collections.abc import Mapping

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

CONTENT_TYPE = CONTENT_TYPE_LATEST  # Prometheus' text format, version 0.0.4

# interrupted: cut off when the grace period ran out; held: a poor recording asked about first (QUALITY_CHECK=ask)
OUTCOMES = ("done", "failed", "interrupted", "held")
SERVICES = ("slack", "revring", "database")
# timeout: no answer in time; unavailable: no connection, or it broke; ratelimited: 429; unauthorized: the token or
# key was refused; billing: RevRing's 402; error: an answer that says the service failed or that cannot be used.
CAUSES = ("timeout", "unavailable", "ratelimited", "unauthorized", "billing", "error")
JOB_STATES = ("waiting", "running", "awaiting_consent")
# A clone takes from about a second (a refused file) to a few minutes (a long queue, a slow RevRing).
DURATION_BUCKETS = (1, 2.5, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300)


class Metrics:
    """The product's metrics in their own registry; the rest of the bot calls the methods, never the collectors."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._clones = Counter(
            "voice_cloner_clones", "Clones this instance finished, by outcome.", ["outcome"], registry=self.registry
        )
        self._duration = Histogram(
            "voice_cloner_clone_duration_seconds",
            "Time from a clone's start (waiting for a slot included) to its outcome.",
            ["outcome"],
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        self._jobs = Gauge(
            "voice_cloner_jobs",
            "Unfinished jobs in the database, read when scraped.",
            ["state"],
            registry=self.registry,
        )
        self._takeovers = Counter(
            "voice_cloner_takeovers",
            "Jobs this instance took over from one (or an earlier run) that left them.",
            registry=self.registry,
        )
        self._upstream = Counter(
            "voice_cloner_upstream_failures",
            "Failures of Slack, RevRing or the database seen by this instance, by cause.",
            ["service", "cause"],
            registry=self.registry,
        )
        for outcome in OUTCOMES:  # present at 0 from the start, so a rate over them is defined
            self._clones.labels(outcome)

    def clone_finished(self, outcome: str, seconds: float) -> None:
        outcome = _one_of(outcome, OUTCOMES)
        self._clones.labels(outcome).inc()
        self._duration.labels(outcome).observe(seconds)

    def takeover(self) -> None:
        self._takeovers.inc()

    def upstream_failure(self, service: str, cause: str) -> None:
        self._upstream.labels(_one_of(service, SERVICES), _one_of(cause, CAUSES)).inc()

    def jobs(self, counts: Mapping[str, int] | None) -> None:
        """The store's `job_counts()`; None when it could not be read, so no stale number is shown."""
        if counts is None:
            self._jobs.clear()
            return
        for state in JOB_STATES:
            self._jobs.labels(state).set(counts.get(state, 0))

    def render(self) -> bytes:
        return generate_latest(self.registry)


def _one_of(value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"{value!r} is not one of {', '.join(allowed)}")
    return value
