"""The donation form written out by campaigns/form_html.py is, byte for byte, what crispy's
Bootstrap 5 templates give: fresh, refused with errors on its fields and above it, with the
tokens of the page. And the page itself still keeps what was typed with its message."""

import datetime
import re

import pytest
from crispy_forms.layout import Hidden
from django.template import Context, Template
from django.urls import reverse

from campaigns.form_html import crispy_html
from campaigns.forms import DonationForm, ReversalForm
from campaigns.models import Donation

CRISPY = Template("{% load crispy_forms_tags %}{% crispy form %}")

REFUSED = {
    "received_on": "31/02/2026",
    "donor_kind": "individual",
    "donor_name": "",
    "channel": "bank",
    "form": "cash",
    "amount": "12a",
    "in_kind_unit": "kg",
    "note": "<b>Ông \"Tư\" & bà 'Năm'</b>",
}
GOODS = {
    "received_on": "03/12/2026",
    "donor_kind": "anonymous",
    "form": "in_kind",
    "channel": "other",
    "amount": "5",
    "in_kind_quantity": "2,555",
    "in_kind_value": "0",
}
VALID = {
    "received_on": "03/12/2026",
    "donor_kind": "organisation",
    "donor_name": "Công ty TNHH Thủy sản Mỹ Thới",
    "publish_name": "on",
    "form": "cash",
    "channel": "cash",
    "amount": "1.804.000.000",
}


def _above_and_on_the_checkbox(form):
    form.add_error(None, ["Quỹ đã khóa sổ <2026>.", "Liên hệ Ủy ban MTTQ."])
    form.add_error("publish_name", ["Lỗi một", "Lỗi hai"])


def _form(data, change=None, *, submission="5f0c2a1e-0000-4000-8000-000000000001", day=3):
    form = DonationForm(data, initial={"received_on": datetime.date(2026, 12, day)})
    form.helper.add_input(Hidden("submission", submission))
    if data is not None:
        form.is_valid()
    if change is not None:
        change(form)
    return form


CASES = {
    "fresh": (None, None),
    "refused": (REFUSED, None),
    "goods refused": (GOODS, None),
    "valid": (VALID, None),
    "empty": ({}, None),
    "errors above and on a checkbox": (VALID, _above_and_on_the_checkbox),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("csrf_token", ["aB3'dE", None])
def test_the_donation_form_is_what_crispy_renders(case, csrf_token):
    data, change = CASES[case]
    context = {"form": _form(data, change)}
    if csrf_token:
        context["csrf_token"] = csrf_token
    assert crispy_html(_form(data, change), csrf_token) == CRISPY.render(Context(context))


def test_a_fresh_form_written_once_takes_each_requests_tokens_and_day():
    for csrf_token, submission, day in [
        ("one", "s-1", 3),
        ("two&<'", "s-2", 3),
        (None, "s-3", 3),
        ("three", "s-4", 4),
        ("four", "s-5", 3),
    ]:
        context = {"form": _form(None, submission=submission, day=day)}
        if csrf_token:
            context["csrf_token"] = csrf_token
        expected = CRISPY.render(Context(context))
        assert f'value="{submission}"' in expected
        written = crispy_html(_form(None, submission=submission, day=day), csrf_token)
        assert written == expected


def test_rendering_leaves_the_form_as_it_was():
    form = _form(REFUSED)
    first = crispy_html(form, "t")
    assert crispy_html(form, "t") == first
    assert CRISPY.render(Context({"form": form, "csrf_token": "t"})) == first


def test_the_reversal_box_is_what_django_renders():
    from django import forms

    form = ReversalForm({"reason": 'Ghi nhầm <số> "tiền"'})
    plain = forms.Textarea(attrs=form.fields["reason"].widget.attrs)
    for bound in (form, ReversalForm()):
        field = bound["reason"]
        assert str(field) == field.as_widget(widget=plain)


def donation_url(world, fund):
    return reverse("campaigns:donation_create", args=[world.ward_x.code, fund.pk])


@pytest.mark.django_db
def test_a_refused_donation_keeps_what_was_typed_with_its_message(world, fund, login):
    client = login(world.users["ward_officer"])
    page = client.get(donation_url(world, fund)).content.decode()
    token = re.search(r'name="submission"\s+value="([^"]+)"', page)[1]
    response = client.post(donation_url(world, fund), {**REFUSED, "submission": token})
    assert response.status_code == 400
    assert not Donation.objects.exists()
    html = response.content.decode()
    assert 'name="amount" value="12a"' in html
    assert 'aria-invalid="true" aria-describedby="id_amount_error" id="id_amount"' in html
    assert "Nhập một số nguyên, ví dụ 3.000 hoặc 1.804.000.000" in html
    assert "Ghi tên, hoặc chọn “Nhà hảo tâm (ẩn danh)”." in html
    assert "Chuyển khoản cần có mã giao dịch." in html
    assert 'value="&lt;b&gt;Ông &quot;Tư&quot; &amp; bà &#x27;Năm&#x27;&lt;/b&gt;"' in html
    assert '<option value="bank" selected>Chuyển khoản</option>' in html
    # The same token comes back: sending it again records the donation once.
    assert f'value="{token}"' in html
    assert 'name="csrfmiddlewaretoken"' in html and "data-busy" in html
