"""Errors on the monthly entry page lead to the cell: a refused field is marked and named in a
summary whose lines link to it, rules between indicators are told with the indicators' names,
and the rows behind a broken rule carry a mark."""

import lxml.html
import pytest

from reports import selectors
from reports.models import Indicator, ValidationRule
from tests.reports.conftest import PERIOD, entry_opened, entry_url, post_entry


def tree(response):
    return lxml.html.fromstring(response.content.decode())


def name_of(code):
    return Indicator.objects.get(code=code).name


def text(element):
    return " ".join(element.text_content().split())


def summary_links(page) -> dict[str, str]:
    """The error summary's links: target → the line's text."""
    links = page.xpath('//*[@id="error-summary"]//li/a')
    return {link.get("href"): text(link.getparent()) for link in links}


@pytest.mark.django_db
def test_a_refused_figure_is_marked_listed_and_linked(world, login):
    client = login(world.users["ward_officer"])
    response = post_entry(client, world.ward_x, TT_BUOI="năm", TT_LUOT="852")
    assert response.status_code == 400
    page = tree(response)
    field = page.get_element_by_id("id_v_TT_BUOI")
    assert "is-invalid" in field.get("class").split()
    assert "form-control" in field.get("class").split()
    feedback = page.get_element_by_id(field.get("aria-describedby"))
    assert "invalid-feedback" in feedback.get("class")
    message = text(feedback)
    assert message
    # The field typed correctly is not marked, and keeps what was typed.
    other = page.get_element_by_id("id_v_TT_LUOT")
    assert "is-invalid" not in other.get("class").split()
    assert other.get("value") == "852"
    # The summary names the indicator and links to its field.
    assert summary_links(page) == {"#id_v_TT_BUOI": f"{name_of('TT_BUOI')}: {message}"}
    # The browser is told the save was refused (static/js/entry-form.js moves focus).
    assert page.get_element_by_id("entry-form").get("data-failed") is not None


@pytest.mark.django_db
def test_a_ratio_without_its_denominator_names_the_denominator(world, login):
    active = selectors.active_indicators(PERIOD)
    ratio = next(i for i in active if i.kind == Indicator.Kind.RATIO and not i.source)
    client = login(world.users["ward_officer"])
    response = post_entry(client, world.ward_x, **{ratio.code: "3"})
    assert response.status_code == 400
    page = tree(response)
    denominator = page.get_element_by_id(f"id_d_{ratio.code}")
    assert "is-invalid" in denominator.get("class").split()
    assert summary_links(page) == {
        f"#id_d_{ratio.code}": f"{ratio.name} (mẫu số): Nhập cả mẫu số của tỷ lệ."
    }


@pytest.mark.django_db
def test_a_broken_rule_is_told_by_names_and_marks_its_rows(world, save, report_x, login):
    save(report_x, BC_CUTRI=6688, BC_DIBAU=6700, TT_BUOI=4)
    rule = ValidationRule.objects.get(left="BC_DIBAU", right="BC_CUTRI")
    page = tree(login(world.users["ward_officer"]).get(entry_url(world.ward_x)))
    line = summary_links(page)["#id_v_BC_DIBAU"]
    assert line == (
        f"Lỗi: {rule.message} ({name_of('BC_DIBAU')} = 6.700; {name_of('BC_CUTRI')} = 6.688)"
    )
    assert "BC_DIBAU" not in line and "BC_CUTRI" not in line
    for code in ("BC_DIBAU", "BC_CUTRI"):
        row = page.get_element_by_id(f"row-{code}")
        assert "rule-error" in row.get("class").split()
        assert f"Lỗi kiểm tra: {rule.message}" in text(row)
    untouched = page.get_element_by_id("row-TT_BUOI")
    assert "rule-error" not in untouched.get("class").split()
    assert "Lỗi kiểm tra" not in text(untouched)


@pytest.mark.django_db
def test_a_rule_over_a_sum_names_every_indicator_of_the_sum(world, save, report_x, login):
    save(report_x, HN_NGHEO=10, HN_CANNGHEO=5, HN_TONGHO=14)
    rule = ValidationRule.objects.get(left="HN_NGHEO + HN_CANNGHEO")
    page = tree(login(world.users["ward_officer"]).get(entry_url(world.ward_x)))
    line = summary_links(page)["#id_v_HN_NGHEO"]
    left = f"{name_of('HN_NGHEO')} + {name_of('HN_CANNGHEO')}"
    assert line == f"Lỗi: {rule.message} ({left} = {10 + 5}; {name_of('HN_TONGHO')} = 14)"
    for code in ("HN_NGHEO", "HN_CANNGHEO", "HN_TONGHO"):
        assert "rule-error" in page.get_element_by_id(f"row-{code}").get("class").split()


@pytest.mark.django_db
def test_a_warning_links_to_its_explanation_and_marks_its_rows(world, save, report_x, login):
    save(report_x, GS_KIENNGHI=3, GS_GIAIQUYET=5)
    rule = ValidationRule.objects.get(left="GS_GIAIQUYET", right="GS_KIENNGHI")
    page = tree(login(world.users["ward_officer"]).get(entry_url(world.ward_x)))
    line = summary_links(page)[f"#id_x_{rule.pk}"]
    assert line.startswith(f"Cảnh báo: {rule.message} ({name_of('GS_GIAIQUYET')} = 5 so với")
    assert page.get_element_by_id(f"id_x_{rule.pk}").tag == "input"
    for code in ("GS_GIAIQUYET", "GS_KIENNGHI"):
        row = page.get_element_by_id(f"row-{code}")
        assert "rule-warning" in row.get("class").split()
        assert f"Cảnh báo: {rule.message}" in text(row)


@pytest.mark.django_db
def test_a_blocked_submission_comes_back_marked_as_refused(world, save, report_x, login):
    save(report_x, BC_CUTRI=6688, BC_DIBAU=6700)
    client = login(world.users["ward_officer"])
    data = {**entry_opened(client, world.ward_x), "action": "submit"}
    response = client.post(entry_url(world.ward_x), {**data, "v_BC_CUTRI": "6688"})
    assert response.status_code == 400
    page = tree(response)
    assert page.get_element_by_id("entry-form").get("data-failed") is not None
    assert "#id_v_BC_DIBAU" in summary_links(page)
    assert "rule-error" in page.get_element_by_id("row-BC_DIBAU").get("class").split()


@pytest.mark.django_db
def test_the_group_index_leads_to_every_group(world, login):
    page = tree(login(world.users["ward_officer"]).get(entry_url(world.ward_x)))
    links = page.xpath('//nav[@aria-label="Các nhóm chỉ tiêu"]//a')
    groups = {indicator.group for indicator in selectors.active_indicators(PERIOD)}
    assert len(groups) > 1
    shown = {link.get("href"): text(link) for link in links}
    for group in groups:
        assert shown[f"#group-{group.pk}"] == group.name
        assert page.get_element_by_id(f"group-{group.pk}").tag == "fieldset"
    # An untouched page has nothing to correct, and no marked row.
    assert not page.xpath('//*[@id="error-summary"]')
    assert not page.xpath('//*[contains(@class, "is-invalid") or contains(@class, "rule-error")]')


@pytest.mark.django_db
def test_save_buttons_say_work_is_under_way_and_readers_are_not_guarded(world, login):
    page = tree(login(world.users["ward_officer"]).get(entry_url(world.ward_x)))
    form = page.get_element_by_id("entry-form")
    assert form.get("data-busy") is not None and form.get("data-guard-unsaved") is not None
    buttons = {text(b): b.get("data-busy-text") for b in form.xpath(".//button[@type='submit']")}
    assert buttons == {"Lưu nháp": "Đang lưu…", "Lưu và gửi duyệt": "Đang lưu và gửi…"}
    # The party viewer cannot type: no warning when leaving.
    reader = tree(login(world.users["party_viewer"]).get(entry_url(world.ward_x)))
    assert reader.get_element_by_id("entry-form").get("data-guard-unsaved") is None


@pytest.mark.django_db
def test_a_refused_area_figure_opens_its_breakdown_and_names_the_area(world, login):
    client = login(world.users["ward_officer"])
    field = f"a_HN_NGHEO_{world.area_x.pk}"
    data = {**entry_opened(client, world.ward_x), "action": "save", field: "-4"}
    response = client.post(entry_url(world.ward_x), data)
    assert response.status_code == 400
    page = tree(response)
    element = page.get_element_by_id(f"id_{field}")
    assert "is-invalid" in element.get("class").split()
    assert element.xpath("ancestor::details")[0].get("open") is not None
    message = text(page.get_element_by_id(element.get("aria-describedby")))
    assert summary_links(page) == {
        f"#id_{field}": f"{name_of('HN_NGHEO')} – {world.area_x.name}: {message}"
    }


@pytest.mark.django_db
def test_the_import_page_says_it_is_uploading(world, login):
    client = login(world.users["ward_officer"])
    page = tree(client.get(entry_url(world.ward_x, name="reports:entry_import")))
    form = page.get_element_by_id("upload-form")
    assert form.get("data-busy") is not None
    assert form.xpath(".//button[@type='submit']/@data-busy-text") == ["Đang tải lên…"]
