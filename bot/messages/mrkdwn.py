"""mrkdwn as the bot writes it. Anything a person or RevRing wrote goes through `escape()` (or `bold()`) before it
is placed in mrkdwn, so it can never ping a channel, a user group or a person, or become a link; `plain()` turns a
sentence back into text for a terminal."""

from __future__ import annotations

import re
from datetime import UTC, datetime


def escape(text: str) -> str:
    """Neutralise mrkdwn control characters (`&` first, then `<` and `>`)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def bold(text: str) -> str:
    """`text`, escaped, in bold."""
    return f"*{escape(text)}*"


# *bold* as Slack reads it: the stars hug the words inside and stand apart from the words outside, so a star within a
# name ("R*chel") is text.
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")


def plain(text: str) -> str:
    """A sentence written for Slack, for a terminal: *bold* marks dropped, `code` quotes kept, what `escape()`
    turned into entities turned back (`&` last, so `&amp;lt;` stays `&lt;`)."""
    text = _BOLD.sub(r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


_USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")


def person(user_id: str | None, nobody: str = "someone") -> str:
    """A mention of a Slack user (`<@U123>`), or `nobody` for anything that is not a user id."""
    return f"<@{user_id}>" if user_id and _USER_ID.fullmatch(user_id) else nobody


def utc_time(epoch: float) -> str:
    """`2025-05-01 14:03 UTC`"""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M UTC")


def local_time(epoch: float) -> str:
    """A date Slack shows in each reader's own time zone (the fallback in UTC)."""
    return f"<!date^{int(epoch)}^{{date_short_pretty}} at {{time}}|{utc_time(epoch)}>"


def link(url: str | None, label: str) -> str:
    # Slack's own permalink (chat.getPermalink); `|` and `>` cannot be in it, but the check costs nothing.
    if not url or not re.fullmatch(r"https://[^\s|<>]+", url):
        return ""
    return f" · <{url}|{label}>"
