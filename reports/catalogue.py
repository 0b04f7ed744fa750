"""The default indicator catalogue and checks, from what real ward MTTQ reports count.

Loaded by a data migration; afterwards the catalogue is data, edited in the admin.
"""

GROUPS = [
    "Tuyên truyền – vận động",
    "Tập hợp đoàn viên, hội viên",
    "Quỹ Vì người nghèo",
    "An sinh xã hội",
    "Nhà Đại đoàn kết",
    "Thực hành tiết kiệm",
    "Giám sát – phản biện xã hội",
    "Dân chủ – tiếp xúc cử tri",
    "Bầu cử (khi có)",
    "Hòa giải ở cơ sở",
    "Khu dân cư – gia đình văn hóa",
    "Tổ nhân dân tự quản",
    "Củng cố tổ chức",
    "Tình nguyện",
]

# code, group index, name, unit, kind, rollup, source, by_area
C, M, R = "count", "money", "ratio"
INDICATORS = [
    (
        "TT_BUOI",
        0,
        "Số buổi tuyên truyền, phổ biến chủ trương, chính sách, pháp luật",
        "buổi",
        C,
        "sum",
    ),
    ("TT_LUOT", 0, "Số lượt người tham dự tuyên truyền", "lượt người", C, "sum"),
    (
        "TT_LOP",
        0,
        "Số lớp tuyên truyền phối hợp (an toàn giao thông, phòng dịch, hàng Việt …)",
        "lớp",
        C,
        "sum",
    ),
    ("TT_HOITHI", 0, "Số hội thi, sân khấu hóa tuyên truyền", "cuộc", C, "sum"),
    (
        "TH_DVHV",
        1,
        "Số đoàn viên, hội viên các tổ chức thành viên",
        "người",
        C,
        "last",
        "wards.members",
    ),
    (
        "TH_DOITUONG",
        1,
        "Số người trong độ tuổi, đối tượng tập hợp",
        "người",
        C,
        "last",
        "wards.eligible",
    ),
    # A ratio of stocks: the latest month's members over eligible people, never summed months.
    ("TH_TYLE", 1, "Tỷ lệ tập hợp đoàn viên, hội viên", "%", R, "last", "wards.membership_rate"),
    ("TH_MOI", 1, "Số đoàn viên, hội viên kết nạp mới", "người", C, "sum"),
    ("TH_CHIHOI", 1, "Số chi hội, chi đoàn, tổ hội nghề nghiệp", "đơn vị", C, "last"),
    ("VNN_THU", 2, "Tiền vận động được cho Quỹ Vì người nghèo", "đồng", M, "sum"),
    ("VNN_CHI", 2, "Tiền chi hỗ trợ từ Quỹ Vì người nghèo", "đồng", M, "sum"),
    ("VNN_HIENVAT", 2, "Giá trị hiện vật tiếp nhận (quy ra tiền)", "đồng", M, "sum"),
    ("ASXH_QUA", 3, "Số suất quà tặng hộ nghèo, cận nghèo, gia đình chính sách", "suất", C, "sum"),
    ("ASXH_QUA_TIEN", 3, "Giá trị quà tặng", "đồng", M, "sum"),
    ("ASXH_HOCBONG", 3, "Số suất học bổng", "suất", C, "sum"),
    ("ASXH_THIENTAI", 3, "Tiền vận động cứu trợ thiên tai, dịch bệnh", "đồng", M, "sum"),
    (
        "ASXH_THAMHOI",
        3,
        "Số lượt thăm hỏi gia đình chính sách, người có công, Mẹ VNAH",
        "lượt",
        C,
        "sum",
    ),
    ("HN_NGHEO", 3, "Số hộ nghèo", "hộ", C, "last", "", True),
    ("HN_CANNGHEO", 3, "Số hộ cận nghèo", "hộ", C, "last", "", True),
    ("HN_TONGHO", 3, "Tổng số hộ dân", "hộ", C, "last"),
    ("NDDK_XAYMOI", 4, "Số nhà Đại đoàn kết, nhà tình thương xây mới (bàn giao)", "căn", C, "sum"),
    ("NDDK_SUACHUA", 4, "Số nhà sửa chữa (bàn giao)", "căn", C, "sum"),
    ("NDDK_KHOICONG", 4, "Số nhà khởi công", "căn", C, "sum"),
    ("NDDK_TIEN", 4, "Kinh phí hỗ trợ xây, sửa nhà", "đồng", M, "sum"),
    ("THTK_TIEN", 5, "Tiền cán bộ, đảng viên, công chức thực hành tiết kiệm", "đồng", M, "sum"),
    ("GS_CUOC", 6, "Số cuộc giám sát", "cuộc", C, "sum"),
    ("GS_PHANBIEN", 6, "Số cuộc phản biện, góp ý dự thảo", "cuộc", C, "sum"),
    (
        "GS_KIENNGHI",
        6,
        "Số kiến nghị, vụ việc phát hiện (Ban TTND, Ban GSĐTCĐ)",
        "vụ việc",
        C,
        "sum",
    ),
    ("GS_GIAIQUYET", 6, "Số kiến nghị, vụ việc đã được giải quyết", "vụ việc", C, "sum"),
    ("CT_TXCT", 7, "Số cuộc tiếp xúc cử tri, đối thoại với nhân dân", "cuộc", C, "sum"),
    ("CT_YKIEN", 7, "Số ý kiến, kiến nghị của cử tri tổng hợp", "ý kiến", C, "sum"),
    ("CT_TIEPDAN", 7, "Số buổi tiếp công dân", "buổi", C, "sum"),
    ("BC_CUTRI", 8, "Tổng số cử tri", "người", C, "last"),
    ("BC_DIBAU", 8, "Số cử tri đi bầu", "người", C, "last"),
    ("HG_TIEPNHAN", 9, "Số vụ việc hòa giải tiếp nhận", "vụ việc", C, "sum"),
    ("HG_THANH", 9, "Số vụ hòa giải thành", "vụ việc", C, "sum"),
    ("VH_KDC", 10, "Số khu dân cư được công nhận văn hóa", "khu", C, "last"),
    ("VH_KDC_TONG", 10, "Tổng số khu dân cư", "khu", C, "last"),
    ("VH_GD", 10, "Số hộ gia đình được công nhận gia đình văn hóa", "hộ", C, "last", "", True),
    (
        "VH_TANG_VM",
        10,
        "Đám tang thực hiện nếp sống văn minh / tổng số đám tang",
        "đám",
        R,
        "ratio",
    ),
    ("TQ_TO", 11, "Số tổ nhân dân tự quản", "tổ", C, "last"),
    ("TQ_HO", 11, "Số hộ thành viên tổ nhân dân tự quản", "hộ", C, "last"),
    ("TQ_ONDINH", 11, "Số tổ hoạt động ổn định", "tổ", C, "last"),
    (
        "CB_TAPHUAN",
        12,
        "Số lượt cán bộ Mặt trận, tổ chức thành viên được tập huấn, bồi dưỡng",
        "lượt",
        C,
        "sum",
    ),
    ("CB_KIENTOAN", 12, "Số vị ủy viên, cán bộ được kiện toàn, bổ sung", "người", C, "sum"),
    ("TN_DOI", 13, "Số đội tình nguyện, tổ xung kích", "đội", C, "last"),
    ("TN_THANHVIEN", 13, "Số thành viên đội tình nguyện", "người", C, "last"),
]

# left, operator, right, severity, message
RULES = [
    ("BC_DIBAU", "<=", "BC_CUTRI", "error", "Số cử tri đi bầu không thể lớn hơn tổng số cử tri."),
    (
        "GS_GIAIQUYET",
        "<=",
        "GS_KIENNGHI",
        "warning",
        "Số vụ việc đã giải quyết lớn hơn số phát hiện trong tháng (có thể gồm vụ việc tháng trước).",
    ),
    (
        "HG_THANH",
        "<=",
        "HG_TIEPNHAN",
        "warning",
        "Số vụ hòa giải thành lớn hơn số vụ tiếp nhận trong tháng (có thể gồm vụ tồn tháng trước).",
    ),
    (
        "VH_KDC",
        "<=",
        "VH_KDC_TONG",
        "error",
        "Số khu dân cư văn hóa không thể lớn hơn tổng số khu dân cư.",
    ),
    ("VH_GD", "<=", "HN_TONGHO", "error", "Số gia đình văn hóa không thể lớn hơn tổng số hộ dân."),
    (
        "TQ_ONDINH",
        "<=",
        "TQ_TO",
        "error",
        "Số tổ hoạt động ổn định không thể lớn hơn số tổ tự quản.",
    ),
    (
        "HN_NGHEO + HN_CANNGHEO",
        "<=",
        "HN_TONGHO",
        "error",
        "Số hộ nghèo và cận nghèo không thể lớn hơn tổng số hộ dân.",
    ),
    (
        "NDDK_XAYMOI + NDDK_SUACHUA",
        "<=",
        "NDDK_KHOICONG",
        "warning",
        "Số nhà bàn giao lớn hơn số nhà khởi công trong tháng (có thể khởi công từ tháng trước).",
    ),
    (
        "TH_DVHV",
        "<=",
        "TH_DOITUONG",
        "warning",
        "Số đoàn viên, hội viên lớn hơn số người trong diện tập hợp (một người có thể ở nhiều tổ chức).",
    ),
]


# Added with issue 14 (catalogue gaps), loaded by migration 0011 after the catalogue above:
# chi hội and tổ hội nghề nghiệp apart (TH_CHIHOI keeps its older, combined count), the
# self-managed groups' struggling ones, and the groups' shares recomputed from their counts
# (ratios of stocks: the latest month's parts, summed over units, divided when shown).
GAP_INDICATORS = [
    ("TH_SO_CHIHOI", 1, "Số chi hội", "chi hội", C, "last"),
    ("TH_TOHOI_NN", 1, "Số tổ hội nghề nghiệp", "tổ hội", C, "last"),
    ("TQ_KHOKHAN", 11, "Số tổ còn khó khăn", "tổ", C, "last"),
    (
        "TQ_TYLE_ONDINH",
        11,
        "Tỷ lệ tổ hoạt động ổn định",
        "%",
        R,
        "last",
        "reports.tq_stable_share",
    ),
    (
        "TQ_TYLE_KHOKHAN",
        11,
        "Tỷ lệ tổ còn khó khăn",
        "%",
        R,
        "last",
        "reports.tq_struggling_share",
    ),
]

GAP_RULES = [
    (
        "TQ_ONDINH + TQ_KHOKHAN",
        "<=",
        "TQ_TO",
        "error",
        "Số tổ ổn định và số tổ còn khó khăn không thể lớn hơn số tổ tự quản.",
    ),
]

RATING_CATEGORIES = [
    "Vững mạnh xuất sắc",
    "Vững mạnh",
    "Hoàn thành nhiệm vụ",
    "Chưa hoàn thành nhiệm vụ",
]

# Ratings per year (xếp loại): counts per category, entered once a year (December's report).
# code, group index, name, unit, categories
RATINGS = [
    (
        "XL_MTTQ_TCTV",
        12,
        "Xếp loại Ủy ban MTTQ và các tổ chức thành viên",
        "tổ chức",
        RATING_CATEGORIES,
    ),
    ("XL_BCTMT", 12, "Xếp loại Ban công tác Mặt trận khu dân cư", "ban", RATING_CATEGORIES),
]


def load_catalogue_gaps(IndicatorGroup, Indicator, ValidationRule, RatingCategory):
    """Create the indicators, ratings, categories and checks of GAP_INDICATORS, GAP_RULES
    and RATINGS that are missing (idempotent); placed after their group's indicators."""
    groups = [IndicatorGroup.objects.get_or_create(name=name)[0] for name in GROUPS]
    start = (len(INDICATORS) + 1) * 10
    for order, (code, group, name, unit, kind, rollup, *extra) in enumerate(
        GAP_INDICATORS, start=start
    ):
        Indicator.objects.get_or_create(
            code=code,
            defaults={
                "group": groups[group],
                "name": name,
                "unit": unit,
                "kind": kind,
                "rollup": rollup,
                "source": extra[0] if extra else "",
                "display_order": order,
            },
        )
    for left, operator, right, severity, message in GAP_RULES:
        ValidationRule.objects.get_or_create(
            left=left,
            operator=operator,
            right=right,
            defaults={"severity": severity, "message": message},
        )
    start += len(GAP_INDICATORS)
    for order, (code, group, name, unit, categories) in enumerate(RATINGS, start=start):
        indicator, _ = Indicator.objects.get_or_create(
            code=code,
            defaults={
                "group": groups[group],
                "name": name,
                "unit": unit,
                "kind": "rating",
                "rollup": "last",
                "display_order": order,
            },
        )
        for position, category in enumerate(categories, start=1):
            RatingCategory.objects.get_or_create(
                indicator=indicator, name=category, defaults={"display_order": position * 10}
            )


def remove_catalogue_gaps(Indicator, ValidationRule):
    """Undo load_catalogue_gaps where nothing was recorded against what it added."""
    codes = [entry[0] for entry in GAP_INDICATORS] + [entry[0] for entry in RATINGS]
    for left, operator, right, _severity, _message in GAP_RULES:
        ValidationRule.objects.filter(left=left, operator=operator, right=right).delete()
    Indicator.objects.filter(code__in=codes, values__isnull=True).exclude(
        categories__values__isnull=False
    ).delete()


# Added with issue 14 (member organisations in the commune report): each member organisation
# whose head is a vice-chair of the committee reports its own part of the month, typed by its
# organisation officer. Its members and eligible people are its memberships (wards); these are
# its monthly counts, tied to it by Indicator.organisation (migration 0012).
ORGANISATIONS_GROUP = ("Tổ chức thành viên", 25)  # shown after "Tập hợp đoàn viên, hội viên"
# (MassOrganisation.short_name, code part)
ORGANISATION_KEYS = [
    ("Hội LHPN", "LHPN"),
    ("Hội Nông dân", "ND"),
    ("Đoàn TN", "DTN"),
    ("Hội CCB", "CCB"),
    ("Công đoàn", "CD"),
]
# code suffix, name (the organisation's short name follows), unit, kind, rollup
ORGANISATION_INDICATORS = [
    ("MOI", "Số đoàn viên, hội viên kết nạp mới", "người", C, "sum"),
    ("CHIHOI", "Số chi hội, chi đoàn, tổ (cơ sở) của tổ chức", "đơn vị", C, "last"),
]


def organisation_indicator_code(key: str, suffix: str) -> str:
    return f"TV_{key}_{suffix}"


def load_organisation_indicators(IndicatorGroup, Indicator, MassOrganisation):
    """Create each member organisation's indicators that are missing and tie them to their
    organisation (idempotent; an organisation missing from the catalogue is skipped)."""
    name, order = ORGANISATIONS_GROUP
    group, _ = IndicatorGroup.objects.get_or_create(name=name, defaults={"display_order": order})
    for position, (short_name, key) in enumerate(ORGANISATION_KEYS):
        organisation = MassOrganisation.objects.filter(short_name=short_name).first()
        if organisation is None:
            continue
        for line, (suffix, label, unit, kind, rollup) in enumerate(ORGANISATION_INDICATORS):
            indicator, _ = Indicator.objects.get_or_create(
                code=organisation_indicator_code(key, suffix),
                defaults={
                    "group": group,
                    "name": f"{label} – {short_name}",
                    "unit": unit,
                    "kind": kind,
                    "rollup": rollup,
                    "display_order": (position + 1) * 10 + line,
                    "organisation": organisation,
                },
            )
            if indicator.organisation_id is None:
                indicator.organisation = organisation
                indicator.save(update_fields=["organisation"])


def remove_organisation_indicators(IndicatorGroup, Indicator):
    """Undo load_organisation_indicators where nothing was recorded against them."""
    codes = [
        organisation_indicator_code(key, suffix)
        for _short_name, key in ORGANISATION_KEYS
        for suffix, *_rest in ORGANISATION_INDICATORS
    ]
    Indicator.objects.filter(code__in=codes, values__isnull=True).delete()
    IndicatorGroup.objects.filter(name=ORGANISATIONS_GROUP[0], indicators__isnull=True).delete()


# Money and houses recorded in the campaigns module fill these monthly indicators.
CAMPAIGN_SOURCES = {
    "VNN_THU": "campaigns.vnn_received",
    "VNN_HIENVAT": "campaigns.vnn_in_kind",
    "VNN_CHI": "campaigns.vnn_paid",
    "ASXH_THIENTAI": "campaigns.disaster_received",
    "NDDK_KHOICONG": "campaigns.houses_started",
    "NDDK_XAYMOI": "campaigns.houses_new_handed_over",
    "NDDK_SUACHUA": "campaigns.houses_repaired_handed_over",
    "NDDK_TIEN": "campaigns.houses_fund_money",
}


def load_default_catalogue(
    IndicatorGroup,
    Indicator,
    ValidationRule,
    *,
    with_campaign_sources,
    ratios_sum_months=False,
    RatingCategory=None,
    MassOrganisation=None,
):
    """Create the default groups, indicators and rules that are missing (idempotent).

    Takes the model classes so migrations can pass their historical models; migrations from
    before stock ratios took the latest month (0007) pass `ratios_sum_months`, as every ratio
    rolled up then; those from before ratings (0011) pass no `RatingCategory`, and get neither
    the ratings nor the other gaps filled then (load_catalogue_gaps); those from before the
    member organisations' indicators (0012) pass no `MassOrganisation`.
    """
    groups = [
        IndicatorGroup.objects.get_or_create(name=name, defaults={"display_order": i * 10})[0]
        for i, name in enumerate(GROUPS, start=1)
    ]
    for order, (code, group, name, unit, kind, rollup, *extra) in enumerate(INDICATORS, start=1):
        source = extra[0] if extra else ""
        if with_campaign_sources and code in CAMPAIGN_SOURCES:
            source = CAMPAIGN_SOURCES[code]
        Indicator.objects.get_or_create(
            code=code,
            defaults={
                "group": groups[group],
                "name": name,
                "unit": unit,
                "kind": kind,
                "rollup": "ratio" if ratios_sum_months and kind == R else rollup,
                "source": source,
                "by_area": extra[1] if len(extra) > 1 else False,
                "display_order": order * 10,
            },
        )
    for left, operator, right, severity, message in RULES:
        ValidationRule.objects.get_or_create(
            left=left,
            operator=operator,
            right=right,
            defaults={"severity": severity, "message": message},
        )
    if RatingCategory is not None:
        load_catalogue_gaps(IndicatorGroup, Indicator, ValidationRule, RatingCategory)
    if MassOrganisation is not None:
        load_organisation_indicators(IndicatorGroup, Indicator, MassOrganisation)
