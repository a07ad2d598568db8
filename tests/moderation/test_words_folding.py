"""Folding and matching watched words: trivial disguises match, other words do not."""

import pytest

from moderation.words import Watch, fold, matches


def watched(*phrases: str) -> list[Watch]:
    return [Watch(phrase, fold(phrase), "block") for phrase in phrases]


def found(text: str, *phrases: str) -> list[str]:
    return [watch.phrase for watch in matches([text], watched(*phrases))]


@pytest.mark.parametrize(
    "disguised",
    [
        "I will kill you",
        "I will KILL you",  # all capitals
        "I will Kill!",  # punctuation after the word
        "I will k1ll you",  # a digit for a letter
        "I will k!ll you",  # an exclamation mark for a letter inside the word
        "I will !!!!!! kill!!",  # runs of exclamation marks between and after words
        "I will kіll you",  # Cyrillic і
        "I will ｋｉｌｌ you",  # full-width letters
        "I will ki\u200bll you",  # a zero-width space inside the word
        "I will k\u00adi\u2060ll you",  # a soft hyphen and a word joiner
        "I will kíll you",  # an accent
        "I will ki\u0301ll you",  # a combining accent
        "I will kiłł you",  # a stroke, which Unicode does not decompose
        "I will ΚΙLL you",  # Greek capitals
        "I will, kill.",
    ],
)
def test_disguised_words_match(disguised):
    assert found(disguised, "kill") == ["kill"]


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Get the саsh nоw", "cash"),  # Cyrillic а, о among Latin letters
        ("ѕсаm alert", "scam"),  # every letter Cyrillic
        ("That's a $c@m", "scam"),  # symbols for letters
        ("Go b4ck h0me", "go back home"),  # a phrase, with digits
        ("go   back...HOME", "go back home"),  # any run of spaces and punctuation between words
        ("go\nback\n\nhome", "go back home"),  # line breaks too
        ("Ηello there", "hello"),  # Greek capital eta
        ("you are а 5cumbаg", "scumbag"),
        ("ＳＰＡＭ ＳＰＡＭ", "spam"),
    ],
)
def test_disguised_letters_in_words_and_phrases_match(text, phrase):
    assert found(text, phrase) == [phrase]


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("My class starts at nine", "ass"),  # inside a longer word
        ("The assessment is due", "ass"),
        ("skill and skills", "kill"),
        ("Killer whales", "kill"),
        ("go back later, then home", "go back home"),  # a phrase's words must be together
        ("home back go", "go back home"),
        ("Nothing to see", "scam"),
        ("", "kill"),
    ],
)
def test_words_inside_other_words_or_apart_do_not_match(text, phrase):
    assert found(text, phrase) == []


def test_phrases_fold_to_the_same_spelling_as_the_text():
    assert fold("K1LL") == fold("kill") == fold("ｋｉｌｌ")
    assert fold("  Go   BACK home!! ") == "go back home"
    assert fold("!!!") == ""  # nothing to match


def test_every_phrase_found_in_any_of_the_texts_is_named():
    phrases = watched("scam", "kill", "idiot")
    title, body, warning = "A scam", "nothing here", "idiots"  # "idiots" is not "idiot"
    assert [watch.phrase for watch in matches([title, body, warning], phrases)] == ["scam"]
