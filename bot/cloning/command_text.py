"""Reads what a person typed after `/clone-voice` (or after mentioning the bot)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from bot.config import LANGUAGE_PATTERN

MAX_NAME_CHARS = 100
_HELP_WORDS = {"help", "-h", "--help", "-help", "?", "usage", "/?"}
_LANGUAGE_OPTION = re.compile(r"^(?:--?)?(?:lang|language)[=:](\S*)$", re.IGNORECASE)
_QUOTES = "\"'“”‘’«»"
# Whose voice it is: `voice=me`, `voice=@ana` (Slack sends a picked person as <@U123|ana>), or a bare mention.
_SPEAKER_OPTION = re.compile(r"^(?:--?)?(?:voice|speaker)[=:](\S*)$", re.IGNORECASE)
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
ME = "me"


class Intent(Enum):
    HELP = "help"
    DIALOG = "dialog"
    LIST = "list"
    CLONE = "clone"
    DESIGN = "design"  # `design <description>`: candidate voices from words (the description may be empty)
    BAD_LANGUAGE = "bad_language"
    BAD_SPEAKER = "bad_speaker"  # `voice=` names nobody the bot can tell (not a mention, not `me`)


@dataclass(frozen=True)
class ParsedCommand:
    intent: Intent
    name: str = ""
    language: str = ""
    language_given: bool = False  # `lang=` was typed (else `language` is the default)
    bad_language: str = ""
    description: str = ""
    speaker: str = ""  # whose voice: a Slack user id, ME (the person asking), or "" (not said: the person asking)
    bad_speaker: str = ""


def slack_unescape(text: str) -> str:
    """Slack sends `&`, `<` and `>` in typed text as entities; turn them back into characters."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def clean_name(raw: str) -> str:
    """A voice name as RevRing should see it: no control characters, single spaces, at most 100 chars."""
    text = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in raw)
    text = " ".join(text.split()).strip(_QUOTES + " ")
    return text[:MAX_NAME_CHARS].strip()


def parse_clone_text(text: str, default_language: str) -> ParsedCommand:
    """`Rachel Green lang=es` -> clone "Rachel Green" in `es`; `help` -> HELP; no name -> DIALOG;
    `design a warm voice` -> DESIGN with the description as typed (quote a name that starts with "design")."""
    speaker, typed = "", ""
    raw_words = (text or "").split()
    designing = [word.lower() for word in raw_words[:1]] == ["design"]
    # A design's description is taken as typed; elsewhere mentions are read before unescaping (a typed "&lt;@U1&gt;"
    # is no mention).
    for raw in raw_words if not designing else ():
        option = _SPEAKER_OPTION.match(raw)
        mention = _MENTION.match(option.group(1) if option else raw)
        if mention or (option and option.group(1).lower() == ME):
            speaker = mention.group(1) if mention else ME
        elif option:
            return ParsedCommand(Intent.BAD_SPEAKER, bad_speaker=slack_unescape(option.group(1))[:40])
        else:
            typed += f" {raw}"
    typed = slack_unescape(text if designing else typed).strip()
    words = typed.split()
    if any(word.lower() in _HELP_WORDS for word in words[:1]):
        return ParsedCommand(Intent.HELP)
    if words and words[0].lower() == "design":
        return ParsedCommand(Intent.DESIGN, description=typed[len(words[0]) :].strip())
    if len(words) == 1 and words[0].lower() in ("list", "--list", "voices"):
        return ParsedCommand(Intent.LIST)
    language, given = default_language, False
    name_words: list[str] = []
    for word in words:
        option = _LANGUAGE_OPTION.match(word)
        if option:
            code = option.group(1)
            known = language_code(code)
            if known is None:
                return ParsedCommand(Intent.BAD_LANGUAGE, bad_language=code[:20])
            language, given = known, True
        else:
            name_words.append(word)
    name = clean_name(" ".join(name_words))
    if not name:
        return ParsedCommand(Intent.DIALOG, language=language, language_given=given, speaker=speaker)
    return ParsedCommand(Intent.CLONE, name=name, language=language, language_given=given, speaker=speaker)


def speaker_id(parsed: ParsedCommand, user_id: str) -> str | None:
    """The Slack user id of the speaker `parsed` names (`me`: `user_id`), or None when it names none."""
    if parsed.speaker == ME:
        return user_id
    return parsed.speaker or None


def language_code(code: str) -> str | None:
    """A language code in BCP 47 casing (`ES` -> `es`, `pt-br` -> `pt-BR`), or None if `code` isn't one."""
    if not LANGUAGE_PATTERN.fullmatch(code.lower()):
        return None
    primary, _, region = code.partition("-")
    if not region:
        return primary.lower()
    return f"{primary.lower()}-{region.upper() if len(region) == 2 else region}"
