"""Default outlines and frame values of new documents: pure data, nothing is written here.

`default_sections(kind)` gives the sections (level 1..4 and heading, without numbers: the
numbering follows from level and order when the document is shown) and the figure blocks
placed in them. A term report follows the congress-report outline of the domain brief; a
period report (month … year, any range) is shorter. Narrative text is the officers' to write,
so the default outline carries no text blocks.

`frame_defaults(ward, kind, starts_on, ends_on)` gives the official frame's field values.
Term labels ("2014 – 2019") come from the dates, never from constants.
"""

import datetime
from dataclasses import dataclass, field

from reports.documents import holders
from reports.documents.models import Block, Document, Section

PART, ROMAN, ARABIC, LETTER = (level.value for level in Section.Level)
Kind = Document.Kind

# A term is five years unless its dates say otherwise.
TERM_YEARS = 5
CONGRESS_MOTTO = "Đoàn kết – Dân chủ – Đồng thuận – Phát triển"


@dataclass(frozen=True)
class OutlineBlock:
    kind: str  # Block.Kind value
    options: dict = field(default_factory=dict)
    text: str = ""  # safe HTML, only for Block.Kind.TEXT


@dataclass(frozen=True)
class OutlineSection:
    level: int  # Section.Level: 1 part, 2 roman, 3 arabic, 4 letter
    heading: str
    blocks: list[OutlineBlock] = field(default_factory=list)


# --- Figure blocks placed by default ---------------------------------------------------------


def _funds() -> OutlineBlock:
    return OutlineBlock(Block.Kind.FUNDS.value, {"chart": True})


def _houses() -> OutlineBlock:
    return OutlineBlock(Block.Kind.HOUSES.value, {"chart": False})


def _memberships() -> OutlineBlock:
    return OutlineBlock(Block.Kind.MEMBERSHIPS.value, {})


def _indicators(*codes: str) -> OutlineBlock:
    return OutlineBlock(Block.Kind.INDICATORS.value, {"codes": list(codes)})


def _drives() -> OutlineBlock:
    return OutlineBlock(Block.Kind.DRIVES.value, {})


def _allocations() -> OutlineBlock:
    return OutlineBlock(Block.Kind.ALLOCATIONS.value, {})


# Default indicator codes (reports/catalogue.py) by field of work.
PROPAGANDA_CODES = ("TT_BUOI", "TT_LUOT", "TT_LOP", "TH_MOI")
MOVEMENT_CODES = (
    "THTK_TIEN",
    "VH_KDC",
    "VH_KDC_TONG",
    "VH_GD",
    "HN_TONGHO",
    "HN_NGHEO",
    "ASXH_QUA",
)
DEMOCRACY_CODES = ("GS_CUOC", "GS_KIENNGHI", "GS_GIAIQUYET", "CT_TXCT", "BC_CUTRI", "BC_DIBAU")
ORGANISATION_CODES = ("CB_TAPHUAN", "CB_KIENTOAN")
PERIOD_CODES = ("TT_BUOI", "TT_LUOT", "GS_CUOC", "GS_KIENNGHI", "GS_GIAIQUYET", "CB_TAPHUAN")


# --- The congress report (báo cáo nhiệm kỳ) --------------------------------------------------

# The five action programmes of the term, as the past term's results and the next term's plan.
PROGRAMMES = [
    (
        "Tuyên truyền, vận động, tập hợp các tầng lớp nhân dân; củng cố, phát huy sức mạnh "
        "khối đại đoàn kết toàn dân tộc",
        lambda: [_memberships(), _indicators(*PROPAGANDA_CODES)],
    ),
    (
        "Vận động nhân dân thi đua phát triển kinh tế – xã hội, chăm lo an sinh xã hội, "
        "xây dựng đô thị văn minh",
        lambda: [_funds(), _houses(), _indicators(*MOVEMENT_CODES)],
    ),
    (
        "Phát huy dân chủ, giám sát và phản biện xã hội, tham gia xây dựng Đảng, "
        "chính quyền trong sạch, vững mạnh",
        lambda: [_indicators(*DEMOCRACY_CODES)],
    ),
    ("Mở rộng và nâng cao hiệu quả công tác đối ngoại nhân dân", lambda: []),
    (
        "Củng cố tổ chức, đổi mới nội dung, phương thức hoạt động của Mặt trận",
        lambda: [_indicators(*ORGANISATION_CODES)],
    ),
]


def _term_sections() -> list[OutlineSection]:
    sections = [
        OutlineSection(
            PART,
            "Tình hình khối đại đoàn kết toàn dân tộc và kết quả thực hiện chương trình "
            "hành động nhiệm kỳ qua",
        ),
        OutlineSection(ROMAN, "Tình hình khối đại đoàn kết toàn dân tộc"),
        OutlineSection(ARABIC, "Tình hình chung"),
        OutlineSection(ARABIC, "Tình hình các tầng lớp nhân dân"),
        OutlineSection(ROMAN, "Kết quả thực hiện chương trình hành động"),
    ]
    sections += [OutlineSection(ARABIC, heading, blocks()) for heading, blocks in PROGRAMMES]
    sections += [
        OutlineSection(ROMAN, "Đánh giá chung"),
        OutlineSection(ARABIC, "Kết quả đạt được và nguyên nhân"),
        OutlineSection(ARABIC, "Hạn chế, yếu kém và nguyên nhân"),
        OutlineSection(ROMAN, "Bài học kinh nghiệm"),
        OutlineSection(PART, "Mục tiêu, chương trình hành động nhiệm kỳ tới"),
        OutlineSection(ROMAN, "Bối cảnh"),
        OutlineSection(ROMAN, "Mục tiêu chung"),
        OutlineSection(ROMAN, "Các chương trình hành động"),
    ]
    for heading, _blocks in PROGRAMMES:
        sections.append(OutlineSection(ARABIC, heading))
        sections += [
            OutlineSection(LETTER, "Mục tiêu"),
            OutlineSection(LETTER, "Nội dung"),
            OutlineSection(LETTER, "Giải pháp"),
        ]
    return sections


# --- Period reports (tháng, quý, sơ kết, tổng kết) -------------------------------------------


def _period_sections() -> list[OutlineSection]:
    return [
        OutlineSection(ROMAN, "Kết quả thực hiện"),
        OutlineSection(
            ARABIC, "Công tác tuyên truyền, vận động, tập hợp nhân dân", [_memberships()]
        ),
        OutlineSection(
            ARABIC, "Các cuộc vận động, phong trào thi đua, an sinh xã hội", [_funds(), _houses()]
        ),
        OutlineSection(ARABIC, "Giám sát, phản biện xã hội, phát huy dân chủ"),
        OutlineSection(
            ARABIC, "Củng cố tổ chức, hoạt động của Mặt trận", [_indicators(*PERIOD_CODES)]
        ),
        OutlineSection(ROMAN, "Đánh giá chung"),
        OutlineSection(ARABIC, "Ưu điểm"),
        OutlineSection(ARABIC, "Hạn chế và nguyên nhân"),
        OutlineSection(ROMAN, "Phương hướng, nhiệm vụ kỳ tới"),
    ]


# --- The province committee's reports ----------------------------------------------------------

# The province's own work with money: its drives, what it passed down to the communes.
PROVINCE_DRIVES_HEADING = (
    "Tiếp nhận, phân bổ các nguồn vận động của Ủy ban MTTQ tỉnh về các phường, xã"
)


def _province_period_sections() -> list[OutlineSection]:
    return [
        OutlineSection(ROMAN, "Kết quả thực hiện trên địa bàn tỉnh"),
        OutlineSection(
            ARABIC,
            "Công tác tuyên truyền, vận động, tập hợp nhân dân ở các phường, xã",
            [_memberships()],
        ),
        OutlineSection(
            ARABIC,
            "Các cuộc vận động, phong trào thi đua, an sinh xã hội",
            [_funds(), _houses()],
        ),
        OutlineSection(ARABIC, PROVINCE_DRIVES_HEADING, [_drives(), _allocations()]),
        OutlineSection(ARABIC, "Giám sát, phản biện xã hội, phát huy dân chủ"),
        OutlineSection(
            ARABIC,
            "Củng cố tổ chức, hoạt động của Mặt trận các cấp",
            [_indicators(*PERIOD_CODES)],
        ),
        OutlineSection(ROMAN, "Đánh giá chung"),
        OutlineSection(ARABIC, "Ưu điểm"),
        OutlineSection(ARABIC, "Hạn chế và nguyên nhân"),
        OutlineSection(ROMAN, "Phương hướng, nhiệm vụ kỳ tới"),
    ]


def _province_term_sections() -> list[OutlineSection]:
    sections = _term_sections()
    # The committee's drives and allocations follow the second programme (social welfare).
    second = next(
        index
        for index, section in enumerate(sections)
        if section.level == ARABIC and section.heading == PROGRAMMES[1][0]
    )
    sections.insert(
        second + 1, OutlineSection(LETTER, PROVINCE_DRIVES_HEADING, [_drives(), _allocations()])
    )
    return sections


def default_sections(kind: str, *, province: bool = False) -> list[OutlineSection]:
    """The outline a new document of this kind starts with (fresh objects on every call);
    `province`: the province committee's report, with its drives and allocations."""
    if kind not in Kind.values:
        raise ValueError(f"Unknown document kind: {kind!r}")
    if kind == Kind.TERM:
        return _province_term_sections() if province else _term_sections()
    return _province_period_sections() if province else _period_sections()


# --- The official frame ------------------------------------------------------------------------

ROMAN_QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}


def years_earlier(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` earlier (28 February for a 29 February without a match)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def term_label(first_year: int, last_year: int) -> str:
    return f"{first_year} – {last_year}"


def term_years(starts_on: datetime.date, ends_on: datetime.date) -> int:
    return (ends_on.year - starts_on.year) or TERM_YEARS


def _quarter(day: datetime.date) -> int:
    return (day.month - 1) // 3 + 1


def _summary(kind: str, starts_on: datetime.date, ends_on: datetime.date) -> str:
    year = starts_on.year
    if kind == Kind.TERM:
        length = term_years(starts_on, ends_on)
        this_term = term_label(starts_on.year, ends_on.year)
        next_term = term_label(ends_on.year, ends_on.year + length)
        return (
            f"Kết quả công tác Mặt trận nhiệm kỳ {this_term}, "
            f"mục tiêu, chương trình hành động nhiệm kỳ {next_term}"
        )
    if kind == Kind.MONTH:
        following = (starts_on.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        return (
            f"Kết quả công tác Mặt trận tháng {starts_on.month} năm {year}, "
            f"phương hướng nhiệm vụ tháng {following.month} năm {following.year}"
        )
    if kind == Kind.QUARTER:
        quarter = _quarter(starts_on)
        next_quarter, next_year = (quarter + 1, year) if quarter < 4 else (1, year + 1)
        return (
            f"Kết quả công tác Mặt trận quý {ROMAN_QUARTERS[quarter]} năm {year}, "
            f"phương hướng nhiệm vụ quý {ROMAN_QUARTERS[next_quarter]} năm {next_year}"
        )
    if kind == Kind.HALF:
        if starts_on.month <= 6:
            return (
                f"Sơ kết công tác Mặt trận 6 tháng đầu năm {year}, "
                f"phương hướng nhiệm vụ 6 tháng cuối năm {year}"
            )
        return (
            f"Kết quả công tác Mặt trận 6 tháng cuối năm {year}, "
            f"phương hướng nhiệm vụ 6 tháng đầu năm {year + 1}"
        )
    if kind == Kind.NINE_MONTHS:
        return (
            f"Kết quả công tác Mặt trận 9 tháng đầu năm {year}, "
            f"phương hướng nhiệm vụ 3 tháng cuối năm {year}"
        )
    if kind == Kind.YEAR:
        return f"Tổng kết công tác Mặt trận năm {year}, phương hướng nhiệm vụ năm {year + 1}"
    return f"Kết quả công tác Mặt trận từ ngày {starts_on:%d/%m/%Y} đến ngày {ends_on:%d/%m/%Y}"


def period_title(kind: str, starts_on: datetime.date, ends_on: datetime.date) -> str:
    """The report and the period it covers, for file names: "Báo cáo quý III năm 2026"."""
    year = starts_on.year
    if kind == Kind.TERM:
        return f"Báo cáo nhiệm kỳ {starts_on.year}-{ends_on.year}"
    if kind == Kind.MONTH:
        return f"Báo cáo tháng {starts_on.month} năm {year}"
    if kind == Kind.QUARTER:
        return f"Báo cáo quý {ROMAN_QUARTERS[_quarter(starts_on)]} năm {year}"
    if kind == Kind.HALF:
        if starts_on.month <= 6:
            return f"Báo cáo sơ kết 6 tháng đầu năm {year}"
        return f"Báo cáo 6 tháng cuối năm {year}"
    if kind == Kind.NINE_MONTHS:
        return f"Báo cáo 9 tháng đầu năm {year}"
    if kind == Kind.YEAR:
        return f"Báo cáo tổng kết năm {year}"
    return f"Báo cáo từ {starts_on:%d-%m-%Y} đến {ends_on:%d-%m-%Y}"


def _province_recipients(kind: str) -> str:
    lines = [
        "- Ban Thường trực Ủy ban Trung ương MTTQ Việt Nam;",
        "- Thường trực Tỉnh ủy, HĐND, UBND tỉnh;",
        "- Các tổ chức thành viên;",
        "- Ban Thường trực Ủy ban MTTQ các phường, xã;",
    ]
    if kind == Kind.TERM:
        lines.append("- Đại biểu dự Đại hội;")
    lines.append("- Lưu: VT.")
    return "\n".join(lines)


def _recipients(ward, kind: str) -> str:
    if holders.is_province(ward):
        return _province_recipients(kind)
    unit = ward.get_kind_display().lower()
    province = ward.province.name  # "Tỉnh An Giang" → "tỉnh An Giang" inside a sentence
    lines = [
        f"- Ban Thường trực Ủy ban MTTQ Việt Nam {province[:1].lower()}{province[1:]};",
        f"- Thường trực Đảng ủy {unit};",
        f"- Thường trực HĐND, UBND {unit};",
        "- Các tổ chức thành viên;",
    ]
    if kind == Kind.TERM:
        lines.append("- Đại biểu dự Đại hội;")
    lines.append("- Lưu: VT.")
    return "\n".join(lines)


def _closing(ward, starts_on: datetime.date, ends_on: datetime.date) -> str:
    next_term = term_label(ends_on.year, ends_on.year + term_years(starts_on, ends_on))
    unit = f"{holders.unit_word(ward)} {holders.short_name(ward)}"
    return (
        f"Với tinh thần “{CONGRESS_MOTTO}”, Đại hội đại biểu Mặt trận Tổ quốc Việt Nam "
        f"{unit} nhiệm kỳ {next_term} quyết tâm thực hiện thắng lợi chương trình hành động "
        f"đã đề ra, xây dựng {unit} ngày càng văn minh, giàu đẹp."
    )


def frame_defaults(ward, kind: str, starts_on: datetime.date, ends_on: datetime.date) -> dict:
    """Document field values for a new document of the ward, or of the province (`ward` a
    Province: "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM" / "TỈNH AN GIANG"); nothing is saved."""
    values = {
        "issuing_body": ward.name.upper(),
        "issuing_board": "BAN THƯỜNG TRỰC",
        "place": holders.short_name(ward),
        "summary": _summary(kind, starts_on, ends_on),
        "recipients": _recipients(ward, kind),
        "closing": "",
        "previous_starts_on": None,
        "previous_ends_on": None,
    }
    if holders.is_province(ward):
        values["parent_body"] = "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM"
    if kind == Kind.TERM:
        values["closing"] = _closing(ward, starts_on, ends_on)
        values["previous_starts_on"] = years_earlier(starts_on, term_years(starts_on, ends_on))
        values["previous_ends_on"] = starts_on - datetime.timedelta(days=1)
    return values
