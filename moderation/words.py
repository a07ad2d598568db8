"""Watched words: fold text so trivial disguises do not slip through, and match whole words.

fold() brings a text and a watched phrase to one spelling: compatibility forms unified (NFKC:
full-width letters, ligatures, circled letters), invisible format characters (zero-width space,
joiners, soft hyphen: Unicode category Cf) dropped, accents stripped (NFKD, combining marks
dropped), look-alike letters, digits and symbols replaced by the Latin letter they imitate
(LOOK_ALIKES), and case folded. Matching then compares whole words: a phrase matches a run of
the text's words, whatever spaces or punctuation stand between them, so "ass" never matches
"class".

The look-alike table is small and written here rather than taken from Unicode's confusables
data (UTS #39, which the PyPI libraries ship): that data also maps Latin letters onto other
Latin letters ("rn" to "m", "l" to "I"), which for whole-word matching turns ordinary words into
others ("burn" into "bum"). It covers what disguises use: Cyrillic and Greek letters that look
Latin, in both cases (a capital and its small letter may imitate different Latin letters:
Greek Η is an H, η an n), and digits and symbols written for letters.
"""

import unicodedata
from dataclasses import dataclass

# Which Latin letter each look-alike imitates. 1, l, i, ! and | all fold to "i", so "k1ll",
# "kill" and "ki!!" are one word (the price: words differing only by i and l fold together).
LOOK_ALIKES = str.maketrans(
    {
        # Digits and symbols used as letters
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "8": "b",
        "9": "g",
        "@": "a",
        "$": "s",
        "€": "e",
        "l": "i",
        "L": "i",
        # Latin letters with a stroke, which Unicode does not decompose into letter and accent
        "ł": "i",
        "Ł": "i",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ħ": "h",
        "Ħ": "h",
        # Cyrillic, capitals and small letters
        "А": "a",
        "а": "a",
        "В": "b",
        "в": "b",
        "С": "c",
        "с": "c",
        "Е": "e",
        "е": "e",
        "Н": "h",
        "н": "h",
        "һ": "h",
        "І": "i",
        "і": "i",
        "Ӏ": "i",
        "ӏ": "i",
        "Ј": "j",
        "ј": "j",
        "К": "k",
        "к": "k",
        "М": "m",
        "м": "m",
        "О": "o",
        "о": "o",
        "Р": "p",
        "р": "p",
        "Ѕ": "s",
        "ѕ": "s",
        "Т": "t",
        "т": "t",
        "У": "y",
        "у": "y",
        "Х": "x",
        "х": "x",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        # Greek, capitals and small letters
        "Α": "a",
        "α": "a",
        "Β": "b",
        "β": "b",
        "Ε": "e",
        "ε": "e",
        "Ζ": "z",
        "Η": "h",
        "η": "n",
        "Ι": "i",
        "ι": "i",
        "Κ": "k",
        "κ": "k",
        "Μ": "m",
        "μ": "u",
        "Ν": "n",
        "ν": "v",
        "Ο": "o",
        "ο": "o",
        "Ρ": "p",
        "ρ": "p",
        "Τ": "t",
        "τ": "t",
        "Υ": "y",
        "υ": "u",
        "Χ": "x",
        "χ": "x",
        "ω": "w",
    }
)
# Ends sentences as often as it stands for an "i": a run of these is letters only when a letter
# or digit follows it ("ki!!" stays a word's end, "h!t" and "!diot" are words).
LETTER_BEFORE_A_WORD = {"!": "i", "|": "i"}


def _strip(text: str) -> str:
    """NFKC, then format characters and accents (combining marks after NFKD) dropped."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    return "".join(
        character
        for character in decomposed
        if unicodedata.category(character) not in ("Cf", "Mn", "Me")
    )


def _words(text: str) -> list[str]:
    """The text's words once folded: runs of letters and digits, in order."""
    characters = list(_strip(text))
    letter_follows = False  # walking backwards: whether a letter or digit follows this run
    for position in range(len(characters) - 1, -1, -1):
        character = characters[position]
        if character in LETTER_BEFORE_A_WORD:
            if letter_follows:
                characters[position] = LETTER_BEFORE_A_WORD[character]
        else:
            letter_follows = character.isalnum()
    folded = "".join(characters).translate(LOOK_ALIKES).casefold()
    words, word = [], []
    for character in folded:
        if character.isalnum():
            word.append(character)
        elif word:
            words.append("".join(word))
            word = []
    if word:
        words.append("".join(word))
    return words


def fold(text: str) -> str:
    """The text's words, folded, joined by single spaces: what phrases are matched against."""
    return " ".join(_words(text))


@dataclass(frozen=True)
class Watch:
    """A watched phrase as matching needs it: as typed (for messages), folded, and its action."""

    phrase: str
    folded: str
    action: str


def matches(texts: list[str], watched: list[Watch]) -> list[Watch]:
    """The watched phrases found, as whole words, in any of the texts."""
    haystacks = [f" {fold(text)} " for text in texts if text]
    return [
        watch
        for watch in watched
        if watch.folded and any(f" {watch.folded} " in haystack for haystack in haystacks)
    ]
