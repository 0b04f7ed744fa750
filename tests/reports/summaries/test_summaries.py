"""The province and national tables read per ward-month summary rows; every kind of write keeps
those rows equal to a recomputation from the raw rows, and the next page load shows it."""

import contextlib
import datetime
import random

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from campaigns import services as money
from campaigns.models import Household
from reports import services as workflow
from reports.models import IndicatorValue, MonthlyReport, WardIndicatorMonth, WardMonth
from reports.summaries import maintain
from tests import factories
from wards import services as directory
from wards.models import RoleAssignment

Role = RoleAssignment.Role
JAN, FEB, MAR, APR = (datetime.date(2025, month, 1) for month in (1, 2, 3, 4))
Q1 = {"tu": "01/2025", "den": "03/2025"}


@pytest.fixture
def fund(world):
    return factories.fund(
        ward_obj=world.ward_x, name="Quỹ Vì người nghèo", starts_on=datetime.date(2024, 1, 1)
    )


@pytest.fixture
def reader(world, login):
    """The province officer's view of ward X in the province table (as shown on the page)."""
    client = login(world.users["province_officer"])
    url = reverse("reports:dashboard_province", args=[world.province_a.code])

    def page(**params):
        return client.get(url, {**Q1, **params}).content.decode()

    def read(**params):
        response = client.get(url, {**Q1, **params})
        assert response.status_code == 200
        table = response.context["table"]
        row = next(r for r in table.rows if r[2].raw == world.ward_x.code)
        cell = dict(zip(table.headers, row, strict=True))
        return {
            "raised": cell["Tiền mặt vận động"].raw,
            "in_kind": cell["Hiện vật quy đổi"].raw,
            "grand_total": cell["Tổng cộng (tiền mặt và hiện vật quy đổi)"].raw,
            "disbursed": cell["Tiền mặt đã chi"].raw,
            "houses": cell["Nhà bàn giao"].raw,
            "sessions": cell["Buổi tuyên truyền"].raw,
            "membership": cell["Tỷ lệ tập hợp"].text.replace("\u00a0", " "),
            "approved": response.context["total"].approved,
        }

    read.page = page
    return read


def assert_equal_to_raw():
    assert maintain.drift() == []


def donate(world, fund, day, amount, **goods):
    """An anonymous gift (cash unless `goods` say in kind) recorded by ward X's officer."""
    return factories.donation(
        fund_obj=fund, user=world.users["ward_officer"], received_on=day, amount=amount, **goods
    )


def give_goods(world, fund, day, kilos, *, value=None):
    return donate(world, fund, day, value, form="in_kind", channel="other", **rice(kilos))


def pay(world, fund, day, amount, **fields):
    """A payment out of `fund` by ward X's officer: a Tết gift to the poor unless told."""
    fields.setdefault("purpose", "other")
    fields.setdefault("description", "Quà Tết hộ nghèo")
    fields.setdefault("decision_reference", "QĐ 1")
    return factories.payment(
        fund_obj=fund, user=world.users["ward_officer"], paid_on=day, amount=amount, **fields
    )


def hand_out(world, fund, day, kilos, *, value=None):
    return pay(
        world,
        fund,
        day,
        value,
        form="in_kind",
        purpose="tet_gift",
        description="Gạo tặng hộ nghèo",
        decision_reference="QĐ 2",
        **rice(kilos),
    )


def rice(kilos):
    return {"in_kind_description": "Gạo", "in_kind_quantity": kilos, "in_kind_unit": "kg"}


def test_donations_reversals_and_payments(world, fund, reader):
    assert reader()["raised"] == 0
    first = donate(world, fund, FEB, 300_000)
    assert_equal_to_raw()
    assert reader()["raised"] == 300_000
    donate(world, fund, MAR, 200_000)
    donate(world, fund, APR, 9_000_000)  # after the period
    assert reader()["raised"] == 500_000

    pay(world, fund, MAR, 150_000)
    assert_equal_to_raw()
    assert reader()["disbursed"] == 150_000

    money.donation_reverse(
        donation=first, user=world.users["ward_officer"], reason="Ghi trùng", on=MAR
    )
    assert_equal_to_raw()
    assert reader()["raised"] == 200_000


def test_a_house_handover_moved_to_another_month_leaves_the_old_one(world, reader):
    household = Household.objects.create(ward=world.ward_x, head_name="Lê Văn Hộ", category="poor")
    house = money.house_save(
        ward=world.ward_x, household=household, kind="new", started_on=JAN, handed_over_on=FEB
    )
    assert_equal_to_raw()
    assert reader()["houses"] == 1

    money.house_save(ward=world.ward_x, house=house, handed_over_on=APR)
    assert_equal_to_raw()
    assert reader()["houses"] == 0
    assert reader(den="04/2025")["houses"] == 1


def test_the_monthly_workflow(world, reader, save):
    officer, chair = world.users["ward_officer"], world.users["ward_chair"]
    report = save(MonthlyReport(ward=world.ward_x, period=FEB), officer, TT_BUOI=3)
    assert_equal_to_raw()
    assert reader()["sessions"] == 0
    assert reader(nhap="1")["sessions"] == 3

    workflow.report_submit(report=report, user=officer)
    assert_equal_to_raw()
    workflow.report_approve(report=report, user=chair)
    assert_equal_to_raw()
    assert (reader()["sessions"], reader()["approved"]) == (3, 1)

    workflow.report_reopen(report=report, user=chair, reason="Sai số buổi tuyên truyền")
    assert_equal_to_raw()
    assert (reader()["sessions"], reader()["approved"]) == (0, 0)

    save(report, officer, TT_BUOI=5)
    workflow.report_submit(report=report, user=officer)
    workflow.report_return(report=report, user=chair, comment="Bổ sung giải trình")
    assert_equal_to_raw()
    assert reader(nhap="1")["sessions"] == 5


def test_memberships_and_organisations(world, reader):
    # The world's records are dated 31/12/2025, after the period.
    assert reader()["membership"] == "—"
    organisation = factories.organisation()
    record = directory.membership_save(
        ward=world.ward_x, organisation=organisation, as_of=FEB, members=30, eligible=40
    )
    assert_equal_to_raw()
    assert reader()["membership"] == "75,0 %"

    directory.membership_save(
        ward=world.ward_x, organisation=organisation, as_of=MAR, members=20, eligible=40
    )
    assert reader()["membership"] == "50,0 %"
    assert reader(den="02/2025")["membership"] == "75,0 %"

    directory.membership_save(ward=world.ward_x, membership=record, as_of=APR)
    assert_equal_to_raw()
    assert reader()["membership"] == "50,0 %"  # March's record is now the only one in Q1

    organisation.is_active = False
    organisation.save()
    assert_equal_to_raw()
    assert reader()["membership"] == "—"

    organisation.is_active = True
    organisation.save()
    directory.membership_delete(membership=record)
    assert_equal_to_raw()
    assert reader()["membership"] == "50,0 %"


def test_an_admin_edit_of_a_membership(world, reader, login):
    record = world.membership_x
    client = login(world.users["admin"])
    response = client.post(
        reverse("admin:wards_membership_change", args=[record.pk]),
        {
            "ward": world.ward_x.pk,
            "organisation": record.organisation_id,
            "as_of": "15/02/2025",
            "members": "9",
            "eligible": "10",
        },
    )
    assert response.status_code == 302
    assert_equal_to_raw()
    assert reader()["membership"] == "90,0 %"


def officer_client(world):
    """A second browser, so the province officer's stays logged in."""
    client = Client()
    client.force_login(world.users["ward_officer"])
    return client


def test_a_confirmed_bank_statement(world, fund, reader):
    from tests.campaigns.bank import test_statements as bank

    campaign, client = fund, officer_client(world)
    preview = bank.upload(client, world, campaign, bank.csv_file(bank.STATEMENT))
    assert bank.confirm(client, world, campaign, bank.choices(preview)).status_code == 302
    assert_equal_to_raw()
    assert reader(tu="01/2026", den="01/2026")["raised"] == 6_000_000  # the duplicate unticked


def test_a_confirmed_excel_import(world, reader):
    from tests.reports import test_excel as excel

    client = officer_client(world)
    workbook = excel.sheet(["Mã chỉ tiêu", "Số liệu tháng này"], [["TT_BUOI", 4]])
    preview = excel.upload(client, world.ward_x, workbook)
    assert excel.confirm(client, world.ward_x, preview.context["token"]).status_code == 302
    assert_equal_to_raw()
    assert reader(tu="10/2025", den="10/2025", nhap="1")["sessions"] == 4


def test_the_rebuild_command_finds_and_repairs_drift(world, fund, reader, capsys):
    donate(world, fund, FEB, 300_000)
    call_command("rebuild_summaries", "--check")
    assert "khớp với dữ liệu gốc" in capsys.readouterr().out

    # A bulk write that bypasses the models (as COPY or SQL would).
    WardMonth.objects.filter(ward=world.ward_x, month=FEB).update(raised=1)
    assert reader()["raised"] == 1
    with pytest.raises(CommandError, match="lệch với dữ liệu gốc ở 1 tháng"):
        call_command("rebuild_summaries", "--check", "--ward", world.ward_x.code)

    call_command("rebuild_summaries")
    assert "Đã tính lại số liệu tổng hợp" in capsys.readouterr().out
    assert reader()["raised"] == 300_000
    call_command("rebuild_summaries", "--check")


def test_the_rebuild_command_refuses_unknown_wards(db):
    with pytest.raises(CommandError, match="Không có phường, xã mã 99999"):
        call_command("rebuild_summaries", "--ward", "99999")


def test_the_migration_fills_the_summary_of_an_existing_database(world, fund):
    donate(world, fund, FEB, 300_000)
    give_goods(world, fund, FEB, 40, value=200_000)
    WardMonth.objects.all().delete()
    state = MigrationExecutor(connection).loader.project_state(
        ("reports", "0010_ward_month_in_kind")
    )
    maintain.rebuild(registry=state.apps)
    row = WardMonth.objects.get(ward=world.ward_x, month=FEB)
    assert (row.raised, row.in_kind_raised) == (300_000, 200_000)
    assert_equal_to_raw()


def test_in_kind_gifts_and_goods_handed_out_are_never_cash(world, fund, reader):
    """The province table shows cash and goods' equivalents apart, adds them only in the
    labelled total, and counts goods handed out as goods out, not cash out."""
    gifts = [
        donate(world, fund, FEB, 500_000),
        give_goods(world, fund, FEB, 100, value=1_200_000),
        give_goods(world, fund, MAR, 30),  # not valued
        donate(world, fund, MAR, 250_000),
        give_goods(world, fund, APR, 10, value=9_000_000),  # after the period
    ]
    pay(world, fund, MAR, 100_000)
    hand_out(world, fund, MAR, 50, value=600_000)
    assert_equal_to_raw()

    in_q1 = [g for g in gifts if g.received_on <= MAR.replace(day=31)]
    cash = sum(g.amount for g in in_q1 if g.form == "cash")
    goods = sum(g.amount or 0 for g in in_q1 if g.form == "in_kind")
    shown = reader()
    assert (shown["raised"], shown["in_kind"]) == (cash, goods)
    assert shown["grand_total"] == cash + goods
    assert shown["disbursed"] == 100_000  # the rice handed out is not cash out

    page = reader.page()
    assert "Hiện vật quy đổi" in page and "Tổng cộng (tiền mặt và hiện vật quy đổi)" in page


def test_any_sequence_of_writes_keeps_the_summary_equal_to_the_raw_rows(world, fund, save):
    """Seeded random writes of every kind, checked against a recomputation after each."""
    rng = random.Random(20251130)
    officer, chair = world.users["ward_officer"], world.users["ward_chair"]
    organisation = factories.organisation()
    months = [JAN, FEB, MAR, APR]
    household = Household.objects.create(ward=world.ward_x, head_name="Hộ Thử", category="poor")
    donations, houses, records = [], [], []

    def day():
        return rng.choice(months) + datetime.timedelta(days=rng.randrange(28))

    def report_step():
        month = rng.choice(months)
        report = MonthlyReport.objects.filter(ward=world.ward_x, period=month).first()
        if report is None or report.is_editable:
            # A stock and a ratio, each left out now and then: their latest months move.
            optional = {"TQ_TO": rng.randrange(1, 20), "VH_TANG_VM": (rng.randrange(5), 5)}
            report = save(
                report or MonthlyReport(ward=world.ward_x, period=month),
                officer,
                TT_BUOI=rng.randrange(10),
                **{code: value for code, value in optional.items() if rng.random() < 0.6},
            )
            if rng.random() < 0.7:
                workflow.report_submit(report=report, user=officer)
        elif report.status == MonthlyReport.Status.SUBMITTED:
            if rng.random() < 0.7:
                workflow.report_approve(report=report, user=chair)
            else:
                workflow.report_return(report=report, user=chair, comment="Sửa lại")
        else:
            workflow.report_reopen(report=report, user=chair, reason="Mở lại")

    def donation_step():
        donations.append(donate(world, fund, day(), rng.randrange(1, 50) * 100_000))

    def goods_step():
        value = rng.choice([None, rng.randrange(1, 20) * 100_000])
        donations.append(give_goods(world, fund, day(), rng.randrange(1, 30), value=value))

    def hand_out_step():
        with contextlib.suppress(money.FundRefusal):  # more rice than the fund holds
            hand_out(world, fund, day(), rng.randrange(1, 20), value=rng.choice([None, 50_000]))

    def reversal_step():
        open_ones = [d for d in donations if not hasattr(d, "reversal")]
        if open_ones:
            with contextlib.suppress(money.FundRefusal):  # the fund has paid it out
                money.donation_reverse(
                    donation=rng.choice(open_ones), user=officer, reason="Sai", on=APR
                )

    def payment_step():
        with contextlib.suppress(money.FundRefusal):  # more than the balance
            pay(world, fund, day(), rng.randrange(1, 5) * 100_000)

    def house_step():
        if houses and rng.random() < 0.6:
            house = rng.choice(houses)
            handed = None if rng.random() < 0.2 else max(day(), house.started_on)
            money.house_save(ward=world.ward_x, house=house, handed_over_on=handed)
        else:
            houses.append(
                money.house_save(ward=world.ward_x, household=household, kind="new", started_on=JAN)
            )

    def membership_step():
        if records and rng.random() < 0.3:
            directory.membership_delete(membership=records.pop(rng.randrange(len(records))))
            return
        taken = {r.as_of for r in records}
        as_of = day()
        if as_of not in taken:
            eligible = rng.randrange(50, 100)
            records.append(
                directory.membership_save(
                    ward=world.ward_x,
                    organisation=organisation,
                    as_of=as_of,
                    members=rng.randrange(eligible),
                    eligible=eligible,
                )
            )

    steps = [report_step, donation_step, reversal_step, payment_step, house_step, membership_step]
    steps += [goods_step, hand_out_step]
    for _ in range(60):
        step = rng.choice(steps)
        step()
        assert maintain.drift() == [], step.__name__
    assert WardMonth.objects.filter(ward=world.ward_x).exists()
    assert WardIndicatorMonth.objects.filter(ward=world.ward_x, indicator__code="TQ_TO").exists()


def test_membership_totals_are_the_latest_record_of_each_organisation(world, reader):
    first, second = factories.organisation(), factories.organisation()
    for organisation, as_of, members in [
        (first, JAN, 10),
        (first, datetime.date(2025, 1, 20), 12),
        (second, FEB, 40),
        (first, MAR, 5),
    ]:
        factories.membership(
            ward_obj=world.ward_x, org=organisation, as_of=as_of, members=members, eligible=100
        )
    assert_equal_to_raw()
    rates = [reader(den=f"{month:%m/%Y}")["membership"] for month in (JAN, FEB, MAR)]
    assert rates == ["12,0 %", "26,0 %", "22,5 %"]


def test_the_province_summary_follows_the_monthly_workflow(world, save, login):
    """Save, approve, reopen, return: the province summary's stock, flow and ratio move with
    each step, as recomputed here from the value rows, and the summaries stay equal to them."""
    from tests.reports.dashboards.test_province_dashboard import page_rows, summary_url

    officer, chair = world.users["ward_officer"], world.users["ward_chair"]  # ward X's
    y_officer = factories.user(role=Role.WARD_OFFICER, ward_obj=world.ward_y)
    y_chair = factories.user(role=Role.WARD_CHAIR, ward_obj=world.ward_y)
    client = login(world.users["province_officer"])

    def approve(report):
        x = report.ward_id == world.ward_x.pk
        workflow.report_submit(report=report, user=officer if x else y_officer)
        workflow.report_approve(report=report, user=chair if x else y_chair)

    def expected():
        """Q1 from the approved value rows: each commune's latest TQ_TO added up, TT_BUOI and
        VH_TANG_VM's parts summed."""
        rows = IndicatorValue.objects.filter(
            report__ward__province=world.province_a,
            report__status=MonthlyReport.Status.APPROVED,
            report__period__gte=JAN,
            report__period__lte=MAR,
            value__isnull=False,
        ).values_list(
            "indicator__code", "report__ward_id", "report__period", "value", "denominator"
        )
        latest, sessions, parts = {}, 0, [0, 0]
        for code, ward_id, month, value, denominator in rows:
            if code == "TQ_TO" and (ward_id not in latest or month > latest[ward_id][0]):
                latest[ward_id] = (month, value)
            elif code == "TT_BUOI":
                sessions += value
            elif code == "VH_TANG_VM":
                parts = [parts[0] + value, parts[1] + denominator]
        groups = sum(value for _month, value in latest.values())
        older = [month for month, _value in latest.values() if month < MAR]
        note = f" (số liệu tháng {min(older):%m/%Y})" if older else ""
        rate = f"{parts[0] * 100 / parts[1]:.1f}".replace(".", ",") + "\u00a0%"
        return f"{groups}{note}", str(sessions), rate

    def shown():
        rows = page_rows(client.get(summary_url(world.province_a), Q1))
        return rows["TQ_TO"][3], rows["TT_BUOI"][3], rows["VH_TANG_VM"][3]

    x_jan = save(MonthlyReport(ward=world.ward_x, period=JAN), officer, TT_BUOI=2, TQ_TO=5)
    y_feb = save(
        MonthlyReport(ward=world.ward_y, period=FEB), y_officer, TT_BUOI=1, VH_TANG_VM=(1, 4)
    )
    x_mar = save(MonthlyReport(ward=world.ward_x, period=MAR), officer, TQ_TO=9, VH_TANG_VM=(3, 4))
    for report in (x_jan, y_feb, x_mar):
        approve(report)
    save(MonthlyReport(ward=world.ward_y, period=JAN), y_officer, TQ_TO=4)  # a draft: not counted
    assert_equal_to_raw()
    assert shown() == expected() == ("9", "3", "50,0\u00a0%")

    workflow.report_reopen(report=x_mar, user=chair, reason="Sai số tổ")
    assert_equal_to_raw()
    assert shown() == expected() == ("5 (số liệu tháng 01/2025)", "3", "25,0\u00a0%")

    save(x_mar, officer, TQ_TO=11)
    workflow.report_submit(report=x_mar, user=officer)
    workflow.report_return(report=x_mar, user=chair, comment="Bổ sung tỷ lệ")
    assert_equal_to_raw()
    assert shown() == expected()
    save(x_mar, officer, TQ_TO=11, VH_TANG_VM=(2, 4))
    approve(x_mar)
    assert_equal_to_raw()
    assert shown() == expected() == ("11", "3", "37,5\u00a0%")


def test_a_commune_moved_to_another_province_takes_its_figures(world, save, login):
    from tests.reports.dashboards.test_province_dashboard import page_rows, summary_url

    officer, chair = world.users["ward_officer"], world.users["ward_chair"]
    report = save(MonthlyReport(ward=world.ward_x, period=FEB), officer, TT_BUOI=6, TQ_TO=3)
    workflow.report_submit(report=report, user=officer)
    workflow.report_approve(report=report, user=chair)
    client = login(world.users["admin"])

    def sessions_and_groups(province):
        rows = page_rows(client.get(summary_url(province), Q1))
        return rows["TT_BUOI"][3], rows["TQ_TO"][3]

    assert sessions_and_groups(world.province_a) == ("6", "3 (số liệu tháng 02/2025)")
    world.ward_x.province = world.province_b
    world.ward_x.save()
    assert_equal_to_raw()
    assert sessions_and_groups(world.province_b) == ("6", "3 (số liệu tháng 02/2025)")
    assert sessions_and_groups(world.province_a) == ("—", "—")
