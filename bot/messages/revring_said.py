"""RevRing's answers in words, for every surface: what it said about a request it refused (`said`), and why a call
was turned away (`turned_away`) or got no answer (`not_answered`)."""

from __future__ import annotations

from typing import Any

from bot.messages.mrkdwn import escape


def said(details: Any) -> str:
    """RevRing's own words, flattened, shortened and escaped."""
    plain = _plain_details(details) or "it didn't say why"
    if len(plain) > 500:  # Slack refuses a section over 3,000 characters: the answer must fit
        plain = plain[:500] + "…"
    return escape(plain)


def _plain_details(details: Any, prefix: str = "") -> str:
    """Flatten RevRing's `details` object ({"voice": ["too short"]}) into one readable line."""
    if isinstance(details, dict):
        parts = [
            _plain_details(value, f"{prefix}{key}: " if not prefix else f"{prefix}{key} ")
            for key, value in details.items()
        ]
        return "; ".join(part for part in parts if part)
    if isinstance(details, list):
        return prefix + ", ".join(_plain_details(item) for item in details) if details else ""
    if details is None or details == "":
        return ""
    return f"{prefix}{details}"


# `Unavailable.reason`: RevRing turned the request away, so nothing happened.
_TURNED_AWAY = {
    "busy": "RevRing is busy right now (it kept asking me to slow down)",
    "unreachable": "I couldn't reach RevRing",
}

# `OutcomeUnknown.reason`: the answer never came, so it may or may not have happened.
_NOT_ANSWERED = {
    "timeout": "{who} didn't answer in time",
    "server_error": "{who} had a problem on its side",
    "dropped": "the connection to {who} dropped",
}


def turned_away(reason: str) -> str:
    return _TURNED_AWAY.get(reason, "RevRing turned the request away")


def not_answered(reason: str, *, otherwise: str, who: str = "RevRing") -> str:
    """Why no answer came, RevRing (or `who`, such as "it") being the subject; `otherwise` for any other reason."""
    template = _NOT_ANSWERED.get(reason)
    return template.format(who=who) if template else otherwise
