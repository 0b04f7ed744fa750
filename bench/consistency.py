"""Consistency of the data after a load test (or a fault): nothing lost, nothing doubled.

    python bench/consistency.py [RUN_DIR]   # NATIONAL_DATABASE_URL, default mttq_national

- donations: every donation the load test was told was recorded (HTTP 302) exists exactly
  once (found by the tag in its note); an attempt that got no answer exists at most once;
- receipt numbers: per ward and year they run 1, 2, … n with no gap and no duplicate, and
  the ward's counter stands at n;
- funds: for every fund the run wrote to, cash raised − reversed − disbursed (goods and their
  money equivalents are not cash) is not negative and
  equals the portal's balance and the closing figure of its ledger (other funds' negative
  balances are counted, as the generated dataset has some);
- monthly values: every figure an officer saved is in the database (or, after an attempt
  that got no answer, that attempt's figure).
RUN_DIR holds the actions-*.jsonl logs of bench/locustfile.py; without it only the receipts
and funds are checked. Exit status 1 when anything is wrong.
"""

import datetime
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SHOWN = 10  # examples listed per problem


def read_actions(run_dir: Path) -> list[dict]:
    actions = []
    for path in sorted(run_dir.glob("actions-*.jsonl")):
        actions += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return actions


def _number(text):
    text = (text or "").replace(".", "").strip()
    return int(text) if text else None


def check_donations(actions, run_id) -> dict:
    from campaigns.models import Donation

    attempts = [a for a in actions if a["kind"] == "donation"]
    prefix = f"loadtest:{run_id}:"
    stored = Counter(
        Donation.objects.filter(note__startswith=prefix).values_list("note", flat=True)
    )
    confirmed = {a["tag"] for a in attempts if a["ok"]}
    attempted = {a["tag"] for a in attempts}
    missing = sorted(confirmed - set(stored))
    duplicated = sorted(tag for tag, n in stored.items() if n > 1)
    unexpected = sorted(set(stored) - attempted)
    return {
        "ok": not (missing or duplicated or unexpected),
        "confirmed": len(confirmed),
        "stored": sum(stored.values()),
        "written_without_answer": len((set(stored) & attempted) - confirmed),
        "missing": missing[:SHOWN],
        "duplicated": duplicated[:SHOWN],
        "unexpected": unexpected[:SHOWN],
    }


def check_receipts() -> dict:
    from django.db.models import Count, Max, Min

    from campaigns.models import Donation, ReceiptCounter

    per_year = (
        Donation.objects.order_by()
        .values("ward__code", "ward_id", "receipt_year")
        .annotate(
            n=Count("pk"),
            distinct=Count("receipt_number", distinct=True),
            low=Min("receipt_number"),
            high=Max("receipt_number"),
        )
    )
    counters = {
        (c.ward_id, c.year): c.last_number for c in ReceiptCounter.objects.only("ward", "year")
    }
    broken, behind = [], []
    for row in per_year:
        label = f"{row['ward__code']}/{row['receipt_year']}"
        if not (row["n"] == row["distinct"] == row["high"] and row["low"] == 1):
            broken.append(f"{label}: {row['n']} số, từ {row['low']} đến {row['high']}")
        counter = counters.get((row["ward_id"], row["receipt_year"]))
        if counter is not None and counter != row["high"]:
            behind.append(f"{label}: bộ đếm {counter}, số lớn nhất {row['high']}")
    return {
        "ok": not (broken or behind),
        "ward_years": len(per_year),
        "gaps_or_duplicates": broken[:SHOWN],
        "counter_mismatch": behind[:SHOWN],
    }


def fund_balances() -> dict:
    """{campaign pk: cash raised − reversed − disbursed} of every fund, from the raw rows."""
    from django.db.models import Sum

    from campaigns.models import Campaign, Disbursement, Donation

    def totals(queryset):
        return dict(
            queryset.order_by()
            .values("campaign_id")
            .annotate(total=Sum("amount"))
            .values_list("campaign_id", "total")
        )

    cash = Donation.Form.CASH
    raised = totals(Donation.objects.filter(form=cash))
    reversed_ = totals(Donation.objects.filter(form=cash, reversal__isnull=False))
    disbursed = totals(Disbursement.objects.filter(form=cash))
    funds = Campaign.objects.filter(kind__in=[Campaign.Kind.FUND, Campaign.Kind.HOUSING])
    return {
        pk: raised.get(pk, 0) - reversed_.get(pk, 0) - disbursed.get(pk, 0)
        for pk in funds.values_list("pk", flat=True)
    }


def check_funds(wards_written) -> dict:
    from django.utils import timezone

    from campaigns import selectors
    from campaigns.models import Campaign

    balances = fund_balances()
    funds = Campaign.objects.filter(pk__in=balances)
    today = timezone.localdate()
    written = list(funds.filter(ward__code__in=wards_written))
    written_pks = {campaign.pk for campaign in written}
    negative, mismatch = [], []
    # Generated datasets may hold funds paid out beyond their receipts (bench/national.py
    # writes rows without the services' refusal): listed apart, the run is judged on its own.
    negative_elsewhere = [pk for pk, balance in balances.items() if balance < 0]
    negative_elsewhere = [pk for pk in negative_elsewhere if pk not in written_pks]
    for campaign in written:
        if balances[campaign.pk] < 0:
            negative.append(f"quỹ {campaign.pk}: {balances[campaign.pk]}")
        balance = selectors.fund_balance(campaign=campaign)
        months = selectors.ledger(
            campaign=campaign, first=campaign.starts_on.replace(day=1), last=today
        )
        closing = months[-1].closing if months else 0
        if not balance == closing == balances[campaign.pk]:
            mismatch.append(
                f"quỹ {campaign.pk}: tính lại {balances[campaign.pk]}, số dư {balance}, "
                f"sổ quỹ {closing}"
            )
    return {
        "ok": not (negative or mismatch),
        "funds": len(balances),
        "funds_written": len(written),
        "negative": negative[:SHOWN],
        "mismatch": mismatch[:SHOWN],
        "negative_in_dataset": len(negative_elsewhere),
    }


def check_monthly_values(actions) -> dict:
    from reports.models import IndicatorValue

    # Per (ward, month, field): the figure before the run, then each save attempt in order.
    history = defaultdict(list)
    for action in actions:
        if action["kind"] not in ("initial", "save"):
            continue
        for field, value in action["values"].items():
            key = (action["ward"], action["period"], field.removeprefix("v_"))
            history[key].append((action["kind"], _number(value), action.get("ok", True)))
    stored = {}
    for ward, period in {(ward, period) for ward, period, _ in history}:
        rows = IndicatorValue.objects.filter(
            report__ward__code=ward, report__period=datetime.date.fromisoformat(period)
        ).values_list("indicator__code", "value")
        stored.update({(ward, period, code): value for code, value in rows})
    lost = []
    for key, steps in history.items():
        confirmed = [i for i, (_, _, ok) in enumerate(steps) if ok]
        last = confirmed[-1] if confirmed else 0
        # The last confirmed figure, or one sent after it whose answer never came.
        allowed = {steps[last][1]} | {value for _, value, ok in steps[last + 1 :] if not ok}
        if stored.get(key) not in allowed:
            lost.append(f"{'/'.join(key)}: có {stored.get(key)}, cần {sorted(allowed, key=str)}")
    return {"ok": not lost, "checked": len(history), "lost": lost[:SHOWN]}


def check(run_dir: Path | None = None, run_id: str | None = None) -> dict:
    actions = read_actions(run_dir) if run_dir else []
    if run_dir and run_id is None:
        run_id = json.loads((run_dir / "plan.json").read_text(encoding="utf-8"))["run_id"]
    wards_written = {a["ward"] for a in actions if a["kind"] in ("save", "donation")}
    result = {"receipts": check_receipts(), "funds": check_funds(wards_written)}
    if run_dir:
        result["donations"] = check_donations(actions, run_id)
        result["monthly_values"] = check_monthly_values(actions)
    result["ok"] = all(part["ok"] for part in result.values())
    return result


def main(argv):
    from bench import national

    national.setup()
    run_dir = Path(argv[1]) if len(argv) > 1 else None
    result = check(run_dir)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main(sys.argv)
