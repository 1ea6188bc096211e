"""`python -m bot clone`: plain text for a terminal (the sentences shared with Slack pass through
`bot.messages.mrkdwn.plain`)."""

from __future__ import annotations


def cli_voice_created(voice_id: str, name: str, language: str, status: str, note: str | None) -> str:
    """One line: the voiceId first and a tab (`cut -f1` takes it), then what was made and the audio note if any."""
    line = f'{voice_id}\tVoice "{name}" created (language {language}, status {status}).'
    return f"{line} {note}" if note else line


def cli_settings_problem(problem: str, command: str = "clone") -> str:
    """A setting the command cannot run with (exit status 2)."""
    return f"Cannot {command}: {problem}"


def cli_held() -> str:
    """`clone` and a poor recording under QUALITY_CHECK=ask (exit status 1)."""
    return (
        "Not cloned: this recording would make a poor voice (see above). Record a new take, or run the command "
        "again with --anyway to clone this one as it is."
    )


def cli_no_such_file(path: str) -> str:
    return f"there is no file at {path!r}"


def cli_not_a_file(path: str) -> str:
    return f"{path!r} is a folder or a device, not a file; give the path of a recording"


def cli_cannot_read(path: str, reason: str) -> str:
    return f"cannot read {path!r} ({reason})"


def cli_needs_name() -> str:
    return "give the voice a name, such as --name Rachel"


def cli_bad_language(code: str) -> str:
    return f"{code[:20]!r} isn't a language code; use one such as en, es or pt-BR"
