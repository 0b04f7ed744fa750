import pytest

from reports.documents.richtext import Run, clean, guard, paragraphs


def test_it_keeps_paragraphs_lists_bold_and_italic():
    html = "<p>Một <strong>hai</strong> <em>ba</em></p><ul><li>bốn</li></ul><ol><li>năm</li></ol>"

    assert clean(html) == html


def test_it_writes_b_and_i_as_strong_and_em():
    assert clean("<p><b>đậm</b> và <i>nghiêng</i></p>") == (
        "<p><strong>đậm</strong> và <em>nghiêng</em></p>"
    )


def test_it_drops_every_attribute():
    html = '<p style="background:url(http://169.254.169.254/x)" class="a" onclick="x()">Chữ</p>'

    assert clean(html) == "<p>Chữ</p>"


@pytest.mark.parametrize(
    ("hostile", "expected"),
    [
        ("<script>alert(1)</script><p>Chữ</p>", "<p>Chữ</p>"),
        ("<style>@import url(file:///etc/passwd)</style><p>Chữ</p>", "<p>Chữ</p>"),
        ('<img src="file:///etc/passwd"><p>Chữ</p>', "<p>Chữ</p>"),
        ('<link href="http://169.254.169.254/"><p>Chữ</p>', "<p>Chữ</p>"),
        ("<p>Chữ<!-- ghi chú --></p>", "<p>Chữ</p>"),
        ('<a href="javascript:alert(1)">Liên kết</a>', "<p>Liên kết</p>"),
        ("<svg><script>alert(1)</script></svg><p>Chữ</p>", "<p>Chữ</p>"),
    ],
)
def test_it_removes_what_officers_may_not_write(hostile, expected):
    assert clean(hostile) == expected


def test_other_tags_are_unwrapped_to_their_text_and_blocks_become_paragraphs():
    html = "<div>Đoạn <span>một</span></div><h1>Đoạn hai</h1><table><tr><td>ba</td></tr></table>"

    assert clean(html) == "<p>Đoạn một</p><p>Đoạn hai</p><p>ba</p>"


def test_plain_text_becomes_paragraphs_and_line_breaks():
    text = "Dòng một\nDòng hai\n\nĐoạn hai: 5 < 7 & 7 > 5"

    assert clean(text) == ("<p>Dòng một<br>Dòng hai</p><p>Đoạn hai: 5 &lt; 7 &amp; 7 &gt; 5</p>")


def test_loose_text_is_put_in_paragraphs_and_empty_ones_are_dropped():
    assert clean("đầu <strong>đậm</strong><p>  </p><p>giữa</p>cuối") == (
        "<p>đầu <strong>đậm</strong></p><p>giữa</p><p>cuối</p>"
    )


def test_empty_input_gives_empty_text():
    assert clean("") == ""
    assert clean("<p> </p><script>x</script>") == ""


@pytest.mark.parametrize(
    "html",
    [
        "<p>a<br><br> b</p>",
        "<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>",
        "<ol><li>x</li></ol><ol><li>y</li></ol>",
        "<p><b>đậm <i>cả hai</i></b> thường</p>",
        "Chữ thường\nxuống dòng",
    ],
)
def test_cleaning_twice_changes_nothing(html):
    once = clean(html)

    assert clean(once) == once
    assert guard(once) == once


def test_guard_strips_what_clean_would():
    assert guard('<p onclick="x">a<img src="x"><script>b</script></p>') == "<p>a</p>"


def test_paragraphs_give_runs_with_emphasis():
    (paragraph,) = paragraphs("<p>Một <strong>hai <em>ba</em></strong></p>")

    assert paragraph.kind == "paragraph"
    assert paragraph.runs == [
        Run("Một "),
        Run("hai ", bold=True),
        Run("ba", bold=True, italic=True),
    ]


def test_paragraphs_number_ordered_items_and_nest_lists():
    items = paragraphs("<ol><li>một</li><li>hai<ul><li>hai a</li></ul></li></ol><p>sau</p>")

    assert [(item.kind, item.level, item.number, item.text) for item in items] == [
        ("numbered", 0, 1, "một"),
        ("numbered", 0, 2, "hai"),
        ("bullet", 1, None, "hai a"),
        ("paragraph", 0, None, "sau"),
    ]


def test_a_line_break_is_a_newline_in_the_run():
    (paragraph,) = paragraphs("<p>trên<br>dưới</p>")

    assert paragraph.text == "trên\ndưới"


def test_paragraphs_of_hostile_input_keep_only_the_visible_text():
    items = paragraphs(
        '<script>alert(1)</script><p style="x">Chữ</p><img src="file:///etc/passwd">'
    )

    assert [item.text for item in items] == ["Chữ"]
