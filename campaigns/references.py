"""Transfer references: what a donor types in a bank transfer's note so the portal knows
which fund (and which pledge) the money is for.

A reference is "MT" + the fund's code (4 characters) + optionally a pledge's code (4
characters) + one check character: "MT7K2AX" names a fund, "MT7K2AP9XFQ" a pledge of it.
Codes use Crockford's base-32 alphabet (no I, L, O, U: nothing a donor can misread), and
the check character (Luhn mod 32) catches any single mistyped character and most swapped
pairs, so a typo never lands on another fund. Banks upper-case notes, drop spaces and
diacritics and glue words together; `find_references` therefore scans the whole text for
every "MT…" run whose check character holds, and the caller keeps those it knows.

Pure functions: nothing here touches the database.
"""

import re
import secrets
import unicodedata

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "MT"
CODE_LENGTH = 4
# A bank's transfer note holds at most 25 characters in a VietQR code (NAPAS field 62-08
# allows more, but several banks' apps cut the note at 25).
NOTE_MAX_LENGTH = 25
NOTE_LEAD = "UNG HO "

_VALUE = {char: index for index, char in enumerate(ALPHABET)}
# Read as the donor typed it: Crockford's aliases for look-alike characters.
_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})
_CANDIDATE = re.compile(f"(?={PREFIX})")


def new_code() -> str:
    """A random code of CODE_LENGTH characters (the caller makes sure it is unused)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def check_character(body: str) -> str:
    """Luhn mod 32 over the code characters (the "MT" prefix is not counted)."""
    total, factor = 0, 2
    for char in reversed(body):
        addend = factor * _VALUE[char]
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def is_valid_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(char in _VALUE for char in code)


def reference(fund_code: str, pledge_code: str = "") -> str:
    """ "MT" + fund code [+ pledge code] + check character."""
    body = fund_code + pledge_code
    if not is_valid_code(fund_code) or (pledge_code and not is_valid_code(pledge_code)):
        raise ValueError(f"Not a reference code: {fund_code!r} {pledge_code!r}")
    return PREFIX + body + check_character(body)


def transfer_note(ref: str) -> str:
    """The note a donor's bank app is given: "UNG HO MT7K2AP9XFQ" (at most 25 characters)."""
    note = NOTE_LEAD + ref
    if len(note) > NOTE_MAX_LENGTH:
        raise ValueError(f"Transfer note over {NOTE_MAX_LENGTH} characters: {note!r}")
    return note


def fold(text: str) -> str:
    """Upper case, without diacritics and without anything but letters and digits."""
    text = unicodedata.normalize("NFD", str(text or "")).replace("đ", "d").replace("Đ", "D")
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def parse(candidate: str) -> tuple[str, str] | None:
    """(fund code, pledge code or "") for one reference, or None when it is not one: a wrong
    length, a character outside the alphabet or a check character that does not hold."""
    text = fold(candidate)
    if not text.startswith(PREFIX):
        return None
    body, check = text[len(PREFIX) : -1].translate(_ALIASES), text[-1:].translate(_ALIASES)
    if len(body) not in (CODE_LENGTH, 2 * CODE_LENGTH) or any(c not in _VALUE for c in body):
        return None
    if check_character(body) != check:
        return None
    return body[:CODE_LENGTH], body[CODE_LENGTH:]


def find_references(text: str) -> list[tuple[str, str]]:
    """Every (fund code, pledge code) whose check holds anywhere in a statement line's text;
    a pledge reference also yields nothing shorter (its first five characters are not read as
    a fund reference unless their own check holds)."""
    folded = fold(text).translate(_ALIASES)
    found: list[tuple[str, str]] = []
    for match in _CANDIDATE.finditer(folded):
        start = match.start() + len(PREFIX)
        for length in (2 * CODE_LENGTH + 1, CODE_LENGTH + 1):
            body = folded[start : start + length]
            parsed = parse(PREFIX + body) if len(body) == length else None
            if parsed and parsed not in found:
                found.append(parsed)
                break
    return found
