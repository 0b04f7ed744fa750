"""Free text as officers type or paste it: what remains when the invisible characters go.

A reason, comment or explanation pasted from a chat app can be nothing but a zero-width space
(U+200B) or a byte-order mark: str.strip() keeps those (they are "format" characters, not
whitespace), so they would pass as a reason that nobody can read.
"""

import unicodedata

# Characters that show nothing although Unicode files them as letters or symbols.
_BLANK_LOOKING = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


def _invisible(char: str) -> bool:
    # C*: control, format (zero-width space, joiners, BOM, direction marks), unassigned;
    # Z*: spaces, line and paragraph separators.
    return unicodedata.category(char)[0] in "CZ" or char in _BLANK_LOOKING


def visible_text(value) -> str:
    """The text without invisible characters at either end; "" when nothing visible is left."""
    if not value:
        return ""
    text = str(value)
    start, end = 0, len(text)
    while start < end and _invisible(text[start]):
        start += 1
    while end > start and _invisible(text[end - 1]):
        end -= 1
    return text[start:end]
