import pytest
from django.conf import settings
from django.db.models.signals import post_migrate

from tests import factories
from wards.models import MassOrganisation, RoleAssignment

Role = RoleAssignment.Role
# The `replica` fixture: a read replica mirroring the test database.
pytest_plugins = ["tests.replicas"]


def pytest_configure():
    # Real hashers spend ~0.3 s per password by design; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A process's own memory of its last anonymous pages (a second at most in production)
    # would show one test the pages of the one before; tests/wards/test_page_cache.py sets it.
    settings.PAGE_CACHE_LOCAL_SECONDS = 0
    post_migrate.connect(_catalogues_back_after_flush, dispatch_uid="tests-catalogues")


def _catalogues_back_after_flush(sender, using, **kwargs):
    """A test in real transactions ends by emptying every table, the catalogues the migrations
    loaded included; Django's flush then sends post_migrate. Put the default catalogues back
    there, so that whichever test a worker runs next (pytest-xdist does not keep transactional
    tests last) finds them as the migrations left them."""
    from reports.catalogue import load_default_catalogue
    from reports.models import Indicator, IndicatorGroup, RatingCategory, ValidationRule
    from wards.catalogue import load_default_organisations
    from wards.models import MassOrganisation

    if sender.label != "reports" or Indicator.objects.using(using).exists():
        return
    load_default_organisations(MassOrganisation)
    load_default_catalogue(
        IndicatorGroup,
        Indicator,
        ValidationRule,
        with_campaign_sources=True,
        RatingCategory=RatingCategory,
        MassOrganisation=MassOrganisation,
    )


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path_factory):
    """Uploaded photos and stored PDFs go to a temporary folder, never the checkout's media/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


class World:
    """Two provinces; province A has wards X and Y, province B has ward Z; a user per role."""

    def __init__(self):
        self.province_a = factories.province(code="91", name="Tỉnh An Giang")
        self.province_b = factories.province(code="01", name="Thành phố Hà Nội")
        self.ward_x = factories.ward(
            province_obj=self.province_a, code="30301", name="Phường Mỹ Thới"
        )
        self.ward_y = factories.ward(
            province_obj=self.province_a, code="30302", name="Phường Long Xuyên"
        )
        self.ward_z = factories.ward(
            province_obj=self.province_b, code="00070", name="Phường Hoàn Kiếm"
        )
        self.area_x = factories.area(ward_obj=self.ward_x, name="Khóm Đông Thịnh 1")
        self.area_y = factories.area(ward_obj=self.ward_y, name="Khóm Bình Khánh")
        self.membership_x = factories.membership(ward_obj=self.ward_x)
        self.membership_y = factories.membership(ward_obj=self.ward_y)
        self.users = {
            "ward_officer": factories.user(role=Role.WARD_OFFICER, ward_obj=self.ward_x),
            "ward_chair": factories.user(role=Role.WARD_CHAIR, ward_obj=self.ward_x),
            "party_viewer": factories.user(role=Role.PARTY_VIEWER, ward_obj=self.ward_x),
            "province_officer": factories.user(
                role=Role.PROVINCE_OFFICER, province_obj=self.province_a
            ),
            "province_chair": factories.user(
                role=Role.PROVINCE_CHAIR, province_obj=self.province_a
            ),
            "province_viewer": factories.user(
                role=Role.PROVINCE_VIEWER, province_obj=self.province_a
            ),
            # Organisation officers (wards): the head of ward X's Hội LHPN.
            "organisation_officer": factories.user(
                role=Role.ORGANISATION_OFFICER,
                ward_obj=self.ward_x,
                organisation_obj=MassOrganisation.objects.get(short_name="Hội LHPN"),
            ),
            "admin": factories.user(superuser=True),
            "unassigned": factories.user(),
        }


@pytest.fixture
def world(db):
    return World()


@pytest.fixture
def fund(world):
    """Quỹ Vì người nghèo 2026 of ward X."""
    return factories.fund(ward_obj=world.ward_x)


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def fuzz_world(world):
    """The permission world plus one of everything the forms point at, in ward X."""
    import datetime

    from reports.models import MonthlyReport

    day, status = datetime.date, MonthlyReport.Status
    ward = world.ward_x
    world.fund = factories.fund(ward_obj=ward)
    world.household = factories.household(ward_obj=ward)
    world.house = factories.house(ward_obj=ward, household_obj=world.household)
    world.donation = factories.donation(
        fund_obj=world.fund,
        user=world.users["ward_officer"],
        received_on=day(2026, 1, 5),
        donor_kind="individual",
        donor_name="Nguyễn Văn Bình",
        amount=5_000_000,
    )
    world.drive = factories.province_drive(province_obj=world.province_a)
    world.province_donation = factories.donation(
        fund_obj=world.drive,
        user=world.users["province_officer"],
        received_on=day(2026, 1, 6),
        donor_kind="organisation",
        donor_name="Công ty CP Lương thực An Giang",
        amount=50_000_000,
    )
    MonthlyReport.objects.create(ward=ward, period=day(2025, 11, 1), status=status.SUBMITTED)
    MonthlyReport.objects.create(ward=ward, period=day(2025, 12, 1), status=status.APPROVED)
    world.document = factories.document(
        ward_obj=ward,
        user=world.users["ward_officer"],
        kind="month",
        starts_on=day(2025, 10, 1),
        ends_on=day(2025, 10, 31),
    )
    world.section = world.document.sections.order_by("position").first()
    return world
