"""The consent statement a speaker reads aloud, and whether what Slack's transcription heard is that statement.

Slack's transcription writes what it hears its own way: capitals and punctuation of its choosing, accents dropped
("Ana Perez"), digits as words or as figures, together or apart, and now and then a misheard word. `compare` forgives
all of that, but not the two things that make the reading a yes: the speaker's own name (every part of it, each
allowing a one-letter slip) and the one-time code (its exact digits, in order). Slack-free; imports nothing of the bot.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher, get_close_matches
from enum import StrEnum

CODE_DIGITS = 4
# Of the statement's other words (the name and the code apart), the share that must be heard, in order: with its 15
# or so words, two misheard or left out still pass; another text, or a bare "yes", does not.
WORDS_NEEDED = 0.8
# How alike a heard word and a statement word must be (difflib's ratio) to count as the same word ("recording").
WORD_LIKENESS = 0.8
# Said as words, each digit as Slack may write it; homophones ("for", "to") count only where a code digit belongs.
_DIGIT_WORDS = {
    "zero": "0", "oh": "0", "o": "0", "one": "1", "won": "1", "two": "2", "to": "2", "too": "2", "three": "3",
    "four": "4", "for": "4", "fore": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "ate": "8", "nine": "9",
}  # fmt: skip
# Words that turn the statement into a no when they are not in it ("I do not agree", "I don't agree").
_NEGATIONS = frozenset({"not", "dont", "never", "disagree", "cannot", "cant", "wont", "doesnt"})
_INNER_MARK = re.compile(r"(?<=\w)[.'’](?=\w)")  # "A.I." -> "AI", "don't" -> "dont"
_WORD = re.compile(r"[^\W_]+")  # letters and figures of any script; "ana_perez" is two words
# Letters that have no accent to drop but a plain letter a transcript writes for them ("Łukasz" -> "Lukasz").
_PLAIN_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"})


class Missing(StrEnum):
    """What a reading lacks to be the statement."""

    NAME = "name"  # the speaker's name, or a part of it
    CODE = "code"  # the one-time code, its digits in order
    WORDS = "words"  # the rest of the statement: too different, or turned into a no


@dataclass(frozen=True)
class Reading:
    accepted: bool
    missing: tuple[Missing, ...]
    heard: str  # the transcript as heard, trimmed: for a retry message that says what was heard


def new_code() -> str:
    """A one-time code of 4 digits ("0371": leading zeros are digits like any other)."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def statement(*, speaker: str, company: str, voice_name: str, code: str) -> str:
    """The words the speaker reads aloud, the code spelled out digit by digit so that it is read that way."""
    return (
        f"I, {speaker}, agree that {company} may create an AI voice from my recordings, named '{voice_name}'. "
        f"Code {'-'.join(code)}."
    )


def compare(heard: str, *, expected: str, speaker: str, code: str) -> Reading:
    """Whether `heard` (Slack's transcript of the clip) is `expected` (the statement) read by `speaker` with `code`.

    Missing, in this order: NAME when a part of the speaker's name was not heard, CODE when the code's digits were not
    heard together in order, WORDS when less than WORDS_NEEDED of the statement's other words were heard in order or
    the reading says "not". An empty transcript misses all three. A name with no letters or figures has no parts to
    look for.
    """
    heard_words = _words(heard)
    name = _words(speaker)
    expected_words = [word for word in _words(expected) if not word.isdigit()]
    rest = _without(expected_words, name)
    missing = []
    if not _name_heard(name, Counter(heard_words) - Counter(rest)):
        missing.append(Missing.NAME)
    if not _code_heard(heard_words, code):
        missing.append(Missing.CODE)
    if not _rest_heard(rest, heard_words, said=expected_words):
        missing.append(Missing.WORDS)
    return Reading(accepted=not missing, missing=tuple(missing), heard=" ".join(heard.split()))


def _words(text: str) -> list[str]:
    """Lower-case words without accents or punctuation; a run of figures is one word per digit ("4729", "4-7-2-9")."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    words: list[str] = []
    for word in _WORD.findall(_INNER_MARK.sub("", plain).casefold().translate(_PLAIN_LETTERS)):
        words.extend(word if word.isdigit() else [word])
    return words


def _without(words: list[str], taken: list[str]) -> list[str]:
    """`words` less one occurrence of each of `taken`."""
    left = Counter(taken)
    kept = []
    for word in words:
        if left[word]:
            left[word] -= 1
        else:
            kept.append(word)
    return kept


def _name_heard(name: list[str], spare: Counter[str]) -> bool:
    """Every part of the name among the words the rest of the statement does not account for ("an" is not "Ana"),
    each heard word standing for one part only ("Ana Anna" needs both); a part heard exactly is matched first."""
    for part in sorted(name, key=lambda part: not spare[part]):
        slips = (word for word, count in spare.items() if count and _one_slip(part, word))
        word = part if spare[part] else next(slips, None)
        if word is None:
            return False
        spare[word] -= 1
    return True


def _one_slip(part: str, word: str) -> bool:
    """`word` is `part` with at most one letter changed, added or left out; never for a part of one or two letters
    (`_name_heard` looks for those exactly). Past the first letter that differs, the rest must be the same."""
    if len(part) < 3:
        return False
    shorter, longer = sorted((part, word), key=len)
    start = next((i for i, (a, b) in enumerate(zip(shorter, longer, strict=False)) if a != b), len(shorter))
    skip = 1 if len(shorter) == len(longer) else 0  # a letter changed, else one added (or, so seen, left out)
    return shorter[start + skip :] == longer[start + 1 :]


def _code_heard(words: list[str], code: str) -> bool:
    """The code's digits as consecutive words, each a figure or a digit said as a word ("four seven two nine")."""
    digits = [(word, _DIGIT_WORDS.get(word)) for word in words]
    return any(all(code[j] in digits[i + j] for j in range(len(code))) for i in range(len(words) - len(code) + 1))


def _rest_heard(rest: list[str], heard: list[str], *, said: list[str]) -> bool:
    """Enough of the statement's other words heard, in order (a word heard nearly right counts), and no "not" beyond
    those the statement itself `said` (a voice named "Never", a speaker named "Not")."""
    if _NEGATIONS & (Counter(heard) - Counter(said)).keys():
        return False
    vocabulary = sorted(set(rest))
    alike = [next(iter(get_close_matches(word, vocabulary, 1, WORD_LIKENESS)), word) for word in heard]
    matched = sum(block.size for block in SequenceMatcher(None, rest, alike, autojunk=False).get_matching_blocks())
    return matched >= WORDS_NEEDED * len(rest)
