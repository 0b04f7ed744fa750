"""The number input rendered without a template gives exactly Django's HTML."""

from html.parser import HTMLParser

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from core.numbers import DirectTextInput, WholeNumberField, format_number
from reports.templating import entry_form_renderer


@pytest.mark.parametrize(
    ("value", "attrs"),
    [
        (None, {}),
        ("1.804.000.000", {"class": "form-control text-end", "autocomplete": "off"}),
        ('5" onfocus="alert(1)', {"inputmode": "numeric", "disabled": True, "required": False}),
        ("<b>&amp;</b>", {"aria-describedby": "id_v_TT_help", "data-x": None}),
        (mark_safe("<i>an toàn</i>"), {"placeholder": 'ví dụ "1.000"'}),
        (1234567, {"readonly": True}),
    ],
)
def test_same_html_as_djangos_text_input(value, attrs):
    direct = DirectTextInput(attrs=attrs).render("v_TT_BUOI", value)
    # Byte for byte what the monthly entry form's (Jinja2) renderer gives.
    assert direct == forms.TextInput(attrs=attrs).render(
        "v_TT_BUOI", value, renderer=entry_form_renderer
    )
    # The same input as Django's default renderer gives for every other form; only the
    # escapes differ ("&#34;" for "&quot;").
    templated = forms.TextInput(attrs=attrs).render("v_TT_BUOI", value, renderer=DjangoTemplates())
    assert parsed_tag(direct) == parsed_tag(templated)


def parsed_tag(html):
    tags = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append((tag, attrs))

    Parser().feed(html)
    return tags


def test_a_number_field_in_a_form_renders_as_before():
    class Direct(forms.Form):
        amount = WholeNumberField(label="Số tiền", disabled=True, initial=1_804_000_000)

    class Templated(forms.Form):
        amount = WholeNumberField(
            label="Số tiền", disabled=True, initial=1_804_000_000, widget=forms.TextInput
        )

    assert str(Direct()["amount"]) == str(Templated()["amount"])
    assert 'value="1.804.000.000"' in str(Direct()["amount"])


@pytest.mark.parametrize("value", [0, 7, 999, 1000, -1234567, 1_804_000_000, 10**15])
def test_whole_numbers_group_by_dots(value):
    from django.utils.formats import number_format

    assert format_number(value) == number_format(value, force_grouping=True)
