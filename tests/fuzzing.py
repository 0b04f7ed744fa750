"""Shared pieces of the property-based tests: hostile values, the profile, the checks.

Profiles: "portal" (default; few examples, derandomised so CI is repeatable) and
"thorough" (HYPOTHESIS_PROFILE=thorough: many random examples, for hunting locally).
"""

import datetime
import os
import re
from collections import defaultdict

from django import forms
from django.apps import apps
from django.contrib.messages import ERROR, get_messages
from django.db import connections, router
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

settings.register_profile(
    "portal",
    max_examples=25,
    deadline=None,
    database=None,  # no .hypothesis/ directory in the checkout
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
settings.register_profile(
    "thorough", parent=settings.get_profile("portal"), max_examples=400, derandomize=False
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "portal"))

# Values people (or attackers) type: out-of-range numbers, foreign digits, markup, formulas,
# control characters, absurd dates.
HOSTILE_TEXT = [
    "",
    " ",
    "0",
    "-1",
    "-0",
    "1.804.000.000",
    "1,5",
    "1e309",
    "NaN",
    "Infinity",
    "9" * 40,
    "-" + "9" * 40,
    "1" * 5000,
    "١٢٣",
    "１２３",
    "𝟙𝟚𝟛",
    "²",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "@SUM(A1)",
    "\x00",
    "a\x00b",
    "\t\r\n",
    "\u202e\u200b",
    "' OR 1=1 --",
    "../../etc/passwd",
    "{{ 7*7 }}{% debug %}",
    "%s%n%x",
    "😀" * 60,
    "Nguyễn Văn Bình",
    "31/02/2026",
    "00/00/0000",
    "29/02/2100",
    "01/01/0001",
    "31/12/9999",
    "2026-13-45",
    "9999999999/99/99",
    "1/1/1",
    "None",
    "null",
    "true",
]

# The ones that broke query parameters somewhere: tried in every parameter of every list.
HOSTILE_QUERY = [
    "a\x00b",
    "9" * 40,
    "-1",
    "0",
    "²",
    "１２３",
    "1" * 5000,
    "31/02/2026",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "😀" * 60,
    "",
]


def hostile_text():
    return st.one_of(
        st.sampled_from(HOSTILE_TEXT), st.text(max_size=120), st.text(max_size=3000).map(str)
    )


def hostile_number():
    return st.one_of(
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.integers(min_value=0, max_value=10**16).map(lambda n: f"{n:,}".replace(",", ".")),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        hostile_text(),
    )


def hostile_date():
    return st.one_of(
        st.dates(min_value=datetime.date(1, 1, 1)).map(lambda d: d.strftime("%d/%m/%Y")),
        st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2030, 12, 31)).map(
            lambda d: d.strftime("%d/%m/%Y")
        ),
        hostile_text(),
    )


def strategy_for(field):
    """Plausible and hostile values for one form field, by its type."""
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "", "0", "false", "\x00", "1" * 100])
    if isinstance(field, forms.ModelChoiceField):
        pks = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:20]]
        return st.one_of(st.sampled_from(pks or ["1"]), hostile_number())
    if isinstance(field, forms.ChoiceField):
        keys = [str(key) for key, label in field.choices if not isinstance(label, list | tuple)]
        return st.one_of(st.sampled_from(keys or [""]), hostile_text())
    if isinstance(field, forms.DateTimeField):
        return st.one_of(
            st.datetimes().map(lambda d: d.isoformat()),
            hostile_date(),
        )
    if isinstance(field, forms.DateField):
        return hostile_date()
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return hostile_number()
    if "number" in type(field).__name__.lower():
        return hostile_number()
    return hostile_text()


def form_data(fields: dict):
    """Any subset of the form's fields, each with a plausible or hostile value."""
    return st.fixed_dictionaries(
        {},
        optional={
            name: strategy_for(field)
            for name, field in fields.items()
            if not isinstance(field, forms.FileField)
        },
    )


# --- Checks ----------------------------------------------------------------------------------

VIETNAMESE_LETTERS = set("àáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵđ")


def is_vietnamese(message: str, submitted=()) -> bool:
    """A message in Vietnamese: Vietnamese letters remain once the user's own input is cut."""
    text = str(message)
    for value in sorted((str(v) for v in submitted if v), key=len, reverse=True):
        text = text.replace(value, "")
    return any(char in VIETNAMESE_LETTERS for char in text.lower())


def _row_count_models():
    for label in ("wards", "campaigns", "reports"):
        yield from apps.get_app_config(label).get_models()


def row_counts() -> dict[str, int]:
    """Rows per table of the portal's apps (history tables included): one query a database,
    not one a table, as every fuzzed request counts them twice."""
    by_database = defaultdict(list)
    for model in _row_count_models():
        by_database[router.db_for_read(model)].append(model)
    counts = {}
    for alias, models in by_database.items():
        quote = connections[alias].ops.quote_name
        tables = ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in models)
        with connections[alias].cursor() as cursor:
            cursor.execute(f"SELECT {tables}")
            row = cursor.fetchone()
        counts.update(zip((model._meta.label for model in models), row, strict=True))
    return counts


def _contexts(response):
    context = response.context
    if context is None:
        return []
    return list(context) if isinstance(context, list) else [context]


def refusal_messages(response) -> list[str]:
    """Every message a refusal shows: form errors, refusals, import problems, error flashes."""
    found = []
    for context in _contexts(response):
        values = context.flatten() if hasattr(context, "flatten") else dict(context)
        for key, value in values.items():
            if isinstance(value, forms.BaseForm) and value.is_bound:
                for errors in value.errors.as_data().values():
                    for error in errors:
                        found.extend(error.messages)
            elif key in ("refusal", "message") and isinstance(value, str) and value:
                found.append(value)
            elif key == "parsed" and getattr(value, "problems", None):
                found.extend(value.problems)
            elif key in ("conflict", "blocked") and value:
                found.append(str(value))
    found.extend(m.message for m in get_messages(response.wsgi_request) if m.level >= ERROR)
    if response.get("Content-Type", "").startswith("application/json"):
        # The public API refuses in a JSON body: {"error": "…"}.
        body = response.json()
        if isinstance(body, dict) and body.get("error"):
            found.append(body["error"])
    return list(dict.fromkeys(found))


def forget_messages(client) -> None:
    """Drop flashes left by an earlier request, so a response shows only its own."""
    client.cookies.pop("messages", None)
    session = client.session
    if session.pop("_messages", None) is not None:
        session.save()


def send_checked(client, method: str, url: str, data: dict, **extra):
    """Send one request and check it (check_outcome); returns (response, accepted)."""
    forget_messages(client)
    before = row_counts()
    response = getattr(client, method.lower())(url, data, **extra)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # a streamed body fails, if at all, while read
    accepted = check_outcome(response, before=before, submitted=_flat_values(data))
    return response, accepted


def _flat_values(data: dict) -> list:
    values = []
    for value in data.values():
        values.extend(value if isinstance(value, list | tuple) else [value])
    return [value for value in values if isinstance(value, str)]


ACCESS_REFUSALS = (403, 404, 405, 413, 429)
INPUT_REFUSALS = (400, 409)


def check_outcome(response, *, before: dict, submitted=()) -> bool:
    """Assert the portal's promise for one request; True when the input was accepted.

    Never a server error; a refusal explains itself in Vietnamese and writes nothing.
    """
    status = response.status_code
    assert status < 500, f"server error {status}"
    if status in ACCESS_REFUSALS:
        body = response.content.decode(errors="replace")
        assert is_vietnamese(re.sub(r"<[^>]+>", " ", body), submitted), body[:500]
        assert row_counts() == before
        return False
    messages = refusal_messages(response)
    if messages or status in INPUT_REFUSALS:
        assert messages, f"status {status} refused without a message"
        for message in messages:
            assert is_vietnamese(message, submitted), f"not Vietnamese: {message!r}"
        assert row_counts() == before, "a refused request wrote rows"
        return False
    assert status in (200, 302), status
    return True
