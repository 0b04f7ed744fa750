"""The demo ward's congress report for the term 2014 – 2019, and the data behind its figures.

The figures of the real report of Phường Mỹ Thới (../shared/domain/reference/) are recorded
as the portal would hold them: cash donations to a poor-relief fund (1.804.000.000 đ counted;
rice given beside them is goods, apart),
45 houses handed over, membership records (82 % at the end of the term) and approved monthly
reports (6.622 of 6.688 voters, 56 cases raised and 53 resolved, 130 cadres trained,
122.160.000 đ saved by civil servants, 10 cultural khóm, 97 % cultural families:
6.488 of 6.688 households). The report
is then written through the documents' services, with narrative of our own, and issued, so
its tables are frozen as computed from that data.

Numbers the reference does not give (the months they fall in, the start-of-term membership,
sessions and attendance, …) are drawn from a seeded random generator: the same on every run.
Running it again changes nothing.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from campaigns import services as campaign_services
from campaigns.models import Campaign, Donation, House, Household
from reports import deadlines, periods
from reports.demo import computed_values
from reports.documents import services
from reports.documents.models import Block, Document
from reports.models import Indicator, IndicatorValue, MonthlyReport
from wards.demo import DEMO_MEMBERSHIP, demo_users
from wards.models import MassOrganisation, Membership, ResidentialArea, RoleAssignment

TERM_STARTS_ON = datetime.date(2014, 10, 1)
TERM_ENDS_ON = datetime.date(2019, 9, 30)
ISSUED_ON = datetime.date(2019, 10, 25)
DOCUMENT_NUMBER = 18

POOR_RELIEF_RAISED = 1_804_000_000
SAVINGS = 122_160_000
CASES_RAISED, CASES_RESOLVED = 56, 53  # "95 %" in the report: 53/56 = 94,64 %
VOTERS, VOTED = 6_688, 6_622
ELECTION_MONTH = datetime.date(2016, 5, 1)  # National Assembly and councils, 22/05/2016
CADRES_TRAINED = 130
BOARD_MEMBERS_REPLACED = 6
JOINT_CLASSES = 15  # 5 with the police, 5 with the health station, 5 on "hàng Việt"
HOUSEHOLDS, CULTURAL_FAMILIES = 6_688, 6_488  # 97,01 %, the report's "97 %"
CULTURAL_AREAS = 10
POOR_AT_END = 12  # 0,18 % of households

HOUSES_BUILT = 45
NEW_HOUSE = {"from_fund": 40_000_000, "from_social": 15_000_000, "from_household": 10_000_000}
REPAIR = {"from_fund": 20_000_000, "from_social": 5_000_000, "from_household": 5_000_000}
TET_GIFTS = 30_000_000  # each January, from the fund
RICE_KG, RICE_PRICE = 500, 12_000  # rice some organisations give beside money (đồng per kg)

# Members and eligible people per organisation at the start of the term (end: wards.demo).
MEMBERSHIP_AT_START = {
    "Hội LHPN": (7420, 9500),
    "Hội Nông dân": (3310, 4350),
    "Đoàn TN": (3980, 6100),
    "Hội CCB": (385, 410),
    "Công đoàn": (1610, 1850),
    "Hội NCT": (2120, 2500),
}
MEMBERSHIP_END = TERM_ENDS_ON  # wards.demo records the 82 % on this day

FUND_NAME = "Quỹ Vì người nghèo nhiệm kỳ 2014 – 2019"
HOUSING_NAME = "Cất, sửa nhà Đại đoàn kết nhiệm kỳ 2014 – 2019"
DONORS = [
    ("individual", "Nguyễn Văn Hai"),
    ("individual", "Trần Thị Kim Loan"),
    ("individual", "Lê Hoàng Phúc"),
    ("organisation", "Công ty TNHH Thủy sản Mỹ Thới"),
    ("organisation", "Xí nghiệp May An Giang"),
    ("organisation", "Doanh nghiệp tư nhân Xay xát Thới An"),
    ("collective", "Cán bộ, công chức phường Mỹ Thới"),
    ("collective", "Hội Cựu chiến binh phường"),
    ("anonymous", ""),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Hồ", "Ngô", "Châu"]
GIVEN = ["Văn Út", "Thị Lài", "Văn Sang", "Thị Mến", "Văn Tư", "Thị Nhàn", "Văn Lộc", "Thị Hai"]


def _spread(total: int, keys: list, rng: random.Random, *, unit: int = 1, every: float = 1.0):
    """{key: amount} adding up to `total` exactly, in multiples of `unit`; each key is drawn
    with probability `every` (the others get nothing)."""
    if total % unit:
        raise ValueError("The total must be a multiple of the unit.")
    weights = {k: rng.random() for k in keys if rng.random() < every} or {keys[-1]: 1.0}
    units = total // unit
    shares = {k: int(units * w / sum(weights.values())) for k, w in weights.items()}
    for k in sorted(weights, key=weights.get, reverse=True)[: units - sum(shares.values())]:
        shares[k] += 1
    return {k: share * unit for k, share in shares.items()}


def _term_months() -> list[datetime.date]:
    return periods.months_between(TERM_STARTS_ON, TERM_ENDS_ON.replace(day=1))


# --- Money and houses ----------------------------------------------------------------------------


def _seed_money_and_houses(ward, user, rng):
    fund, created = Campaign.objects.get_or_create(
        ward=ward,
        name=FUND_NAME,
        defaults={
            "kind": Campaign.Kind.FUND,
            "fund": Campaign.Fund.POOR_RELIEF,
            "starts_on": TERM_STARTS_ON,
            "ends_on": TERM_ENDS_ON,
            "target_amount": 1_800_000_000,
            "status": Campaign.Status.CLOSED,
        },
    )
    if not created:
        return
    housing = Campaign.objects.create(
        ward=ward,
        name=HOUSING_NAME,
        kind=Campaign.Kind.HOUSING,
        fund=Campaign.Fund.POOR_RELIEF,
        starts_on=TERM_STARTS_ON,
        ends_on=TERM_ENDS_ON,
        target_count=HOUSES_BUILT,
        target_unit="căn",
        status=Campaign.Status.CLOSED,
    )
    _seed_donations(ward, user, fund, rng)
    _seed_houses(ward, user, fund, housing, rng)


def _seed_donations(ward, user, fund, rng):
    """Cash donations adding up to POOR_RELIEF_RAISED, more in the peak month (17/10 – 18/11);
    some organisations also give rice (valued or not), partly handed out for Tết 2019."""
    gifts = []
    for month in _term_months():
        peak = month.month in (10, 11)
        for _ in range(rng.randint(6, 10) if peak else rng.randint(1, 3)):
            gifts.append((month.replace(day=rng.randint(1, 28)), rng.choice(DONORS)))
    gifts.sort()
    amounts = _spread(POOR_RELIEF_RAISED, list(range(len(gifts))), rng, unit=100_000)
    rice_gifts = 0
    for index, (day, (kind, name)) in enumerate(gifts):
        amount = amounts[index]
        if not amount:
            continue
        gives_rice = kind == "organisation" and rng.random() < 0.2
        donor = {
            "campaign": fund,
            "ward": ward,
            "user": user,
            "received_on": day,
            "donor_kind": kind,
            "donor_name": name,
        }
        campaign_services.donation_record(**donor, amount=amount)
        if gives_rice:
            rice_gifts += 1
            # The same donor, the same day: rice beside the money.
            campaign_services.donation_record(
                **donor,
                form=Donation.Form.IN_KIND,
                channel=Donation.Channel.OTHER,
                in_kind_description="Gạo",
                in_kind_quantity=RICE_KG,
                in_kind_unit="kg",
                # Every other gift valued at the market price; the others not (yet).
                amount=RICE_KG * RICE_PRICE if rice_gifts % 2 else None,
            )
    if rice_gifts:
        campaign_services.disbursement_record(
            campaign=fund,
            ward=ward,
            user=user,
            form=Donation.Form.IN_KIND,
            in_kind_description="Gạo",
            in_kind_quantity=RICE_KG,
            in_kind_unit="kg",
            purpose="tet_gift",
            description="Gạo tặng hộ nghèo dịp Tết Kỷ Hợi",
            paid_on=datetime.date(2019, 1, 25),
            decision_reference="19/QĐ-BVĐ-GAO",
        )
    # A receipt typed twice and corrected: recorded, reversed, not counted.
    duplicate = campaign_services.donation_record(
        campaign=fund,
        ward=ward,
        user=user,
        received_on=datetime.date(2017, 11, 10),
        donor_kind="individual",
        donor_name="Nguyễn Văn Hai",
        amount=5_000_000,
    )
    campaign_services.donation_reverse(
        donation=duplicate, user=user, reason="Ghi trùng biên nhận", on=datetime.date(2017, 11, 11)
    )


def _seed_houses(ward, user, fund, housing, rng):
    """45 houses handed over during the term (every third one a repair), each paid from the
    fund when it starts; a Tết gift round each January."""
    areas = list(ResidentialArea.objects.filter(ward=ward))
    first_handover = TERM_STARTS_ON + datetime.timedelta(days=90)
    step = (TERM_ENDS_ON - datetime.timedelta(days=20) - first_handover) / (HOUSES_BUILT - 1)
    for index in range(HOUSES_BUILT):
        household = campaign_services.household_save(
            ward=ward,
            head_name=f"{FAMILY[index % len(FAMILY)]} {GIVEN[index % len(GIVEN)]}",
            category=rng.choice(
                [Household.Category.POOR, Household.Category.NEAR_POOR, Household.Category.HARDSHIP]
            ),
            area=areas[index % len(areas)] if areas else None,
            certificate_year=2014 + index * 5 // HOUSES_BUILT,
        )
        is_repair = index % 3 == 2
        funding = REPAIR if is_repair else NEW_HOUSE
        handed_over = first_handover + step * index
        started = handed_over - datetime.timedelta(days=45 if is_repair else 80)
        campaign_services.house_save(
            ward=ward,
            household=household,
            campaign=housing,
            kind=House.Kind.REPAIR if is_repair else House.Kind.NEW,
            estimated_cost=sum(funding.values()),
            final_cost=sum(funding.values()),
            surveyed_on=started - datetime.timedelta(days=20),
            started_on=started,
            completed_on=handed_over - datetime.timedelta(days=5),
            handed_over_on=handed_over,
            **funding,
        )
        campaign_services.disbursement_record(
            campaign=fund,
            ward=ward,
            user=user,
            amount=funding["from_fund"],
            purpose="repair" if is_repair else "build",
            household=household,
            paid_on=started,
            decision_reference=f"{index + 1:02d}/QĐ-BVĐ",
        )
    for year in range(TERM_STARTS_ON.year + 1, TERM_ENDS_ON.year + 1):
        campaign_services.disbursement_record(
            campaign=fund,
            ward=ward,
            user=user,
            amount=TET_GIFTS,
            purpose="tet_gift",
            description="Quà Tết cho hộ nghèo, cận nghèo",
            paid_on=datetime.date(year, 1, 20),
            decision_reference=f"{year % 100:02d}/QĐ-BVĐ-TET",
        )


# --- Memberships and monthly reports -------------------------------------------------------------


def _seed_memberships(ward):
    for short_name, (members, eligible) in MEMBERSHIP_AT_START.items():
        Membership.objects.get_or_create(
            ward=ward,
            organisation=MassOrganisation.objects.get(short_name=short_name),
            as_of=TERM_STARTS_ON - datetime.timedelta(days=1),
            defaults={"members": members, "eligible": eligible},
        )
    for short_name, (members, eligible) in DEMO_MEMBERSHIP.items():
        Membership.objects.get_or_create(
            ward=ward,
            organisation=MassOrganisation.objects.get(short_name=short_name),
            as_of=MEMBERSHIP_END,
            defaults={"members": members, "eligible": eligible},
        )


def _typed_values(rng) -> dict[datetime.date, dict[str, int]]:
    """What the officers typed each month of the term, by indicator code."""
    months = _term_months()
    typed = {month: {} for month in months}

    def put(code, by_month):
        for month, value in by_month.items():
            typed[month][code] = value

    put("THTK_TIEN", _spread(SAVINGS, months, rng, unit=10_000, every=0.6))
    put("CB_TAPHUAN", _spread(CADRES_TRAINED, months, rng, every=0.3))
    put("CB_KIENTOAN", _spread(BOARD_MEMBERS_REPLACED, months, rng, every=0.1))
    put("TT_LOP", _spread(JOINT_CLASSES, months, rng, every=0.25))
    raised = _spread(CASES_RAISED, months, rng, every=0.5)
    put("GS_KIENNGHI", raised)
    # The last cases raised were still being settled when the term ended.
    resolved, unresolved = dict(raised), CASES_RAISED - CASES_RESOLVED
    for month in sorted(resolved, reverse=True):
        taken = min(unresolved, resolved[month])
        resolved[month] -= taken
        unresolved -= taken
    put("GS_GIAIQUYET", resolved)
    put("BC_CUTRI", {ELECTION_MONTH: VOTERS})
    put("BC_DIBAU", {ELECTION_MONTH: VOTED})
    for index, month in enumerate(months):
        progress = index / (len(months) - 1)
        typed[month].update(
            {
                "TT_BUOI": rng.randint(2, 6),
                "TT_LUOT": rng.randint(150, 600),
                "TH_MOI": rng.randint(5, 25),
                "ASXH_QUA": rng.randint(0, 40) + (150 if month.month in (1, 2) else 0),
                "GS_CUOC": rng.randint(0, 1),
                "CT_TXCT": 1 if month.month in (4, 11) else 0,
                "VH_KDC_TONG": CULTURAL_AREAS,
                "VH_KDC": CULTURAL_AREAS if progress > 0.2 else CULTURAL_AREAS - 2,
                "HN_TONGHO": HOUSEHOLDS,
                "VH_GD": round(6_150 + (CULTURAL_FAMILIES - 6_150) * progress),
                "HN_NGHEO": round(95 - (95 - POOR_AT_END) * progress),
            }
        )
    return typed


def _seed_monthly_reports(ward, rng):
    months = _term_months()
    if MonthlyReport.objects.filter(ward=ward, period__in=months).exists():
        return
    indicators = {i.code: i for i in Indicator.objects.all()}
    values = []
    for month, typed in _typed_values(rng).items():
        # Only indicators of the catalogue in force that month are reported.
        active = {c: i for c, i in indicators.items() if i.is_active_in(month)}
        sent = timezone.make_aware(
            datetime.datetime.combine(
                deadlines.due_date(month.year, month.month) - datetime.timedelta(days=2),
                datetime.time(9, 0),
            )
        )
        report = MonthlyReport.objects.create(
            ward=ward,
            period=month,
            status=MonthlyReport.Status.APPROVED,
            submitted_at=sent,
            approved_at=sent + datetime.timedelta(days=1),
        )
        for code, value in typed.items():
            if code in active and not active[code].source:
                values.append(IndicatorValue(report=report, indicator=active[code], value=value))
        values += computed_values(report, active)
    IndicatorValue.objects.bulk_create(values)


# --- The report --------------------------------------------------------------------------------

# Our own narrative for each section of the default term outline, in its order: the heading
# it belongs under (its beginning) and safe HTML.
NARRATIVE = [
    (
        "Tình hình khối đại đoàn kết",
        "<p>Năm năm qua, kinh tế – xã hội của phường phát triển khá đồng đều trên các lĩnh vực; "
        "quốc phòng, an ninh được bảo đảm, đời sống vật chất và tinh thần của người dân được "
        "cải thiện rõ. Đó là điều kiện thuận lợi để Mặt trận mở rộng và củng cố khối đại "
        "đoàn kết trên địa bàn.</p>",
    ),
    (
        "Tình hình khối đại đoàn kết",
        "<p>Người dân tin tưởng vào sự lãnh đạo của Đảng ủy và sự điều hành của chính quyền "
        "phường; các tầng lớp nhân dân gắn bó, tích cực hưởng ứng các phong trào do Mặt trận "
        "phát động.</p>",
    ),
    (
        "Tình hình chung",
        "<p>Sản xuất nông nghiệp đạt khoảng 120 triệu đồng mỗi héc-ta mỗi năm; mỗi năm có "
        "khoảng 1.000 lao động được giới thiệu việc làm; số hộ nghèo giảm còn 12 hộ (0,18 %). "
        "Phường hoàn thành khu dân cư Đại đoàn kết, bố trí chỗ ở ổn định cho 26 hộ nghèo, "
        "cận nghèo.</p>"
        "<p>Bên cạnh đó, bà con vẫn còn những mối lo:</p>"
        "<ul><li>thời tiết thất thường, giông lốc, sạt lở bờ sông;</li>"
        "<li>giá nông sản bấp bênh trong khi vật tư nông nghiệp tăng giá;</li>"
        "<li>ô nhiễm từ các cơ sở nuôi trồng, chế biến thủy sản; an toàn thực phẩm, "
        "hàng giả;</li>"
        "<li>tai nạn giao thông, cháy nổ và trật tự đô thị.</li></ul>",
    ),
    (
        "Tình hình các tầng lớp",
        "<ul><li><strong>Công nhân, công chức, viên chức, người lao động</strong>: 17.363 người, "
        "66,8 % dân số; không ngừng nâng cao tay nghề, đi đầu tiếp thu khoa học, công "
        "nghệ.</li>"
        "<li><strong>Nông dân</strong> (33,2 % dân số): mạnh dạn đưa giống mới, kỹ thuật mới "
        "vào đồng ruộng, nâng sản lượng.</li>"
        "<li><strong>Thanh niên</strong> (35 % dân số): lực lượng xung kích trong lập thân, "
        "lập nghiệp, văn hóa, thể thao.</li>"
        "<li><strong>Phụ nữ</strong> (47,49 % dân số): ngày càng nhiều chị em thành đạt "
        "trong sản xuất, kinh doanh và công tác xã hội.</li>"
        "<li><strong>Cựu chiến binh</strong>: gương mẫu giáo dục truyền thống cho lớp trẻ, "
        "tham gia giữ gìn an ninh trật tự.</li>"
        "<li><strong>Doanh nhân, trí thức</strong>: năng động, đóng góp nhiều cho các công "
        "trình an sinh của phường.</li>"
        "<li><strong>Đồng bào có đạo</strong> (31,27 % dân số): đoàn kết, chấp hành tốt chủ "
        "trương, chính sách, “tốt đời, đẹp đạo”.</li></ul>"
        "<p>Mong mỏi chung của bà con là việc làm ổn định, cuộc sống an toàn và được góp "
        "sức nhiều hơn cho quê hương.</p>",
    ),
    (
        "Kết quả thực hiện chương trình",
        "<p>Các bảng dưới đây lấy từ sổ quỹ, danh sách nhà Đại đoàn kết, số liệu tập hợp "
        "đoàn viên, hội viên và các báo cáo tháng đã duyệt của phường trong nhiệm kỳ.</p>",
    ),
    (
        "Tuyên truyền, vận động, tập hợp",
        "<p>Tuyên truyền tập trung vào Đại hội Đảng các cấp, cuộc bầu cử đại biểu Quốc hội và "
        "HĐND các cấp nhiệm kỳ 2016 – 2021, chủ quyền biển, đảo và việc học tập, làm theo tư "
        "tưởng, đạo đức, phong cách Hồ Chí Minh. Ngày hội Đại đoàn kết toàn dân tộc (18/11) "
        "được tổ chức ở từng khóm, kết hợp thăm hỏi gia đình chính sách, hộ khó khăn và biểu "
        "dương người tốt, việc tốt.</p>"
        "<p>Các khóm tổ chức hội thi về bảo vệ môi trường, trật tự đô thị, an toàn giao thông; "
        "Ban Thường trực cùng chức sắc tôn giáo giúp các ngày lễ lớn diễn ra vui tươi, an "
        "toàn. Đến cuối nhiệm kỳ, <strong>82 %</strong> quần chúng tham gia các tổ chức "
        "đoàn thể.</p>",
    ),
    (
        "Vận động nhân dân thi đua",
        "<p>Cuộc vận động “Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh” đến "
        "được từng khóm: 97 % hộ gia đình và tất cả khu dân cư ký cam kết giữ trật tự an "
        "toàn giao thông, bảo vệ môi trường; nhiều mô hình tự quản về an ninh ra đời. Phường "
        "có 10 khóm văn hóa và 97 % gia đình văn hóa.</p>"
        "<ul><li>Cùng Công an phường, Trạm Y tế phường mở 5 lớp về an toàn giao thông, 5 lớp "
        "phòng, chống dịch bệnh và 5 lớp về cuộc vận động “Người Việt Nam ưu tiên dùng hàng "
        "Việt Nam”.</li>"
        "<li>Quỹ “Vì người nghèo” nhận <strong>1.804.000.000 đồng</strong>; cùng nguồn xã hội "
        "hóa, phường cất mới và sửa chữa <strong>45 căn nhà Đại đoàn kết</strong>. Cán bộ, "
        "đảng viên, công chức thực hành tiết kiệm góp 122.160.000 đồng.</li>"
        "<li>Nguồn xã hội hóa xây 12 cây cầu, thắp sáng 34 tuyến đường, hẻm và lắp 77 camera "
        "an ninh; bà con góp khoảng 1 tỷ đồng làm lại vỉa hè.</li></ul>",
    ),
    (
        "Phát huy dân chủ",
        "<p>Các hội nghị tiếp xúc cử tri và đối thoại giữa lãnh đạo phường với người dân bàn "
        "thẳng những việc dân quan tâm: dân chủ ở cơ sở, thủ tục hành chính, đơn thư, thu chi "
        "các quỹ, môi trường, an toàn thực phẩm. Trong cuộc bầu cử năm 2016, "
        "<strong>6.622/6.688</strong> cử tri đi bầu (99 %).</p>"
        "<p>Ban Thanh tra nhân dân và Ban Giám sát đầu tư của cộng đồng phát hiện, kiến nghị "
        "56 vụ việc; 53 vụ việc đã được giải quyết (khoảng 95 %). Tổ hòa giải được kiện toàn, "
        "số vụ hòa giải thành tăng qua từng năm.</p>",
    ),
    (
        "Mở rộng và nâng cao hiệu quả công tác đối ngoại",
        "<p>Mặt trận cùng các tổ chức thành viên thông tin đến người dân chủ trương đối ngoại "
        "của Đảng, chính sách tôn giáo, dân tộc của Nhà nước, giúp bà con tỉnh táo trước các "
        "luận điệu chia rẽ; kế hoạch thông tin đối ngoại của Đảng ủy được phổ biến đến cán bộ "
        "Mặt trận và các tổ dân phố.</p>",
    ),
    (
        "Củng cố tổ chức",
        "<p>Ủy ban MTTQ phường ban hành quy chế hoạt động của nhiệm kỳ và kịp thời bổ sung "
        "6 vị Ủy viên Ban Thường trực thay người chuyển công tác, nghỉ việc hoặc lớn tuổi. "
        "<strong>130 lượt</strong> cán bộ Mặt trận và tổ chức thành viên từ phường đến khóm "
        "dự các lớp tập huấn, bồi dưỡng.</p>",
    ),
    (
        "Đánh giá chung",
        "<p>Mặt trận và các tổ chức thành viên giữ vai trò nòng cốt trong tập hợp, vận động "
        "nhân dân, góp phần để phường hoàn thành các chỉ tiêu kinh tế – xã hội.</p>",
    ),
    (
        "Kết quả đạt được",
        "<ul><li>Phối hợp với các ban, ngành, đoàn thể ngày càng nhịp nhàng, thiết thực.</li>"
        "<li>Tuyên truyền có trọng tâm, hình thức mới, đến được từng khu dân cư.</li>"
        "<li>Nhiều mô hình tự quản hay trong các cuộc vận động, phong trào thi đua.</li>"
        "<li>Dân chủ ở cơ sở đi vào nền nếp; “dân biết, dân bàn, dân làm, dân kiểm tra” được "
        "thực hiện trong các công trình phúc lợi.</li></ul>"
        "<p><strong>Nguyên nhân:</strong> Đảng ủy lãnh đạo sát sao, chính quyền tạo điều kiện, "
        "nhân dân đồng tình; kinh tế – xã hội ổn định; cán bộ Mặt trận chịu khó đổi mới cách "
        "làm.</p>",
    ),
    (
        "Hạn chế",
        "<ul><li>Đổi mới nội dung, phương thức hoạt động chưa đều; chưa phát huy hết người "
        "có uy tín trong cộng đồng.</li>"
        "<li>Giám sát, phản biện xã hội còn lúng túng khi chọn nội dung.</li>"
        "<li>Một số tổ chức thành viên có tỷ lệ tập hợp còn thấp.</li></ul>"
        "<p><strong>Nguyên nhân khách quan:</strong> phụ cấp của thành viên Ban Công tác Mặt "
        "trận khóm thấp, nhân sự thường thay đổi. <strong>Nguyên nhân chủ quan:</strong> tuyên "
        "truyền chưa đều và chưa sâu; vận động nhân dân góp ý xây dựng Đảng, chính quyền có "
        "lúc còn bị động.</p>",
    ),
    (
        "Bài học kinh nghiệm",
        "<ol><li>Bám sát sự lãnh đạo của cấp ủy, thống nhất hành động trong hệ thống chính trị "
        "từ phường đến khóm.</li>"
        "<li>Phối hợp chặt chẽ giữa HĐND, UBND, Ủy ban MTTQ và các tổ chức thành viên; cán bộ "
        "sâu sát địa bàn để giải đáp ngay vướng mắc của dân.</li>"
        "<li>Phát huy Trưởng Ban Công tác Mặt trận khóm trong mọi việc ở khu dân cư.</li>"
        "<li>Giữ nền nếp họp hằng tháng để nắm dư luận và báo cáo kịp thời với cấp ủy.</li>"
        "</ol>",
    ),
    (
        "Mục tiêu, chương trình hành động",
        "<p>Nhiệm kỳ 2019 – 2024, Ủy ban MTTQ Việt Nam phường đặt ra mục tiêu chung và năm "
        "chương trình hành động dưới đây.</p>",
    ),
    (
        "Bối cảnh",
        "<p>Phường ở vùng ven, nửa đô thị; nông nghiệp còn chiếm phần lớn và đang chuyển sang "
        "ứng dụng công nghệ cao. Các doanh nghiệp thủy sản, may mặc trên địa bàn tạo việc "
        "làm và là nguồn lực tại chỗ cho các cuộc vận động. Hệ thống chính trị được sắp xếp "
        "gọn hơn, vai trò của Mặt trận được nâng lên, dù kinh tế chung còn nhiều khó "
        "khăn.</p>",
    ),
    (
        "Mục tiêu chung",
        "<p>Phát huy vai trò của Mặt trận và các tổ chức thành viên, củng cố khối đại đoàn kết, "
        "hướng mạnh về khu dân cư; làm tốt cuộc vận động “Toàn dân đoàn kết xây dựng nông thôn "
        "mới, đô thị văn minh”, Quỹ “Vì người nghèo” và cuộc vận động “Người Việt Nam ưu tiên "
        "dùng hàng Việt Nam”; nâng chất lượng giám sát, phản biện xã hội.</p>",
    ),
    (
        "Các chương trình hành động",
        "<p>Mỗi chương trình nêu mục tiêu, nội dung và giải pháp; Ban Thường trực phân công "
        "tổ chức thành viên chủ trì từng chương trình.</p>",
    ),
    ("Tuyên truyền, vận động, tập hợp", "<p>Chủ trì: Ban Thường trực và các đoàn thể.</p>"),
    (
        "Mục tiêu",
        "<p>Mọi tầng lớp nhân dân, đồng bào các tôn giáo cùng chung sức xây dựng phường văn "
        "minh, giàu đẹp; nâng tỷ lệ tập hợp đoàn viên, hội viên.</p>",
    ),
    (
        "Nội dung",
        "<p>Tuyên truyền chủ trương của Đảng, chính sách, pháp luật của Nhà nước và chương "
        "trình hành động của Mặt trận; vận động nhân dân thực hiện các mục tiêu kinh tế – xã "
        "hội, quốc phòng, an ninh.</p>",
    ),
    (
        "Giải pháp",
        "<ul><li>Gắn tuyên truyền các ngày lễ lớn với học tập và làm theo Bác.</li>"
        "<li>Tuyên truyền qua câu lạc bộ, tổ hội nghề nghiệp và mô hình điểm.</li>"
        "<li>Nắm chắc dư luận, báo cáo cấp ủy ngắn gọn, kịp thời.</li></ul>",
    ),
    ("Vận động nhân dân thi đua", "<p>Trọng tâm: đô thị văn minh, giảm nghèo bền vững.</p>"),
    (
        "Mục tiêu",
        "<p>Phát huy sức sáng tạo của nhân dân trong sản xuất, giữ vững an ninh, nâng chất "
        "lượng cuộc sống.</p>",
    ),
    (
        "Nội dung",
        "<p>Động viên nhân dân thi đua sản xuất, kinh doanh, làm giàu chính đáng; chăm lo hộ "
        "nghèo, cận nghèo; giữ gìn bản sắc văn hóa.</p>",
    ),
    (
        "Giải pháp",
        "<ul><li>Phối hợp với HĐND, UBND xây dựng đô thị văn minh, giảm nghèo bền vững.</li>"
        "<li>Vận động Quỹ “Vì người nghèo” đúng đợt cao điểm, công khai thu chi đến từng khu "
        "dân cư.</li>"
        "<li>Phát hiện và nhân rộng điển hình trong các phong trào.</li></ul>",
    ),
    ("Phát huy dân chủ", "<p>Trọng tâm: dân chủ ở cơ sở, giám sát, phản biện xã hội.</p>"),
    (
        "Mục tiêu",
        "<p>Đại diện và bảo vệ quyền, lợi ích hợp pháp của nhân dân; góp phần phòng, chống "
        "tham nhũng, lãng phí.</p>",
    ),
    (
        "Nội dung",
        "<p>Giám sát, phản biện xã hội; góp ý chính sách, pháp luật; hòa giải ở cơ sở; để "
        "nhân dân nói lên ý kiến với Đảng, chính quyền.</p>",
    ),
    (
        "Giải pháp",
        "<ul><li>Giám sát theo chuyên đề: an toàn thực phẩm, thủ tục hành chính, giảm nghèo, "
        "trật tự đô thị.</li>"
        "<li>Cùng chính quyền tổ chức tốt cuộc bầu cử nhiệm kỳ 2021 – 2026 và các buổi tiếp "
        "xúc cử tri.</li>"
        "<li>Nâng chất Ban Thanh tra nhân dân, Ban Giám sát đầu tư của cộng đồng.</li></ul>",
    ),
    (
        "Mở rộng và nâng cao hiệu quả công tác đối ngoại",
        "<p>Trọng tâm: thông tin đến người dân và kiều bào có thân nhân ở phường.</p>",
    ),
    (
        "Mục tiêu",
        "<p>Thắt chặt đoàn kết, hữu nghị; vận động kiều bào, doanh nghiệp góp sức cho quê "
        "hương.</p>",
    ),
    (
        "Nội dung",
        "<p>Thông tin chủ trương đối ngoại của Đảng, chính sách của Nhà nước; giữ vững an "
        "ninh, trật tự.</p>",
    ),
    (
        "Giải pháp",
        "<ul><li>Cùng các tổ chức thành viên gửi thông tin về quê hương đến kiều bào.</li>"
        "<li>Lắng nghe và tiếp thu góp ý của kiều bào.</li></ul>",
    ),
    ("Củng cố tổ chức", "<p>Trọng tâm: bộ máy gọn, cán bộ chuyên nghiệp.</p>"),
    (
        "Mục tiêu",
        "<p>Ủy ban MTTQ phường và Ban Công tác Mặt trận khóm có cơ cấu hợp lý, hoạt động "
        "thiết thực.</p>",
    ),
    (
        "Nội dung",
        "<p>Tham mưu cấp ủy về công tác Mặt trận; đổi mới phối hợp với chính quyền và các "
        "tổ chức thành viên; xây dựng đội ngũ cán bộ ngang tầm nhiệm vụ.</p>",
    ),
    (
        "Giải pháp",
        "<ul><li>Cử cán bộ dự tập huấn kỹ năng vận động quần chúng.</li>"
        "<li>Sơ kết, tổng kết định kỳ; khen thưởng kịp thời.</li>"
        "<li>Cập nhật số liệu, báo cáo trên cổng thông tin của Mặt trận.</li></ul>",
    ),
]


def _chair_of(ward, fallback):
    """The demo's chair signs and issues (wards.demo); else any chair of the ward."""
    usernames = [u[0] for u in demo_users(ward) if u[2] == RoleAssignment.Role.WARD_CHAIR]
    chairs = RoleAssignment.objects.filter(ward=ward, role=RoleAssignment.Role.WARD_CHAIR)
    assignment = (
        chairs.filter(user__username__in=usernames).first() or chairs.order_by("pk").first()
    )
    return assignment.user if assignment else fallback


def _write_report(ward, user) -> Document:
    chair = _chair_of(ward, user)
    document = services.document_create(
        ward=ward,
        kind=Document.Kind.TERM,
        starts_on=TERM_STARTS_ON,
        ends_on=TERM_ENDS_ON,
        user=user,
    )
    services.document_update_frame(
        document=document,
        user=user,
        values={
            "issued_on": ISSUED_ON,
            "signer_name": f"{chair.last_name} {chair.first_name}".strip(),
            # The demo holds no data from before 2014: no comparison column.
            "previous_starts_on": None,
            "previous_ends_on": None,
        },
    )
    sections = list(document.sections.order_by("position"))
    if len(sections) != len(NARRATIVE):
        raise ValueError("The demo narrative no longer matches the term outline.")
    for section, (heading, text) in zip(sections, NARRATIVE, strict=True):
        if not section.heading.startswith(heading):
            raise ValueError(f"Narrative for “{heading}” is under “{section.heading}”.")
        services.block_add_text(section=section, user=user, text=text, position=0)
    document = services.document_issue(document=document, user=chair, number=DOCUMENT_NUMBER)
    # Issued on the day of the congress documents, as the real report was.
    issued_at = timezone.make_aware(datetime.datetime.combine(ISSUED_ON, datetime.time(8, 0)))
    Document.objects.filter(pk=document.pk).update(issued_at=issued_at)
    Block.objects.filter(section__document=document, computed_at__isnull=False).update(
        computed_at=issued_at
    )
    document.refresh_from_db()
    return document


@transaction.atomic
def seed_term_report(ward, user) -> Document:
    """The demo ward's issued term report 2014 – 2019 and its data; idempotent."""
    existing = Document.objects.filter(
        ward=ward, kind=Document.Kind.TERM, starts_on=TERM_STARTS_ON, ends_on=TERM_ENDS_ON
    ).first()
    if existing:
        return existing
    rng = random.Random(f"term-{ward.code}-{TERM_STARTS_ON.year}")
    _seed_memberships(ward)
    _seed_money_and_houses(ward, user, rng)
    _seed_monthly_reports(ward, rng)
    return _write_report(ward, user)
