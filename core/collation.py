"""Names in the order of the Vietnamese alphabet: a ă â b c d đ e ê … (Đ right after D).

Python compares code points, and so do SQLite and PostgreSQL's "C" collation: "Đặng" then
comes after "Vũ". Sorts in Python use `vietnamese_key`; database ordering uses
`by_vietnamese(field)`, a COLLATE of the name PostgreSQL gives its ICU Vietnamese collation
("vi-x-icu", present wherever PostgreSQL is built with ICU). On SQLite the same name is
registered on every connection as a collation computed by `vietnamese_key`.

The key follows the Vietnamese alphabet for letters (ă, â, đ, ê, ô, ơ, ư are letters of their
own), then tones (none, huyền, hỏi, ngã, sắc, nặng), then case (lower first); spaces and
punctuation come before digits, digits before letters.
"""

import functools
import unicodedata

from django.db.models import F
from django.db.models.functions import Collate

COLLATION = "vi-x-icu"
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(ALPHABET)}
# Combining marks of the five tones, in the order dictionaries list them.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
SPACE_OR_PUNCTUATION, DIGIT, LETTER, OTHER = range(4)


@functools.lru_cache(maxsize=2048)
def _character_key(char: str) -> tuple[tuple[int, int], int, int]:
    """(primary, tone, case) of one character."""
    lower = char.lower()
    case = 0 if char == lower else 1
    decomposed = unicodedata.normalize("NFD", lower)
    tone = 0
    kept = []
    for mark in decomposed:
        if mark in _TONES:
            tone = _TONES[mark]
        else:
            kept.append(mark)
    letter = unicodedata.normalize("NFC", "".join(kept))
    if letter in _LETTER_RANK:
        primary = (LETTER, _LETTER_RANK[letter])
    elif letter.isdigit():
        primary = (DIGIT, ord(letter))
    elif letter.isspace() or not letter.isalnum():
        primary = (SPACE_OR_PUNCTUATION, ord(letter))
    else:
        primary = (OTHER, ord(letter))
    return primary, tone, case


def vietnamese_key(text: str) -> tuple:
    """A sort key putting names in Vietnamese dictionary order."""
    keys = [_character_key(char) for char in text or ""]
    return (
        tuple(key[0] for key in keys),
        tuple(key[1] for key in keys),
        tuple(key[2] for key in keys),
    )


def by_vietnamese(field: str):
    """ORDER BY `field` in Vietnamese order, on PostgreSQL and SQLite alike."""
    return Collate(F(field), COLLATION).asc()


def _compare(left: str, right: str) -> int:
    left_key, right_key = vietnamese_key(left), vietnamese_key(right)
    return (left_key > right_key) - (left_key < right_key)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """connection_created receiver: give SQLite the collation PostgreSQL has built in."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, _compare)
