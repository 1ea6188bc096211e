"""The consent statement and the check of Slack's transcript of it: the way Slack writes what it heard is forgiven
(capitals, punctuation, accents dropped, digits as words, a misheard word); a missing name part, a wrong code or
another text is not. The clip a speaker records is real speech of the statement."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.cloning.audio import identify_audio
from bot.cloning.listening import listen
from bot.consent.statement import _NEGATIONS as NO_WORDS
from bot.consent.statement import Missing, Reading, compare, new_code, statement
from tests import takes

SPEAKER = "Ana Pérez"
CODE = "4729"
SAID = statement(speaker=SPEAKER, company="Acme", voice_name="Rachel", code=CODE)
ALL = (Missing.NAME, Missing.CODE, Missing.WORDS)


def heard(transcript: str, *, speaker: str = SPEAKER, code: str = CODE, expected: str = SAID) -> Reading:
    return compare(transcript, expected=expected, speaker=speaker, code=code)


def test_the_statement_names_the_speaker_the_company_the_voice_and_the_code_digit_by_digit():
    assert SAID == (
        "I, Ana Pérez, agree that Acme may create an AI voice from my recordings, named 'Rachel'. Code 4-7-2-9."
    )


def test_a_code_is_four_digits_and_not_the_same_each_time():
    codes = {new_code() for _ in range(200)}
    assert all(re.fullmatch(r"[0-9]{4}", code) for code in codes)
    assert len(codes) > 150  # 200 draws from 10,000: a handful of repeats at most
    assert any(code.startswith("0") for code in (new_code() for _ in range(2000)))  # 1 in 10; zero is a digit too


@pytest.mark.parametrize(
    "transcript",
    [
        SAID,
        "I, Ana Perez, agree that Acme may create an AI voice from my recordings, named Rachel. Code 4729.",
        "I Ana Perez agree that Acme may create an AI voice from my recordings named Rachel code four seven two nine",
        "I, Ana Perez, agree that Acme may create an A.I. voice from my recordings, named Rachel. Code 4 7 2 9.",
        "i ana pérez agree that acme may create an ai voice from my recordings named rachel code 4-7-2-9",
        "Um, I, Ana Perez, agree that uh Acme may create an AI voice from my recordings named Rachel. Code 4, 7, 2, 9",
        "I, Anna Perez, agree that Acme may create an AI voice from my recording, named Rachel. Code for seven to nine",
        "I, Ana Peres, agree that Acne may create an AI voice from my recordings, named Rachel. Code 4729.",
        "I, Ana Perez, agree that Acme may create an AI voice from my records named Rachel. Code 4729. Okay, thanks.",
        "ANA PEREZ AGREE THAT ACME MAY CREATE AN AI VOICE FROM MY RECORDINGS NAMED RACHEL CODE FOUR SEVEN TWO NINE",
    ],
    ids=[
        "as-written",
        "accents-dropped",
        "digits-as-words",
        "digits-apart",
        "lower-case",
        "filler",
        "slips",
        "misheard",
        "extra-words",
        "capitals-no-I",
    ],
)
def test_a_right_reading_as_slack_writes_it_is_accepted(transcript: str):
    assert heard(transcript) == Reading(accepted=True, missing=(), heard=transcript)


@pytest.mark.parametrize(
    ("transcript", "missing"),
    [
        ("I, Ana Perez, agree that Acme may create an AI voice from my recordings, named Rachel. Code 4728.", "C"),
        ("I, Ana Perez, agree that Acme may create an AI voice from my recordings, named Rachel. Code 4792.", "C"),
        ("I, Ana Perez, agree that Acme may create an AI voice from my recordings, named Rachel. Code 472.", "C"),
        ("I, Ana Perez, agree that Acme may create an AI voice from my recordings, named Rachel. Code 47 and 29.", "C"),
        ("I, Ana Lopez, agree that Acme may create an AI voice from my recordings, named Rachel. Code 4729.", "N"),
        ("I, Maria Perez, agree that Acme may create an AI voice from my recordings, named Rachel. Code 4729.", "N"),
        ("I agree that Acme may create an AI voice from my recordings, named Rachel. Code 4729.", "N"),
        ("I, Ana Perez, do not agree that Acme may create an AI voice from my recordings named Rachel. Code 4729", "W"),
        ("I, Ana Perez, don't agree that Acme may create an AI voice from my recordings named Rachel. Code 4729", "W"),
        ("The quick brown fox jumps over the lazy dog. Ana Perez, 4729.", "W"),
        ("I, Ana Perez, agree. Code 4729.", "W"),
        ("Hello, my name is Rachel and I am recording this sample for the voice cloner.", "NCW"),
        ("Yes.", "NCW"),
        ("4729", "NW"),
        ("Four seven two nine.", "NW"),
        ("", "NCW"),
        ("   \n ", "NCW"),
    ],
)
def test_a_wrong_reading_says_what_is_missing(transcript: str, missing: str):
    expected = tuple(part for part in ALL if part.name[0] in missing)
    assert heard(transcript) == Reading(accepted=False, missing=expected, heard=transcript.strip())


@pytest.mark.parametrize(
    ("transcript", "accepted"),
    [
        # the statement's other 15 words: 12 heard in order pass (WORDS_NEEDED is 0.8), 11 do not
        ("I, Ana Perez, agree banana Acme may create an AI kettle from my recordings, table Rachel. Code 4729.", True),
        ("I, Ana Perez, agree banana Acme may create an AI kettle from my sofa, table Rachel. Code 4729.", False),
        (
            "I, Ana Perez, agree banana Acme may create an A.I. kettle from my recordings, table Rachel. Code 4729.",
            True,
        ),
        # a word nearly heard counts as heard ("records" for "recordings", difflib's ratio 0.82); "Acne" (0.75) not
        ("I, Ana Perez, agree banana Acme may create an AI kettle from my records, table Rachel. Code 4729.", True),
        ("I, Ana Perez, agree banana Acne may create an AI kettle from my recordings, table Rachel. Code 4729.", False),
    ],
)
def test_how_much_of_the_statement_must_be_heard(transcript: str, accepted: bool):
    assert heard(transcript).missing == (() if accepted else (Missing.WORDS,))


def test_a_name_part_that_is_also_a_word_of_the_statement_is_heard_only_when_said_as_the_name():
    said = statement(speaker="May Anderson", company="Acme", voice_name="May", code="0815")
    right = "I, May Anderson, agree that Acme may create an AI voice from my recordings, named May. Code 0815."
    assert heard(right, speaker="May Anderson", code="0815", expected=said).accepted
    without = "I, Anderson, agree that Acme may create an AI voice from my recordings, named May. Code 0815."
    assert heard(without, speaker="May Anderson", code="0815", expected=said).missing == (Missing.NAME,)
    # "an" is in the statement; it is not the name "Ana" left out
    assert heard(
        "I, Perez, agree that Acme may create an AI voice from my recordings, named Rachel. Code 4729."
    ).missing == (Missing.NAME,)


@pytest.mark.parametrize(
    ("name", "accepted"),
    [
        ("Ana Peres", True),  # one letter changed
        ("Ana Pere", True),  # one left out
        ("Ana Pereza", True),  # one added
        ("Ana Prez", True),
        ("Ana Petez", True),
        ("Ana Pedes", False),  # two changed
        ("Ana Pe", False),
        ("Ana Perezzz", False),  # two added
        ("Ana Pz", False),
        ("Ann Perez", True),
        ("Al Perez", False),  # a letter of a short part: "Ana" has three, one may slip
    ],
)
def test_each_part_of_the_name_allows_one_letter_slip(name: str, accepted: bool):
    transcript = f"I, {name}, agree that Acme may create an AI voice from my recordings, named Rachel. Code 4729."
    assert heard(transcript).accepted is accepted


def test_a_part_of_one_or_two_letters_must_be_heard_exactly():
    said = statement(speaker="Jo Li", company="Acme", voice_name="Rachel", code=CODE)
    rest = "agree that Acme may create an AI voice from my recordings, named Rachel. Code 4729."
    assert heard(f"I, Jo Li, {rest}", speaker="Jo Li", expected=said).accepted
    assert heard(f"I, Joe Li, {rest}", speaker="Jo Li", expected=said).missing == (Missing.NAME,)
    assert heard(f"I, Jo Le, {rest}", speaker="Jo Li", expected=said).missing == (Missing.NAME,)


@pytest.mark.parametrize(
    ("speaker", "said_as"),
    [
        ("ana_perez", "Ana Perez"),
        ("Bjørn Łobodziński", "Bjorn Lobodzinsky"),  # ø and ł written plain, and one slip besides
        ("Ælfred Œhlenschläger", "Aelfred Oehlenschlager"),
        ("Анна Петрова", "Анна Петрова"),
    ],
)
def test_names_in_other_letters_are_heard_as_slack_writes_them(speaker: str, said_as: str):
    said = statement(speaker=speaker, company="Acme", voice_name="Rachel", code=CODE)
    rest = "agree that Acme may create an AI voice from my recordings, named Rachel. Code 4729."
    assert heard(f"I, {said_as}, {rest}", speaker=speaker, expected=said).accepted
    assert heard(f"I, {rest}", speaker=speaker, expected=said).missing == (Missing.NAME,)


def test_one_heard_word_stands_for_one_part_of_the_name_only():
    said = statement(speaker="Jon John", company="Acme", voice_name="Rachel", code=CODE)
    rest = "agree that Acme may create an AI voice from my recordings, named Rachel. Code 4729."
    assert heard(f"I, Jon John, {rest}", speaker="Jon John", expected=said).accepted
    assert heard(f"I, John Jon, {rest}", speaker="Jon John", expected=said).accepted
    assert heard(f"I, John, {rest}", speaker="Jon John", expected=said).missing == (Missing.NAME,)
    # each part alike the next: a part heard exactly keeps its word, whatever the order the parts are said in
    said = statement(speaker="Lina Lena Lea", company="Acme", voice_name="Rachel", code=CODE)
    assert heard(f"I, Lea Lena Lina, {rest}", speaker="Lina Lena Lea", expected=said).accepted
    said = statement(speaker="Mara Maria", company="Acme", voice_name="Rachel", code=CODE)
    assert heard(f"I, Maria Mira, {rest}", speaker="Mara Maria", expected=said).accepted  # "Mara" slipped to "Mira"


def test_a_no_in_the_voice_name_is_read_not_meant():
    said = statement(speaker=SPEAKER, company="Acme", voice_name="Never Not", code=CODE)
    rest = "agree that Acme may create an AI voice from my recordings, named Never Not. Code 4729."
    assert heard(f"I, Ana Perez, {rest}", expected=said).accepted
    assert heard(f"I, Ana Perez, do not {rest}", expected=said).missing == (Missing.WORDS,)


def test_a_no_in_the_speakers_name_is_read_not_meant():
    said = statement(speaker="Not Dont", company="Acme", voice_name="Rachel", code=CODE)
    rest = "agree that Acme may create an AI voice from my recordings, named Rachel. Code 4729."
    assert heard(f"I, Not Dont, {rest}", speaker="Not Dont", expected=said).accepted
    assert heard(f"I, Not Dont, do not {rest}", speaker="Not Dont", expected=said).missing == (Missing.WORDS,)


def test_a_long_clip_that_says_the_statement_again_and_again_is_still_the_statement():
    transcript = "I, Ana Perez, agree that Acme may create an AI voice from my recordings, named Rachel. Code 4729."
    assert heard(" ".join([transcript] * 15)).accepted  # over 200 words, each said 15 times: none is ignored


def test_the_transcript_comes_back_trimmed_for_the_retry_message():
    reading = heard("  I, Ana Perez,\n agree.  Code 4729.\n")
    assert reading.heard == "I, Ana Perez, agree. Code 4729."


NAME_PART = st.text(alphabet="abcdefghijklmnoprstuvyzáéíñóúü", min_size=3, max_size=10)
NAMES = st.lists(NAME_PART, min_size=1, max_size=3).map(lambda parts: " ".join(part.title() for part in parts))
CODES = st.from_regex(r"[0-9]{4}", fullmatch=True)
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def as_slack_writes_it(text: str, code: str) -> str:
    """Accents dropped, the code's digits said as words, the quotes and the dashes gone."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return plain.replace("-".join(code), " ".join(DIGITS[int(d)] for d in code)).replace("'", "")


@given(speaker=NAMES, voice=NAMES, code=CODES)
def test_any_statement_read_right_is_accepted(speaker: str, voice: str, code: str):
    said = statement(speaker=speaker, company="Acme", voice_name=voice, code=code)
    for transcript in (said, as_slack_writes_it(said, code), as_slack_writes_it(said, code).upper()):
        assert compare(transcript, expected=said, speaker=speaker, code=code).accepted, transcript


@given(speaker=NAMES, code=CODES, other=CODES)
def test_any_other_code_is_missing_the_code(speaker: str, code: str, other: str):
    said = statement(speaker=speaker, company="Acme", voice_name="Rachel", code=code)
    read = statement(speaker=speaker, company="Acme", voice_name="Rachel", code=other)
    reading = compare(read, expected=said, speaker=speaker, code=code)
    assert reading.accepted is (other == code)
    assert reading.missing == (() if other == code else (Missing.CODE,))


@given(speaker=NAMES, stranger=NAME_PART, code=CODES)
def test_a_name_part_said_as_another_name_is_missing_the_name(speaker: str, stranger: str, code: str):
    *first, last = speaker.split()
    # two letters longer or shorter than every part of the speaker's name: no single slip turns one into the other
    assume(all(abs(len(part) - len(stranger)) >= 2 for part in [*first, last]))
    assume(stranger.lower() not in NO_WORDS)  # a name that is a "no" ("Dont") also turns the reading down
    said = statement(speaker=speaker, company="Acme", voice_name="Rachel", code=code)
    read = statement(speaker=" ".join([*first, stranger.title()]), company="Acme", voice_name="Rachel", code=code)
    assert compare(read, expected=said, speaker=speaker, code=code).missing == (Missing.NAME,)


@pytest.mark.parametrize(("fmt", "container"), [("m4a", "mp4"), ("webm-opus", "webm")])
async def test_a_statement_read_aloud_is_a_clip_of_speech_as_slack_records_it(tmp_path: Path, fmt: str, container: str):
    takes.require_speech()
    clip = takes.read_aloud(SAID, fmt)
    info = await identify_audio(clip)
    assert (info.container, info.extension) == (container, fmt.split("-")[0])
    path = tmp_path / f"audio_message.{info.extension}"
    path.write_bytes(clip)
    measures = listen(path)
    assert 5.0 < measures.seconds < 12.0  # the statement said once, at espeak-ng's 150 words a minute
    assert measures.speech_seconds > 0.6 * measures.seconds
    longer = takes.read_aloud(SAID + " " + SAID, fmt)
    assert (path.write_bytes(longer), listen(path).seconds)[1] > 1.8 * measures.seconds
