"""Checks on a month's figures: rules between indicators and outliers against history."""

import statistics
from dataclasses import dataclass

from reports.models import Indicator, ValidationRule

OUTLIER_FACTOR = 3
OUTLIER_MIN_HISTORY = 3
# Small counts swing a lot (1 → 4 sessions); only an excess of at least this many units is news.
OUTLIER_MIN_EXCESS = 5

_COMPARE = {
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    "==": lambda a, b: a == b,
    ">=": lambda a, b: a >= b,
}


@dataclass(frozen=True)
class RuleBreach:
    rule: ValidationRule
    left: int
    right: int

    @property
    def is_error(self):
        return self.rule.severity == ValidationRule.Severity.ERROR

    @property
    def codes(self) -> list[str]:
        """The indicators the rule compares, left side first."""
        return self.rule.codes_of(self.rule.left) + self.rule.codes_of(self.rule.right)

    def sides(self, names: dict[str, str]) -> tuple[str, str]:
        """Both sides in words: indicator names (`names`: code → name) joined by " + "."""
        return tuple(
            " + ".join(names.get(code, code) for code in self.rule.codes_of(side))
            for side in (self.rule.left, self.rule.right)
        )


@dataclass(frozen=True)
class Outlier:
    indicator: Indicator
    value: int
    median: float


def rule_breaches(rules, values: dict[str, int | None]) -> list[RuleBreach]:
    """Rules broken by the values (code → number); a rule with a missing figure is skipped."""
    breaches = []
    for rule in rules:
        left_codes, right_codes = rule.codes_of(rule.left), rule.codes_of(rule.right)
        figures = [values.get(code) for code in left_codes + right_codes]
        if any(figure is None for figure in figures):
            continue
        left = sum(values[code] for code in left_codes)
        right = sum(values[code] for code in right_codes)
        if not _COMPARE[rule.operator](left, right):
            breaches.append(RuleBreach(rule, left, right))
    return breaches


def outliers(indicators, values: dict[str, int | None], history: dict[str, list[int]]):
    """Values more than 3 × the median of the ward's last 12 months for that indicator."""
    found = []
    for indicator in indicators:
        value = values.get(indicator.code)
        past = [v for v in history.get(indicator.code, []) if v is not None]
        if value is None or len(past) < OUTLIER_MIN_HISTORY:
            continue
        median = statistics.median(past)
        unusual = value > OUTLIER_FACTOR * median and value - median >= OUTLIER_MIN_EXCESS
        if median > 0 and unusual:
            found.append(Outlier(indicator, value, median))
    return found
