"""The install pages (distribution mode): the HTML a browser shows when Voice Cloner was, or was not, installed."""

from __future__ import annotations

from html import escape


def _text(text: str) -> str:
    """Text within an element: `&`, `<` and `>` escaped (quotes need no escaping there)."""
    return escape(text, quote=False)


def install_succeeded_page(team_name: str, slack_url: str) -> str:
    return _page(
        "Voice Cloner is installed",
        f"Voice Cloner is now installed in {_text(team_name)}. Open the app's Home tab in Slack to connect RevRing, "
        "then share an audio clip and mention the bot to clone a voice.",
        slack_url,
        "Open Slack",
    )


def install_failed_page(reason: str, install_url: str) -> str:
    return _page(
        "Voice Cloner was not installed",
        f"The installation did not finish ({_text(reason)}). Nothing was installed. Start again from the "
        f'<a href="{escape(install_url)}">install page</a>; if this keeps happening, ask the app\'s operator.',
        "https://slack.com/",
        "Back to Slack",
    )


def _page(title: str, body: str, link: str, link_text: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        '<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto; line-height: 1.5">'
        f'<h1>{title}</h1><p>{body}</p><p><a href="{escape(link)}">{link_text}</a></p></body></html>'
    )


_INSTALL_FAILURES = {
    "access_denied": "the installation was cancelled on Slack's page",
    "invalid_browser": "this page was not opened in the browser that started the installation",
    "invalid_state": "the installation link has expired (after 10 minutes) or was already used",
    "missing_code": "Slack did not confirm the installation",
    "invalid_code": "Slack did not confirm the installation",
    "storage_error": "the installation could not be saved",
}


def install_failure_reason(reason: str) -> str:
    return _INSTALL_FAILURES.get(reason, "Slack answered with an error")
