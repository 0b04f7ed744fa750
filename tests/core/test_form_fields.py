"""Every form of the portal types numbers and dates one way (issue 12, point 6).

The test finds every form class defined in the portal's apps and checks each one as its page
renders it (fields added at run time included): a number field is the portal's own (one
parser: "3.000" is three thousand), rendered as a text input whose phone keypad has "." and
","; never type=number, which refuses "3.500" with the browser's English message and drops
what was typed; a date field is the portal's own (dd/mm/yyyy, 1900–2100). A new form class
that no page below renders fails the test until it is added here.
"""

import dataclasses
import importlib
import pkgutil

import pytest
from django import forms
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import dates
from core.numbers import NUMBER_FIELDS
from tests import factories
from tests.test_fuzz_forms import PAGES, ward_url

PORTAL_APPS = ("wards", "campaigns", "reports")


def portal_form_classes() -> set[type]:
    """Every form class defined in the portal's apps (their modules imported one by one)."""
    for app in PORTAL_APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)
    found, pending = set(), [forms.BaseForm]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            pending.append(sub)
            if sub.__module__.split(".")[0] in PORTAL_APPS:
                found.add(sub)
    # A shared base (PortalModelForm, _CrispyModelForm) is checked through the forms built on it.
    return {cls for cls in found if not any(o is not cls and issubclass(o, cls) for o in found)}


# Pages beyond the form pages of the fuzz test, for the forms those do not render.
EXTRA_PAGES = [
    ("ward_officer", ward_url("campaigns:donation_detail", lambda w: w.donation.pk)),
    ("ward_officer", ward_url("campaigns:bank_import", lambda w: w.fund.pk)),
    (
        "ward_officer",
        lambda w: reverse("reports:entry_import", args=[w.ward_x.code, 2025, 10]),
    ),
    ("ward_officer", ward_url("reports:document", lambda w: w.document.pk)),
    (
        "ward_officer",
        ward_url("reports:document_section_edit", lambda w: w.document.pk, lambda w: w.section.pk),
    ),
    ("admin", lambda w: reverse("otp:verify")),  # the admin has a device (below)
    ("ward_officer", ward_url("campaigns:bank_statements")),
    ("ward_officer", ward_url("campaigns:bank_queue")),  # a waiting line (below)
]


def _pages():
    for page in PAGES:
        if page.fields is None:  # a page that shows its form
            yield page.role, page.url
    yield from EXTRA_PAGES


def _forms_in(response) -> list[forms.BaseForm]:
    found = []
    contexts = response.context if isinstance(response.context, list) else [response.context]
    for context in contexts:
        if context is None:
            continue
        for value in context.flatten().values():
            if isinstance(value, forms.BaseForm):
                found.append(value)
            # Rows that each carry their own forms (the bank queue's (line, forms) pairs).
            for row in value if isinstance(value, list) else ():
                for part in row if isinstance(row, tuple) else (row,):
                    if dataclasses.is_dataclass(part):
                        found += [f for f in vars(part).values() if isinstance(f, forms.BaseForm)]
    return found


def _shown_forms(client, world):
    """(url, page HTML, forms in its context) for every page above."""
    TOTPDevice.objects.create(user=world.users["admin"], name="Điện thoại", confirmed=True)
    statement = factories.bank_statement(ward_obj=world.ward_x, user=world.users["ward_officer"])
    factories.statement_line(statement=statement, amount=200_000, description="CHUYEN TIEN")
    # A gift recorded by hand that the line could be: the queue offers to link them.
    factories.donation(
        fund_obj=factories.fund(ward_obj=world.ward_x, name="Quỹ có khoản ghi tay"),
        user=world.users["ward_officer"],
        received_on=statement.first_on,
        amount=200_000,
    )
    shown = []
    for role, build_url in _pages():
        client.logout()
        if role != "anonymous":
            client.force_login(world.users[role])
        url = build_url(world)
        response = client.get(url)
        assert response.status_code == 200, url
        shown.append((url, response.content.decode(), _forms_in(response)))
    return shown


def _typed_fields(form):
    """Fields an officer types into: not hidden."""
    for name, field in form.fields.items():
        if not field.widget.is_hidden:
            yield name, field


@pytest.mark.django_db
def test_every_form_types_numbers_and_dates_the_portal_way(client, fuzz_world):
    shown = _shown_forms(client, fuzz_world)
    seen = {type(form) for _, _, page_forms in shown for form in page_forms}

    missing = {f"{cls.__module__}.{cls.__qualname__}" for cls in portal_form_classes() - seen}
    # Forms without arguments that only a POST receives are checked as built.
    direct = []
    for path in sorted(missing):
        module, _, name = path.rpartition(".")
        cls = getattr(importlib.import_module(module), name)
        try:
            direct.append(cls())
        except TypeError:
            continue
        missing.discard(path)
    assert not missing, f"no page of this test renders these forms; add one: {sorted(missing)}"

    checked_numbers = 0
    for url, html, page_forms in [*shown, ("(built directly)", "", direct)]:
        assert 'type="number"' not in html, url
        for form in page_forms:
            for name, field in _typed_fields(form):
                label = f"{type(form).__name__}.{name} on {url}"
                if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
                    assert isinstance(field, NUMBER_FIELDS), label
                    rendered = str(form[name])
                    assert 'type="text"' in rendered, label
                    assert 'inputmode="decimal"' in rendered, label
                    checked_numbers += 1
                elif isinstance(field, forms.DateField) and not isinstance(
                    field, forms.DateTimeField
                ):
                    assert isinstance(field, dates.DateField), label
    # Membership, areas, campaigns, houses, support, entry, documents, disclosure search…
    assert checked_numbers >= 20


def test_the_walk_finds_the_forms_of_every_app():
    names = {cls.__name__ for cls in portal_form_classes()}
    assert {"MembershipForm", "DonationForm", "MonthlyEntryForm", "IssueForm"} <= names
