"""Term report benchmark: the PDF of a long congress report, and its repeat download.

`measure()` (called from bench/run.py after harness.configure_django() and seed_demo) takes the
demo ward's term report, or builds a long one (about fifteen pages, marked in its summary) when
the demo data has none, and returns two entries for bench/results.json:

- term_report_pdf: median of 5 full renders (print HTML + WeasyPrint through the static-only
  fetcher), pages, pages per second, and the floor: bare `weasyprint.HTML(string=…).write_pdf()`
  of the same final HTML with WeasyPrint's own fetcher (target ratio ≤ 1.15);
- term_report_repeat: 30 downloads of the unchanged document, served from its stored PDF
  (target p50 ≤ 50 ms), through the download URL when it exists.
"""

import datetime
import gc
import statistics
import time

from bench import harness

BENCH_MARKER = "(bản đo hiệu năng)"
RENDERS = 5
REPEATS = 30
M = 1_000_000

_SENTENCES = [
    "Ban Thường trực Ủy ban MTTQ phường phối hợp chặt chẽ với các tổ chức thành viên, "
    "bám sát khu dân cư để nắm tình hình tư tưởng, nguyện vọng của Nhân dân.",
    "Các cuộc vận động được triển khai đồng bộ đến từng khóm, có sơ kết, tổng kết hằng năm và "
    "biểu dương kịp thời các tập thể, cá nhân tiêu biểu.",
    "Nhân dân tin tưởng vào sự lãnh đạo của Đảng, đồng thuận với các chủ trương phát triển "
    "kinh tế - xã hội của địa phương và tích cực tham gia các phong trào thi đua.",
    "Công tác giám sát và phản biện xã hội được thực hiện đúng quy trình, tập trung vào những "
    "vấn đề Nhân dân quan tâm như đất đai, môi trường, an sinh xã hội.",
    "Việc tiếp nhận, quản lý và sử dụng các nguồn quỹ bảo đảm công khai, minh bạch, đúng đối "
    "tượng, được Nhân dân đồng tình ủng hộ.",
    "Tuy nhiên, một số nơi còn lúng túng trong việc đổi mới nội dung, phương thức hoạt động, "
    "chưa phát huy hết vai trò của các vị Ủy viên Ủy ban là người tiêu biểu ở khu dân cư.",
]
_OUTLINE = [
    (
        1,
        "Tình hình khối đại đoàn kết toàn dân tộc và kết quả thực hiện Chương trình hành động "
        "nhiệm kỳ 2014 – 2019",
    ),
    (2, "Tình hình khối đại đoàn kết toàn dân tộc"),
    (3, "Tình hình chung"),
    (3, "Tình hình các giai tầng xã hội"),
    (4, "Công nhân, người lao động"),
    (4, "Nông dân"),
    (4, "Trí thức"),
    (4, "Thanh niên"),
    (4, "Phụ nữ"),
    (2, "Kết quả thực hiện Chương trình hành động"),
    (3, "Tập hợp, đoàn kết các tầng lớp Nhân dân"),
    (3, "Vận động thực hiện các phong trào thi đua yêu nước và các cuộc vận động"),
    (3, "Chăm lo đời sống Nhân dân, vận động Quỹ Vì người nghèo"),
    (3, "Giám sát và phản biện xã hội"),
    (3, "Tham gia xây dựng Đảng, chính quyền"),
    (2, "Đánh giá chung"),
    (3, "Kết quả nổi bật"),
    (3, "Hạn chế và nguyên nhân"),
    (2, "Bài học kinh nghiệm"),
    (1, "Mục tiêu, chương trình hành động nhiệm kỳ 2019 – 2024"),
    (2, "Bối cảnh"),
    (2, "Mục tiêu tổng quát"),
    (2, "Chương trình hành động"),
    (3, "Chương trình thứ nhất: tập hợp, đoàn kết Nhân dân"),
    (3, "Chương trình thứ hai: các phong trào thi đua, cuộc vận động"),
    (3, "Chương trình thứ ba: giám sát, phản biện xã hội"),
    (3, "Chương trình thứ tư: xây dựng tổ chức Mặt trận vững mạnh"),
]
FUNDS_SNAPSHOT = {
    "caption": "Kết quả vận động các quỹ nhiệm kỳ 2014 – 2019",
    "unit": "Đơn vị: đồng",
    "period": "01/10/2014 – 30/09/2019",
    "columns": [
        {"label": "Quỹ", "align": "left"},
        {"label": "Đã vận động", "align": "right"},
        {"label": "Đã chi", "align": "right"},
        {"label": "Còn lại", "align": "right"},
    ],
    "rows": [
        {
            "cells": [
                {"t": "Quỹ Vì người nghèo", "v": None},
                {"t": "1.804.000.000", "v": 1804000000},
                {"t": "1.650.500.000", "v": 1650500000},
                {"t": "153.500.000", "v": 153500000},
            ],
            "total": False,
        },
        {
            "cells": [
                {"t": "Quỹ Cứu trợ", "v": None},
                {"t": "412.300.000", "v": 412300000},
                {"t": "398.000.000", "v": 398000000},
                {"t": "14.300.000", "v": 14300000},
            ],
            "total": False,
        },
        {
            "cells": [
                {"t": "Tổng cộng", "v": None},
                {"t": "2.216.300.000", "v": 2216300000},
                {"t": "2.048.500.000", "v": 2048500000},
                {"t": "167.800.000", "v": 167800000},
            ],
            "total": True,
        },
    ],
    "chart": {
        "title": "Vận động Quỹ Vì người nghèo theo năm",
        "unit": "đồng",
        "labels": ["2015", "2016", "2017", "2018", "2019"],
        "series": [
            {"name": "Đã vận động", "values": [310 * M, 342 * M, 365 * M, 381 * M, 406 * M]},
            {"name": "Đã chi", "values": [290 * M, 320 * M, 338 * M, 342 * M, 360_500_000]},
        ],
    },
}


def measure() -> list[dict]:
    """The two entries; call after harness.configure_django() on a seeded database."""
    from reports.documents.pdf import stored_or_rendered_pdf

    document = term_report()
    pdf_entry = pdf_against_floor("term_report_pdf", document)

    stored_or_rendered_pdf(document)  # the first download renders and stores
    request, how = _repeat_download(document, stored_or_rendered_pdf)
    repeat_entry = harness.measure("term_report_repeat", request, n=REPEATS, via=how)
    return [pdf_entry, repeat_entry]


def pdf_against_floor(name: str, document, renders: int = RENDERS) -> dict:
    """The entry of a document's PDF: median of `renders` full renders (print HTML + WeasyPrint
    through the static-only fetcher) against the floor, bare
    `weasyprint.HTML(string=…).write_pdf()` of the same final HTML with WeasyPrint's own
    fetcher, measured alternately in the same run; `ratio_to_floor` = p50 / floor."""
    import weasyprint

    from core.printing import static_dir
    from reports.documents.pdf import document_html, render_pdf

    html = document_html(document)
    base_url = static_dir().as_uri() + "/"

    def bare_weasyprint():
        weasyprint.HTML(string=html, base_url=base_url).write_pdf()

    render_pdf(document)  # warm: fonts, templates, imports
    bare_weasyprint()
    # Alternated, each going first in turn, so that a busy moment of the shared machine weighs
    # on both alike; the garbage of one render is collected before the next is timed.
    samples, floor, pages = [], [], 0

    def portal():
        nonlocal pages
        _, pages = render_pdf(document)

    for index in range(renders):
        pair = ((portal, samples), (bare_weasyprint, floor))
        for render, times in pair if index % 2 == 0 else reversed(pair):
            gc.collect()
            start = time.perf_counter()
            render()
            times.append((time.perf_counter() - start) * 1000)
    p50, floor_ms = statistics.median(samples), statistics.median(floor)
    return {
        "name": name,
        "p50_ms": round(p50, 2),
        "p95_ms": round(harness.percentile(samples, 0.95), 2),
        "n": renders,
        "queries": _queries(lambda: render_pdf(document)),
        "pages": pages,
        "pages_per_s": round(pages / (p50 / 1000), 2),
        "floor_ms": round(floor_ms, 2),
        "ratio_to_floor": round(p50 / floor_ms, 2),
    }


def term_report():
    """The demo ward's term report, or a long one built for the benchmark."""
    from reports.documents.models import Document
    from wards.demo import DEMO_WARD_CODE

    found = (
        Document.objects.filter(ward__code=DEMO_WARD_CODE, kind=Document.Kind.TERM)
        .exclude(summary__endswith=BENCH_MARKER)
        .order_by("pk")
        .first()
    )
    if found:
        return found
    found = Document.objects.filter(
        ward__code=DEMO_WARD_CODE, summary__endswith=BENCH_MARKER
    ).first()
    return found or build_long_document(DEMO_WARD_CODE)


def build_long_document(ward_code: str):
    """A congress report of about fifteen pages: the standard outline, narrative paragraphs and
    figure tables with a chart, figures as a snapshot of the reference report's."""
    from django.db import transaction

    from reports.documents.models import Block, Document, Section
    from wards.models import Ward

    ward = Ward.objects.get(code=ward_code)
    author = _reader()
    with transaction.atomic():
        document = Document.objects.create(
            ward=ward,
            kind=Document.Kind.TERM,
            # The term before the demo's, so that seed_demo never mistakes it for its own.
            starts_on=datetime.date(2009, 10, 1),
            ends_on=datetime.date(2014, 9, 30),
            issuing_body=ward.name.upper(),
            number=5,
            place=ward.short_name,
            issued_on=datetime.date(2019, 10, 25),
            summary="Kết quả công tác Mặt trận nhiệm kỳ 2014 – 2019, mục tiêu, chương trình "
            f"hành động nhiệm kỳ 2019 – 2024 {BENCH_MARKER}",
            signer_name="Nguyễn Văn An",
            recipients="Ban Thường trực UB MTTQ VN thành phố\nĐảng ủy phường\n"
            "HĐND, UBND phường\nCác tổ chức thành viên\nLưu: VT",
            created_by=author,
        )
        for position, (level, heading) in enumerate(_OUTLINE, start=1):
            section = Section.objects.create(
                document=document, position=position, level=level, heading=heading
            )
            if level == 1:
                continue
            paragraphs = "".join(
                "<p>"
                + " ".join(_SENTENCES[(position + n + k) % len(_SENTENCES)] for k in range(3))
                + "</p>"
                for n in range(3 if level >= 3 else 2)
            )
            Block.objects.create(section=section, position=1, kind=Block.Kind.TEXT, text=paragraphs)
            if "Quỹ Vì người nghèo" in heading:
                Block.objects.create(
                    section=section,
                    position=2,
                    kind=Block.Kind.FUNDS,
                    options={"chart": True},
                    snapshot=FUNDS_SNAPSHOT,
                )
    return document


def _repeat_download(document, stored_or_rendered_pdf):
    """A request callable for the repeat download, and how it is made."""
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse("reports:document_pdf", args=[document.ward.code, document.pk])
    except NoReverseMatch:
        # The download page is not wired yet: the stored-copy lookup it will call.
        return (lambda: stored_or_rendered_pdf(document)), "stored_or_rendered_pdf()"
    client = Client()
    client.force_login(_reader())

    def request():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body.startswith(b"%PDF"), url

    return request, url


def _reader():
    """The demo ward's officer (seed_demo), else the first administrator."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    return users.filter(username="canbo.mythoi").first() or users.filter(is_superuser=True).first()


def _queries(call) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)
