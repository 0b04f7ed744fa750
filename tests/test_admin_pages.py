"""Every page of the admin site works for a superuser, for every model registered in it.

The models come from the admin site itself (admin.site._registry): a model registered later is
covered without touching this file, and the test fails until it has an object to show
(`admin_world`) and, if it can be added, the values an admin would type (`ADD_FORM_VALUES`).
Forms are submitted as a browser would: every input the page rendered with its value, plus
what the admin types.
"""

import datetime
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_otp.plugins.otp_totp.models import TOTPDevice

from reports import services
from reports.documents.tasks import render_document_pdf
from reports.models import Indicator, IndicatorGroup, MonthlyReport
from reports.notices import services as notice_services
from tests import factories
from wards.models import Province, ResidentialArea, RoleAssignment, Ward

Role = RoleAssignment.Role
User = get_user_model()

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
NEW_PASSWORD = "mat-khau-can-bo-moi-2025"


def _label(model):
    return model._meta.label


def _url(model, view, *args):
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


# --- What the admin types in each add form (besides what the page fills in itself) ---------


def _indicator_codes():
    return list(Indicator.objects.filter(source="").order_by("code").values_list("code", flat=True))


ADD_FORM_VALUES = {
    "auth.Group": lambda w: {"name": "Cán bộ tỉnh (nhóm thử)"},
    "auth.User": lambda w: {
        "username": "canbo_moi",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    },
    "otp_totp.TOTPDevice": lambda w: {
        "user": w.users["province_officer"].pk,
        "name": "Điện thoại dự phòng",
    },
    "wards.Province": lambda w: {
        "code": "96",
        "name": "Tỉnh Cà Mau",
        "kind": Province.Kind.PROVINCE,
    },
    "wards.Ward": lambda w: {
        "code": "32002",
        "name": "Phường An Xuyên",
        "kind": Ward.Kind.WARD,
        "province": w.province_b.pk,
    },
    "wards.ResidentialArea": lambda w: {
        "ward": w.ward_x.pk,
        "name": "Khóm Đông Thịnh 2",
        "kind": ResidentialArea.Kind.NEIGHBOURHOOD,
    },
    "wards.MassOrganisation": lambda w: {
        "name": "Hội Người cao tuổi (thử)",
        "short_name": "Hội NCT",
    },
    "wards.Membership": lambda w: {
        "ward": w.ward_z.pk,
        "organisation": w.membership_x.organisation.pk,
        "as_of": "30/06/2025",
        "members": "1200",
        "eligible": "1500",
    },
    "wards.RoleAssignment": lambda w: {
        "user": w.users["unassigned"].pk,
        "role": Role.WARD_OFFICER,
        "ward": w.ward_y.pk,
    },
    "reports.IndicatorGroup": lambda w: {"name": "Công tác giám sát (thử)"},
    "reports.Indicator": lambda w: {
        "code": "GS_THU",
        "name": "Số cuộc giám sát (thử)",
        "group": IndicatorGroup.objects.order_by("pk").first().pk,
        "unit": "cuộc",
        "kind": Indicator.Kind.COUNT,
        "rollup": Indicator.Rollup.SUM,
    },
    "reports.RatingCategory": lambda w: {
        "indicator": Indicator.objects.get(code="XL_BCTMT").pk,
        "name": "Khá (thử)",
        "display_order": "25",
    },
    "reports.ValidationRule": lambda w: {
        "left": _indicator_codes()[0],
        "operator": "<=",
        "right": _indicator_codes()[1],
        "severity": "warning",
        "message": "Chỉ tiêu thứ nhất thường không lớn hơn chỉ tiêu thứ hai.",
    },
}


# --- Submitting a rendered form as a browser would -------------------------------------------


class _FormFields(HTMLParser):
    """The name/value pairs a browser submits from the form with this id, untouched."""

    SKIPPED_TYPES = {"submit", "button", "reset", "image", "file"}

    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.pairs = []
        self._select = None  # [name, multiple, options, selected]
        self._textarea = None  # [name, text]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = attrs.get("name")
        disabled = "disabled" in attrs
        if tag == "input" and name and not disabled:
            kind = attrs.get("type", "text").lower()
            if kind in self.SKIPPED_TYPES:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.pairs.append((name, attrs.get("value") or "on"))
                return
            self.pairs.append((name, attrs.get("value") or ""))
        elif tag == "select" and name and not disabled:
            self._select = [name, "multiple" in attrs, [], []]
        elif tag == "option" and self._select is not None:
            value = attrs.get("value") or ""
            self._select[2].append(value)
            if "selected" in attrs:
                self._select[3].append(value)
        elif tag == "textarea" and name and not disabled:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            name, multiple, options, selected = self._select
            if not selected and not multiple and options:
                selected = options[:1]  # a browser submits the first option
            self.pairs.extend((name, value) for value in selected)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # The HTML parser keeps the newline that follows <textarea>; a browser drops it.
            self.pairs.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def submitted_form(response, model, **typed):
    """What the admin form on this page submits, with `typed` replacing what was there."""
    parser = _FormFields(f"{model._meta.model_name}_form")
    parser.feed(response.content.decode())
    assert parser.pairs, f"no form #{model._meta.model_name}_form on the page"
    data = {}
    for name, value in parser.pairs:
        data.setdefault(name, []).append(value)
    for name, value in typed.items():
        data[name] = value if isinstance(value, list) else [str(value)]
    data["_save"] = ["Lưu"]
    return data


def form_errors(response):
    """The errors an admin page shows after a refused save, for a readable failure."""
    if response.context is None or "adminform" not in response.context:
        return response.content.decode()[:2000]
    errors = dict(response.context["adminform"].form.errors)
    for formset in response.context.get("inline_admin_formsets", []):
        errors[formset.formset.prefix] = formset.formset.errors
    return errors


# --- One object of every registered model -----------------------------------------------------


@pytest.fixture
def admin_world(world):
    """The shared world plus one object of each model the world does not build."""
    Group.objects.create(name="Cán bộ MTTQ tỉnh")
    # A right then a wrong password on the login page: django-axes records both.
    officer = world.users["ward_officer"]
    Client().post(reverse("login"), {"username": officer.username, "password": factories.PASSWORD})
    Client().post(reverse("login"), {"username": officer.username, "password": "sai-mat-khau"})
    # A PDF rendering queued while no worker runs (its document id is never read here).
    render_document_pdf.enqueue(document_id=1)
    TOTPDevice.objects.create(
        user=world.users["province_officer"], name="Ứng dụng xác thực", confirmed=True
    )
    report = MonthlyReport.objects.create(ward=world.ward_x, period=datetime.date(2025, 10, 1))
    services.report_save(
        report=report,
        user=officer,
        entries={code: services.Entry(12) for code in _indicator_codes()[:3]},
    )
    # Notices the sender made (reports/notices): October's draft is due on 05/11/2025.
    notice_services.notices_create(today=datetime.date(2025, 11, 3), now=timezone.now())
    # A commune abolished in 2025, which ward X replaced.
    factories.former_ward(successors=[world.ward_x], name="Phường Mỹ Thạnh")
    missing = [_label(m) for m in REGISTERED if not m._default_manager.exists()]
    assert not missing, f"admin_world builds no object of {missing}: add one there"
    return world


@pytest.fixture
def superuser_client(client, admin_world):
    client.force_login(admin_world.users["admin"])
    return client


def _model_admin(model):
    return admin.site._registry[model]


def _request_as(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


# --- Every page of every registered model ---------------------------------------------------


@pytest.mark.parametrize("model", REGISTERED, ids=_label)
def test_changelist_add_change_and_history_pages_answer(superuser_client, admin_world, model):
    obj = model._default_manager.order_by("pk").first()
    model_admin = _model_admin(model)
    can_add = model_admin.has_add_permission(_request_as(admin_world.users["admin"]))

    assert superuser_client.get(_url(model, "changelist")).status_code == 200
    assert superuser_client.get(_url(model, "add")).status_code == (200 if can_add else 403)
    change = superuser_client.get(_url(model, "change", obj.pk))
    assert change.status_code == 200
    assert escape(str(obj)) in change.content.decode()
    assert superuser_client.get(_url(model, "history", obj.pk)).status_code == 200


def test_every_model_that_can_be_added_has_the_values_an_admin_types(admin_world):
    """A new model in the admin needs its entry in ADD_FORM_VALUES (tested below)."""
    request = _request_as(admin_world.users["admin"])
    addable = {_label(m) for m in REGISTERED if _model_admin(m).has_add_permission(request)}
    assert addable == set(ADD_FORM_VALUES)


@pytest.mark.parametrize("model", REGISTERED, ids=_label)
def test_an_add_form_filled_in_saves_one_object(superuser_client, admin_world, model):
    request = _request_as(admin_world.users["admin"])
    if not _model_admin(model).has_add_permission(request):
        # Read-only in the admin by design (workflow data, logs): no form to save.
        response = superuser_client.post(_url(model, "add"), {})
        assert response.status_code == 403
        return
    assert _label(model) in ADD_FORM_VALUES, f"ADD_FORM_VALUES has no entry for {_label(model)}"
    before = model._default_manager.count()
    page = superuser_client.get(_url(model, "add"))
    typed = ADD_FORM_VALUES[_label(model)](admin_world)

    response = superuser_client.post(_url(model, "add"), submitted_form(page, model, **typed))

    assert response.status_code == 302, form_errors(response)
    assert model._default_manager.count() == before + 1


@pytest.mark.parametrize("model", REGISTERED, ids=_label)
def test_a_change_form_saved_unchanged_keeps_the_object(superuser_client, admin_world, model):
    obj = model._default_manager.order_by("pk").first()
    request = _request_as(admin_world.users["admin"])
    page = superuser_client.get(_url(model, "change", obj.pk))
    before = model._default_manager.count()
    if not _model_admin(model).has_change_permission(request, obj):
        # Shown read-only: the page has no save button and refuses a save.
        assert 'name="_save"' not in page.content.decode()
        response = superuser_client.post(_url(model, "change", obj.pk), {"_save": "Lưu"})
        assert response.status_code == 403
        return

    response = superuser_client.post(_url(model, "change", obj.pk), submitted_form(page, model))

    assert response.status_code == 302, form_errors(response)
    assert model._default_manager.count() == before
    assert model._default_manager.filter(pk=obj.pk).exists()


# --- What a province admin does when setting up officers ------------------------------------


def test_an_admin_creates_an_officer_and_gives_them_a_role(superuser_client, admin_world):
    ward = admin_world.ward_y
    page = superuser_client.get(_url(User, "add"))
    typed = {"username": "canbo_longxuyen", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    response = superuser_client.post(_url(User, "add"), submitted_form(page, User, **typed))
    assert response.status_code == 302, form_errors(response)
    officer = User.objects.get(username="canbo_longxuyen")

    page = superuser_client.get(_url(RoleAssignment, "add"))
    typed = {"user": officer.pk, "role": Role.WARD_OFFICER, "ward": ward.pk}
    response = superuser_client.post(
        _url(RoleAssignment, "add"), submitted_form(page, RoleAssignment, **typed)
    )
    assert response.status_code == 302, form_errors(response)

    # The new officer signs in and opens their ward's monthly report.
    officer_client = Client()
    login = officer_client.post(
        reverse("login"), {"username": "canbo_longxuyen", "password": NEW_PASSWORD}
    )
    assert login.status_code == 302
    entry = officer_client.get(reverse("reports:entry", args=[ward.code, 2025, 10]))
    assert entry.status_code == 200
    assert 'name="action" value="save"' in entry.content.decode()


def test_a_role_for_a_ward_without_its_ward_is_refused_in_vietnamese(superuser_client, admin_world):
    page = superuser_client.get(_url(RoleAssignment, "add"))
    typed = {"user": admin_world.users["unassigned"].pk, "role": Role.WARD_CHAIR}
    response = superuser_client.post(
        _url(RoleAssignment, "add"), submitted_form(page, RoleAssignment, **typed)
    )
    assert response.status_code == 200
    assert "cần chọn đúng một phường, xã" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=admin_world.users["unassigned"]).exists()


def test_an_admin_deactivates_an_account(superuser_client, admin_world):
    officer = admin_world.users["ward_officer"]
    page = superuser_client.get(_url(User, "change", officer.pk))
    data = submitted_form(page, User)
    assert data.pop("is_active") == ["on"]  # the box is ticked today; the admin unticks it

    response = superuser_client.post(_url(User, "change", officer.pk), data)

    assert response.status_code == 302, form_errors(response)
    officer.refresh_from_db()
    assert not officer.is_active
    assert officer.username == data["username"][0] and officer.check_password(factories.PASSWORD)
    login = Client().post(
        reverse("login"), {"username": officer.username, "password": factories.PASSWORD}
    )
    assert login.status_code == 200
    assert "_auth_user_id" not in login.wsgi_request.session


# --- Section names --------------------------------------------------------------------------

SECTIONS = {
    "auth": "Xác thực và ủy quyền",
    "axes": "Theo dõi đăng nhập",
    "django_tasks_database": "Tác vụ nền",
    "otp_totp": "Xác thực hai bước",
    "wards": "Địa bàn và cán bộ",
    "reports": "Báo cáo",
}
MODEL_NAMES = {
    "axes.AccessAttempt": "Lượt đăng nhập sai",
    "axes.AccessLog": "Nhật ký đăng nhập",
    "axes.AccessFailureLog": "Lần đăng nhập thất bại",
    "otp_totp.TOTPDevice": "Thiết bị xác thực hai bước",
    "django_tasks_database.DBTaskResult": "Kết quả tác vụ nền",
}
ENGLISH = [
    "Axes",
    "Otp_Totp",
    "Tasks Database Backend",
    "Authentication and Authorization",
    "Access attempt",
    "Access log",
    "Access failure",
    "TOTP device",
    "Task Result",
    "Groups",
    "Users",
]


def test_the_admin_index_names_every_section_in_vietnamese(superuser_client):
    response = superuser_client.get(reverse("admin:index"))
    html = response.content.decode()

    shown = {app["app_label"]: app["name"] for app in response.context["app_list"]}
    assert shown == SECTIONS
    models = {
        f"{app['app_label']}.{model['object_name']}": model["name"]
        for app in response.context["app_list"]
        for model in app["models"]
    }
    assert {label: models[label] for label in MODEL_NAMES} == MODEL_NAMES
    for name in [*SECTIONS.values(), *MODEL_NAMES.values()]:
        assert name in html
    for english in ENGLISH:
        assert english not in html, english


def test_the_pages_for_setting_up_officers_read_in_vietnamese(superuser_client, admin_world):
    """Strings newer than Django's Vietnamese catalogue, filled in by locale/vi."""
    officer = admin_world.users["ward_officer"]
    pages = {
        _url(User, "changelist"): (["Thực hiện", "Hiện số lượng"], ["Run", "Show counts"]),
        _url(User, "add"): (["Đăng nhập bằng mật khẩu"], ["Password-based authentication"]),
        _url(User, "change", officer.pk): (
            ["Đặt lại mật khẩu", "Mật khẩu không được lưu nguyên văn"],
            ["Reset password", "Raw passwords are not stored"],
        ),
        _url(User, "delete", officer.pk): (
            [f"Bạn có chắc muốn xóa người dùng “{officer.username}”?"],
            ["Are you sure you want to delete"],
        ),
    }
    for url, (vietnamese, english) in pages.items():
        html = superuser_client.get(url).content.decode()
        for text in [*vietnamese, "Chuyển đến nội dung chính"]:
            assert text in html, (url, text)
        for text in [*english, "Skip to main content", "Toggle theme"]:
            assert text not in html, (url, text)
