"""Organisation officers (the heads of member organisations, vice-chairs of the committee):
the role names one organisation, writes only that organisation's part (memberships, drives),
and the ward dashboard shows the ward by organisation, totals recomputed from raw rows."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from campaigns import services as campaign_services
from campaigns.models import Campaign, Donation
from tests import factories
from tests.once import form_token
from tests.reports.dashboards.test_figures import read_csv, ward_url
from wards.models import MassOrganisation, Membership, RoleAssignment

Role = RoleAssignment.Role


def organisation(short_name):
    return MassOrganisation.objects.get(short_name=short_name)


@pytest.fixture
def officer(world):
    return world.users["organisation_officer"]  # Hội LHPN of ward X


def drive(ward, org, name="Cuộc vận động của Hội LHPN phường"):
    return factories.fund(
        ward_obj=ward, name=name, organisation=org, starts_on=datetime.date(2025, 1, 1)
    )


# --- The role ---------------------------------------------------------------------------------


def test_the_role_needs_its_organisation_and_no_other_role_names_one(world):
    lhpn = organisation("Hội LHPN")
    user = factories.user()
    without = RoleAssignment(user=user, role=Role.ORGANISATION_OFFICER, ward=world.ward_x)
    with pytest.raises(ValidationError) as refused:
        without.validate_constraints()
    assert "cần chọn thêm đúng một tổ chức" in " ".join(refused.value.messages)
    with pytest.raises(IntegrityError), transaction.atomic():
        without.save()
    officer_with_org = RoleAssignment(
        user=factories.user(), role=Role.WARD_OFFICER, ward=world.ward_x, organisation=lhpn
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        officer_with_org.save()
    province_with_org = RoleAssignment(
        user=factories.user(),
        role=Role.PROVINCE_OFFICER,
        province=world.province_a,
        organisation=lhpn,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        province_with_org.save()
    good = RoleAssignment.objects.create(
        user=user, role=Role.ORGANISATION_OFFICER, ward=world.ward_x, organisation=lhpn
    )
    assert RoleAssignment.objects.get(pk=good.pk).organisation == lhpn


def test_the_officer_reads_its_ward_only(world, officer, login):
    client = login(officer)
    assert client.get(reverse("wards:detail", args=[world.ward_x.code])).status_code == 200
    assert client.get(reverse("wards:detail", args=[world.ward_y.code])).status_code == 404
    assert client.get(reverse("wards:area_create", args=[world.ward_x.code])).status_code == 403


# --- Memberships ------------------------------------------------------------------------------


def membership_post(org, members, eligible, token_page):
    return {
        "organisation": str(org.pk),
        "as_of": "31/10/2025",
        "members": str(members),
        "eligible": str(eligible),
        **token_page,
    }


def create_token(client, ward):
    """The create form's one-time token, as the browser posts it back."""
    page = client.get(reverse("wards:membership_create", args=[ward.code]))
    assert page.status_code == 200
    return {"submission": form_token(page)}


def test_the_officer_adds_its_organisations_memberships_only(world, officer, login):
    client = login(officer)
    url = reverse("wards:membership_create", args=[world.ward_x.code])
    lhpn, farmers = organisation("Hội LHPN"), organisation("Hội Nông dân")
    before = Membership.objects.count()

    refused = client.post(url, membership_post(farmers, 10, 20, create_token(client, world.ward_x)))
    # Hội Nông dân is no choice on its form: refused by the form, in Vietnamese.
    assert refused.status_code in (200, 400)
    assert "Hội Nông dân" not in refused.context["form"].fields[
        "organisation"
    ].queryset.values_list("short_name", flat=True)
    assert refused.context["form"].errors["organisation"]
    assert Membership.objects.count() == before  # another organisation's: nothing written

    added = client.post(url, membership_post(lhpn, 450, 500, create_token(client, world.ward_x)))
    assert added.status_code == 302
    saved = Membership.objects.get(ward=world.ward_x, organisation=lhpn)
    assert (saved.members, saved.eligible) == (450, 500)


def test_another_organisations_membership_cannot_be_changed(world, officer, login):
    client = login(officer)
    other = world.membership_x  # a test organisation, not Hội LHPN
    for name in ("wards:membership_update", "wards:membership_delete"):
        url = reverse(name, args=[world.ward_x.code, other.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"members": "1", "eligible": "2"}).status_code == 403
    assert Membership.objects.filter(pk=other.pk, members=other.members).exists()


# --- The organisation's drives ----------------------------------------------------------------


def test_the_officer_creates_its_organisations_drive(world, officer, login):
    client = login(officer)
    url = reverse("campaigns:create", args=[world.ward_x.code])
    token = {"submission": form_token(client.get(url))}
    posted = client.post(
        url,
        {
            "name": "Cuộc vận động của Hội LHPN phường",
            "kind": Campaign.Kind.FUND,
            "fund": Campaign.Fund.OTHER,
            "organisation": str(organisation("Hội LHPN").pk),
            "starts_on": "01/10/2025",
            "status": Campaign.Status.ACTIVE,
            **token,
        },
    )
    assert posted.status_code == 302
    created = Campaign.objects.get(name="Cuộc vận động của Hội LHPN phường")
    assert (created.ward, created.organisation) == (world.ward_x, organisation("Hội LHPN"))


def gift(client, ward, campaign, amount):
    url = reverse("campaigns:donation_create", args=[ward.code, campaign.pk])
    page = client.get(url)
    if page.status_code != 200:
        return page
    token = {"submission": form_token(page)}
    return client.post(
        url,
        {
            "received_on": "05/10/2025",
            "donor_kind": Donation.DonorKind.ANONYMOUS,
            "form": Donation.Form.CASH,
            "channel": Donation.Channel.CASH,
            "amount": str(amount),
            **token,
        },
    )


def test_gifts_in_its_own_organisations_drive_only(world, officer, login):
    own = drive(world.ward_x, organisation("Hội LHPN"))
    farmers = drive(world.ward_x, organisation("Hội Nông dân"), name="Vận động của Hội Nông dân")
    committee = factories.fund(ward_obj=world.ward_x, name="Quỹ Vì người nghèo 2025")
    client = login(officer)

    recorded = gift(client, world.ward_x, own, 250_000)
    assert recorded.status_code == 302
    assert list(Donation.objects.filter(campaign=own).values_list("amount", flat=True)) == [250_000]
    for other in (farmers, committee):
        assert gift(client, world.ward_x, other, 100_000).status_code == 403
        assert not Donation.objects.filter(campaign=other).exists()


def test_the_service_refuses_another_organisations_drive(world, officer):
    farmers = drive(world.ward_x, organisation("Hội Nông dân"), name="Vận động của Hội Nông dân")
    with pytest.raises(campaign_services.FundRefusal) as refused:
        campaign_services.donation_record(
            campaign=farmers,
            ward=world.ward_x,
            user=officer,
            received_on=datetime.date(2025, 10, 5),
            donor_kind=Donation.DonorKind.ANONYMOUS,
            amount=100_000,
        )
    assert "cuộc vận động của tổ chức mình phụ trách" in str(refused.value)
    assert not Donation.objects.filter(campaign=farmers).exists()
    # The ward's officer still records in every drive of the ward.
    campaign_services.donation_record(
        campaign=farmers,
        ward=world.ward_x,
        user=world.users["ward_officer"],
        received_on=datetime.date(2025, 10, 5),
        donor_kind=Donation.DonorKind.ANONYMOUS,
        amount=100_000,
    )
    assert Donation.objects.filter(campaign=farmers).count() == 1


def test_the_service_refuses_a_drive_of_another_organisation_at_creation(world, officer):
    with pytest.raises(Exception) as refused:
        campaign_services.campaign_create(
            ward=world.ward_x,
            user=officer,
            name="Vận động của Hội Nông dân",
            kind=Campaign.Kind.FUND,
            organisation=organisation("Hội Nông dân"),
            starts_on=datetime.date(2025, 10, 1),
        )
    assert "tổ chức mình phụ trách" in str(refused.value)
    assert not Campaign.objects.filter(name="Vận động của Hội Nông dân").exists()


# --- The dashboard by organisation ------------------------------------------------------------


def rate_text(members, eligible):
    """One decimal, half up, decimal comma: as the CSV writes a rate."""
    rate = (Decimal(members) * 100 / Decimal(eligible)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return str(rate).replace(".", ",")


def test_the_dashboard_table_by_organisation(world, login):
    lhpn, farmers = organisation("Hội LHPN"), organisation("Hội Nông dân")
    as_of = datetime.date(2025, 1, 31)
    memberships = {lhpn: (450, 500), farmers: (10, 100)}
    for org, (members, eligible) in memberships.items():
        factories.membership(
            ward_obj=world.ward_x, org=org, members=members, eligible=eligible, as_of=as_of
        )
    factories.report_values(
        world.ward_x, datetime.date(2025, 1, 1), TV_LHPN_MOI=7, TV_ND_MOI=3, TV_LHPN_CHIHOI=12
    )
    factories.report_values(world.ward_x, datetime.date(2025, 2, 1), TV_LHPN_MOI=5)
    own = drive(world.ward_x, lhpn)
    officer = world.users["ward_officer"]
    cash = [1_500_000, 250_000]
    for amount in cash:
        factories.donation(
            fund_obj=own, user=officer, amount=amount, received_on=datetime.date(2025, 2, 10)
        )
    factories.donation(
        fund_obj=own,
        user=officer,
        amount=300_000,
        received_on=datetime.date(2025, 3, 1),
        form=Donation.Form.IN_KIND,
        in_kind_description="Gạo",
        in_kind_quantity=Decimal("100"),
        in_kind_unit="kg",
    )
    client = login(world.users["party_viewer"])
    period = {"tu": "01/2025", "den": "03/2025"}

    page = client.get(ward_url(world.ward_x, **period)).content.decode()
    assert 'data-testid="table-to-chuc"' in page and "Theo tổ chức thành viên" in page

    rows = read_csv(client.get(ward_url(world.ward_x, format="csv", bang="to-chuc", **period)))
    assert rows[0][0] == "Tổ chức"
    by_name = {row[0]: row for row in rows[1:]}
    lhpn_row, farmers_row, total = (
        by_name["Hội LHPN"],
        by_name["Hội Nông dân"],
        by_name["Tổng cộng"],
    )
    assert lhpn_row[1:4] == ["450", "500", rate_text(450, 500)]
    assert lhpn_row[4] == str(7 + 5)  # new members: a flow, months added
    assert lhpn_row[5] == "12"  # branches: a stock
    assert (int(lhpn_row[6]), int(lhpn_row[7])) == (sum(cash), 300_000)  # cash, goods apart
    assert farmers_row[1:5] == ["10", "100", rate_text(10, 100), "3"]
    members = sum(m for m, _ in memberships.values())
    eligible = sum(e for _, e in memberships.values())
    assert total[1:4] == [str(members), str(eligible), rate_text(members, eligible)]
    average = (Decimal(450) / 500 + Decimal(10) / 100) * 50
    assert total[3] != str(average.quantize(Decimal("0.1"))).replace(".", ",")
    assert total[4] == str(7 + 5 + 3)
    assert (int(total[6]), int(total[7])) == (sum(cash), 300_000)
