"""Every create form makes one record however often it is posted: clicked twice, sent again
from the browser, or posted twice at the same moment. The second request lands on the record
the first one created."""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse

from campaigns.models import (
    Campaign,
    Disbursement,
    Donation,
    GovernmentSupport,
    House,
    Household,
)
from reports.documents.models import Block, Document, Section
from tests import factories
from tests.once import at_once, form_token, logged_in, post_at_once, post_twice
from wards.forms import ResidentialAreaForm
from wards.models import FormSubmission, MassOrganisation, Membership, ResidentialArea


@dataclass
class Form:
    url: str
    data: dict
    model: type
    form_url: str | None = None
    role: str = "ward_officer"  # who posts it


def _household(world):
    return factories.household(ward_obj=world.ward_x, head_name="Đinh Văn Sáu")


def _document(world):
    return factories.document(ward_obj=world.ward_x, user=world.users["ward_officer"])


def donation(world):
    fund = factories.fund(ward_obj=world.ward_x)
    return Form(
        reverse("campaigns:donation_create", args=[world.ward_x.code, fund.pk]),
        {
            "received_on": "05/03/2026",
            "donor_kind": "individual",
            "donor_name": "Nguyễn Văn Bình",
            "form": "cash",
            "channel": "cash",
            "amount": "500.000",
        },
        Donation,
    )


def province_donation(world):
    drive = factories.province_drive(province_obj=world.province_a)
    return Form(
        reverse("campaigns:province_donation_create", args=[world.province_a.code, drive.pk]),
        {
            "received_on": "05/03/2026",
            "donor_kind": "organisation",
            "donor_name": "Công ty CP Lương thực An Giang",
            "form": "cash",
            "channel": "cash",
            "amount": "50.000.000",
        },
        Donation,
        role="province_officer",
    )


def province_campaign(world):
    return Form(
        reverse("campaigns:province_create", args=[world.province_a.code]),
        {
            "name": "Cứu trợ đồng bào bị thiệt hại do bão lũ",
            "kind": "fund",
            "fund": "thien_tai",
            "starts_on": "01/10/2026",
            "status": "active",
        },
        Campaign,
        role="province_chair",
    )


def disbursement(world):
    fund = factories.fund(ward_obj=world.ward_x)
    factories.donation(
        fund_obj=fund,
        user=world.users["ward_officer"],
        received_on=datetime.date(2026, 3, 1),
        amount=10_000_000,
    )
    return Form(
        reverse("campaigns:disbursement_create", args=[world.ward_x.code, fund.pk]),
        {
            "paid_on": "10/03/2026",
            "household": _household(world).pk,
            "purpose": "illness",
            "form": "cash",
            "amount": "4.000.000",
            "decision_reference": "05/QĐ-BVĐ",
        },
        Disbursement,
    )


def house(world):
    return Form(
        reverse("campaigns:house_create", args=[world.ward_x.code]),
        {"household": _household(world).pk, "kind": "new", "surveyed_on": "02/03/2026"},
        House,
    )


def state_support(world):
    return Form(
        reverse("campaigns:supports", args=[world.ward_x.code]),
        {"programme": "Nghị quyết 42/NQ-CP", "amount": "1.500.000", "paid_on": "12/03/2026"},
        GovernmentSupport,
    )


def household(world):
    return Form(
        reverse("campaigns:household_create", args=[world.ward_x.code]),
        {"head_name": "Lê Thị Mười", "category": "near_poor"},
        Household,
    )


def campaign(world):
    return Form(
        reverse("campaigns:create", args=[world.ward_x.code]),
        {
            "name": "Tết vì người nghèo 2027",
            "kind": "fund",
            "fund": "vnn",
            "starts_on": "01/12/2026",
            "status": "active",
        },
        Campaign,
    )


def membership(world):
    organisation = MassOrganisation.objects.filter(is_active=True).first()
    return Form(
        reverse("wards:membership_create", args=[world.ward_x.code]),
        {
            "organisation": organisation.pk,
            "as_of": "30/06/2026",
            "members": "90",
            "eligible": "120",
        },
        Membership,
    )


def area(world):
    return Form(
        reverse("wards:area_create", args=[world.ward_x.code]),
        {"kind": "khom", "name": "Khóm Đông Thịnh 9"},
        ResidentialArea,
    )


def document(world):
    return Form(
        reverse("reports:document_new", args=[world.ward_x.code]),
        {"kind": "year", "starts_on": "01/01/2025", "ends_on": ""},
        Document,
    )


def document_section(world):
    created = _document(world)
    return Form(
        reverse("reports:document_section_add", args=[world.ward_x.code, created.pk]),
        {"new-level": "2", "new-heading": "Công tác đối ngoại nhân dân", "new-position": "0"},
        Section,
        form_url=reverse("reports:document", args=[world.ward_x.code, created.pk]),
    )


def document_text(world):
    created = _document(world)
    section = created.sections.first()
    add_url = reverse(
        "reports:document_block_add_text", args=[world.ward_x.code, created.pk, section.pk]
    )
    return Form(add_url, {"text": "<p>Đoàn kết</p>", "position": "0"}, Block)


FORMS = [
    donation,
    province_donation,
    province_campaign,
    disbursement,
    house,
    state_support,
    household,
    campaign,
    membership,
    area,
    document,
    document_section,
    document_text,
]


def _lands_on_the_first_record(client, first, second):
    assert first.status_code == 302, first.status_code
    assert second.status_code == 302, second.status_code
    assert second["Location"] == first["Location"]
    notices = " ".join(str(m) for m in get_messages(second.wsgi_request))
    assert "Biểu mẫu này đã được gửi trước đó" in notices


@pytest.mark.django_db
@pytest.mark.parametrize("build", FORMS, ids=lambda build: build.__name__)
def test_a_double_click_creates_one_record_and_lands_on_it(world, login, build):
    form = build(world)
    client = login(world.users[form.role])
    before = form.model.objects.count()
    first, second = post_twice(client, form.url, form.data, form_url=form.form_url)
    assert form.model.objects.count() == before + 1
    _lands_on_the_first_record(client, first, second)


@pytest.mark.django_db
def test_a_repeat_validated_just_after_the_first_post_committed_lands_on_its_record(
    world, login, monkeypatch
):
    # Two posts at once: the first commits its area (and claims the token) after the second
    # found the token free but before the second's form checks that the name is free.
    client = login(world.users["ward_officer"])
    form = area(world)
    token = form_token(client.get(form.url))
    first_post = {}
    real_full_clean = ResidentialAreaForm.full_clean

    def first_post_commits_meanwhile(self):
        if not first_post:
            first_post["area"] = ResidentialArea.objects.create(
                ward=world.ward_x, kind="khom", name=form.data["name"]
            )
            FormSubmission.objects.create(
                token=token,
                user=world.users["ward_officer"],
                content_type=ContentType.objects.get_for_model(ResidentialArea),
                object_id=first_post["area"].pk,
            )
        return real_full_clean(self)

    monkeypatch.setattr(ResidentialAreaForm, "full_clean", first_post_commits_meanwhile)
    second = client.post(form.url, {**form.data, "submission": token})
    assert second.status_code == 302
    assert ResidentialArea.objects.filter(name=form.data["name"]).count() == 1
    notices = " ".join(str(m) for m in get_messages(second.wsgi_request))
    assert "Biểu mẫu này đã được gửi trước đó" in notices


@pytest.mark.django_db
def test_a_form_sent_back_with_errors_keeps_its_token_and_saves_once_corrected(world, login):
    client = login(world.users["ward_officer"])
    form = donation(world)
    token = form_token(client.get(form.url))
    bad = client.post(form.url, {**form.data, "amount": "12,5", "submission": token})
    assert bad.status_code == 400
    assert form_token(bad) == token  # the same form, not a new one
    good = client.post(form.url, {**form.data, "submission": token})
    assert good.status_code == 302
    assert Donation.objects.count() == 1
    # A new form is a new donation: the token was the first form's only.
    again = client.post(form.url, {**form.data, "submission": form_token(client.get(form.url))})
    assert again["Location"] != good["Location"]
    assert Donation.objects.count() == 2


@pytest.mark.django_db
def test_the_token_of_a_saved_form_is_never_given_to_the_next_one(world, login):
    # An htmx section add answers with the outline, whose add form must be a new one.
    client = login(world.users["ward_officer"])
    form = document_section(world)
    token = form_token(client.get(form.form_url))
    outline = client.post(form.url, {**form.data, "submission": token}, HTTP_HX_REQUEST="true")
    assert outline.status_code == 200
    assert form_token(outline) != token


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks under real concurrency: PostgreSQL run"
)
@pytest.mark.parametrize("build", FORMS, ids=lambda build: build.__name__)
def test_two_posts_at_the_same_moment_create_one_record(world, transactional_db, build):
    form = build(world)
    before = form.model.objects.count()
    first, second = post_at_once(
        world.users[form.role], form.url, form.data, form_url=form.form_url
    )
    assert form.model.objects.count() == before + 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks under real concurrency: PostgreSQL run"
)
def test_two_tabs_saving_the_same_area_at_once_get_one_record_and_a_clear_refusal(
    world, transactional_db
):
    # Two forms (two tokens), the same name: the database keeps one, the other is told why.
    form = area(world)
    clients = [logged_in(world.users["ward_officer"]) for _ in range(2)]
    posts = [{**form.data, "submission": form_token(client.get(form.url))} for client in clients]
    responses = at_once(
        *(lambda c=c, d=d: c.post(form.url, d) for c, d in zip(clients, posts, strict=True))
    )
    assert sorted(response.status_code for response in responses) == [200, 302]
    refused = next(response for response in responses if response.status_code == 200)
    assert "Phường, xã đã có khu dân cư mang tên này." in refused.content.decode()
    assert ResidentialArea.objects.filter(name=form.data["name"]).count() == 1
