"""Vietnamese number and date formats, as officers read and type them."""

import datetime
from decimal import Decimal

from django import forms
from django.template import Context, Template
from django.utils import formats, translation


def render(source, **context):
    return Template(source).render(Context(context))


def test_numbers_group_thousands_with_dots():
    with translation.override("vi"):
        assert render("{{ amount }}", amount=1804000000) == "1.804.000.000"
        assert render("{{ rate }}", rate=Decimal("0.18")) == "0,18"
        assert formats.number_format(Decimal("60.57"), decimal_pos=2) == "60,57"


def test_dates_print_day_first():
    with translation.override("vi"):
        assert render("{{ day }}", day=datetime.date(2025, 3, 5)) == "05/03/2025"
        assert render('{{ day|date:"SHORT_DATE_FORMAT" }}', day=datetime.date(2020, 2, 5)) == (
            "05/02/2020"
        )


def test_a_typed_date_means_day_then_month():
    class DateForm(forms.Form):
        day = forms.DateField()

    with translation.override("vi"):
        form = DateForm({"day": "05/03/2025"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == datetime.date(2025, 3, 5)
        assert not DateForm({"day": "31/02/2025"}).is_valid()
