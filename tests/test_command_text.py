"""What a person may type after /clone-voice."""

from __future__ import annotations

import pytest

from bot.cloning.command_text import Intent, parse_clone_text, speaker_id


@pytest.mark.parametrize(
    ("typed", "name", "language"),
    [
        ("Rachel", "Rachel", "en"),
        ("Rachel Green", "Rachel Green", "en"),
        ("Rachel lang=es", "Rachel", "es"),
        ("lang=ES Rachel   Green", "Rachel Green", "es"),
        ("Rachel language=pt-br", "Rachel", "pt-BR"),
        ("“Dr. Jones”", "Dr. Jones", "en"),
        ("Tom &amp; Jerry", "Tom & Jerry", "en"),
        ("a\u0000b\u200bc", "a b c", "en"),
        ("x" * 300, "x" * 100, "en"),
    ],
)
def test_names_and_languages(typed: str, name: str, language: str):
    parsed = parse_clone_text(typed, "en")
    assert (parsed.intent, parsed.name, parsed.language) == (Intent.CLONE, name, language)


@pytest.mark.parametrize("typed", ["help", "HELP", "--help", "-h", "?", "help me"])
def test_help(typed: str):
    assert parse_clone_text(typed, "en").intent is Intent.HELP


@pytest.mark.parametrize(("typed", "language"), [("", "en"), ("   ", "en"), ("lang=es", "es"), ("  “ ” ", "en")])
def test_no_name_opens_the_dialog(typed: str, language: str):
    parsed = parse_clone_text(typed, "en")
    assert (parsed.intent, parsed.language) == (Intent.DIALOG, language)


@pytest.mark.parametrize("typed", ["Rachel lang=", "Rachel lang=english", "Rachel lang=e1"])
def test_bad_language(typed: str):
    assert parse_clone_text(typed, "en").intent is Intent.BAD_LANGUAGE


@pytest.mark.parametrize(
    ("typed", "description"),
    [
        ("design a warm, calm voice", "a warm, calm voice"),
        ("Design   a deep voice\nwith a slow pace  ", "a deep voice\nwith a slow pace"),
        ("design Tom &amp; Jerry &lt;3", "Tom & Jerry <3"),
        ("design lang=es", "lang=es"),  # the description is RevRing's to read, options and all
        ("design", ""),
        ("design   ", ""),
    ],
)
def test_design_takes_the_description_as_typed(typed: str, description: str):
    parsed = parse_clone_text(typed, "en")
    assert (parsed.intent, parsed.description) == (Intent.DESIGN, description)


def test_a_quoted_name_that_starts_with_design_is_a_clone():
    parsed = parse_clone_text("“Design Team”", "en")
    assert (parsed.intent, parsed.name) == (Intent.CLONE, "Design Team")


@pytest.mark.parametrize(
    ("typed", "name", "speaker"),
    [
        ("Rachel voice=<@U0ANA|ana>", "Rachel", "U0ANA"),  # a person picked as you type @, escaped by Slack
        ("Rachel Green voice=<@U0ANA>", "Rachel Green", "U0ANA"),
        ("Rachel voice=me", "Rachel", "me"),
        ("Rachel VOICE=ME lang=es", "Rachel", "me"),
        ("Rachel <@W0ANA|ana>", "Rachel", "W0ANA"),  # a second mention, as in `@Voice Cloner Rachel @ana`
        ("Rachel", "Rachel", ""),
        ("Rachel &lt;@U0ANA&gt;", "Rachel <@U0ANA>", ""),  # typed characters, not a mention: part of the name
    ],
)
def test_whose_voice(typed: str, name: str, speaker: str):
    parsed = parse_clone_text(typed, "en")
    assert (parsed.intent, parsed.name, parsed.speaker) == (Intent.CLONE, name, speaker)
    assert speaker_id(parsed, "U0ALICE") == {"": None, "me": "U0ALICE"}.get(speaker, speaker)


@pytest.mark.parametrize("typed", ["Rachel voice=@ana", "Rachel voice=", "Rachel speaker=ana"])
def test_a_speaker_the_bot_cannot_tell(typed: str):
    parsed = parse_clone_text(typed, "en")
    assert parsed.intent is Intent.BAD_SPEAKER
