"""Per ward and month summary rows for the province and national dashboards.

`WardMonth` holds what those dashboards add up over thousands of wards: cash raised and paid
out, the money equivalents of goods received (apart from cash), houses handed over, propaganda
sessions, the month's report status and first submission, and the change in membership totals.
Every write that changes one of these figures refreshes the affected rows in its own
transaction (`signals.py` → `maintain.py`), so the summary equals the raw rows at every moment;
`manage.py rebuild_summaries` recomputes everything (or checks for drift) for operators and
after bulk loads.
"""
