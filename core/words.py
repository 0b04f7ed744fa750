"""Amounts in words, as receipts and financial statements write them after the figure.

1804000000 → "Một tỷ tám trăm lẻ bốn triệu đồng". num2words reads each number below one hundred
("mười lăm", "hai mươi mốt", "hai mươi lăm"); the groups of three digits are assembled here,
because num2words drops the hundreds of an inner group: after the first group every non-zero
group is read in full ("một nghìn không trăm lẻ năm"), and an all-zero group is skipped.
"""

from num2words import num2words

_BILLION = 10**9
_SCALES = ((10**6, "triệu"), (10**3, "nghìn"), (1, ""))


def _below_hundred(number: int) -> str:
    return num2words(number, lang="vi")


def _group(number: int, *, full: bool) -> list[str]:
    """Words of 1–999; `full` reads the hundreds and "lẻ" even when they are zero."""
    hundreds, rest = divmod(number, 100)
    words = []
    if hundreds or full:
        words += [_below_hundred(hundreds), "trăm"]
        if 0 < rest < 10:
            words.append("lẻ")
    if rest:
        words.append(_below_hundred(rest))
    return words


def _below_billion(number: int, *, leading: bool) -> list[str]:
    words = []
    for scale, name in _SCALES:
        group, number = divmod(number, scale)
        if group:
            words += _group(group, full=not leading)
            words += [name] if name else []
            leading = False
    return words


def _words(number: int, *, leading: bool = True) -> list[str]:
    """Billions ("tỷ") repeat: 10**12 is "một nghìn tỷ", 10**18 "một tỷ tỷ"."""
    if number < _BILLION:
        return _below_billion(number, leading=leading)
    billions, rest = divmod(number, _BILLION)
    words = [*_words(billions, leading=leading), "tỷ"]
    if rest:
        words += _below_billion(rest, leading=False)
    return words


def amount_in_words(amount: int) -> str:
    """Integer đồng in words, capitalised: 1005 → "Một nghìn không trăm lẻ năm đồng"."""
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise ValueError(f"Số tiền phải là số nguyên đồng, không phải {amount!r}.")
    if amount < 0:
        raise ValueError(f"Số tiền không được âm: {amount}.")
    text = " ".join(_words(amount)) if amount else "không"
    return f"{text[0].upper()}{text[1:]} đồng"
