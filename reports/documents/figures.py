"""Figure blocks: tables (and optional charts) computed from the data for a document's dates.

CONTRACT (shared by pdf.py, docx.py, charts.py and the editing pages) — `compute(block)`
returns a JSON-serialisable snapshot that is stored on the block and rendered as it is:

    {
      "caption": "Kết quả vận động Quỹ Vì người nghèo",     # default table title
      "unit": "Đơn vị: đồng",                                 # "" when the columns say it
      "columns": [{"label": "Quỹ", "align": "left"}, {"label": "Đã vận động", "align": "right"}],
      "rows": [
        {"cells": [{"t": "Quỹ Vì người nghèo", "v": null}, {"t": "1.804.000.000", "v": 1804000000}],
         "total": false},
        ...,
        {"cells": [...], "total": true}                       # the totals row, bold
      ],
      "chart": {                                              # only when options["chart"]
        "title": "…", "unit": "đồng",
        "labels": ["2014", "2015", …],
        "series": [{"name": "Thu", "values": [1, 2, …]}, …]
      },
      "period": "01/01/2014 – 31/12/2019",                    # what the figures cover
      "note": "…"                                             # optional line under the table
    }

Every "t" is already in the Vietnamese format (1.804.000.000; 82,00 %), so the HTML, the
PDF and the DOCX show exactly the same text; "v" keeps the raw integer (or null) for charts.
"""

# Implemented by the figures work package (see compute()).
