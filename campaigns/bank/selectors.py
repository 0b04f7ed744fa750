"""Reads for bank reconciliation: a holder's statements, their lines, the queue of lines that
wait for an officer, and what matching needs to know of the holder's funds and pledges.

The holder (a commune, or a province's committee) comes from the views' scoping functions
(wards/selectors.py); every query here starts from it.
"""

import datetime
from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Trim, Upper
from django.shortcuts import get_object_or_404
from django.utils import timezone

from campaigns import references
from campaigns import selectors as fund_selectors
from campaigns.bank import matching, statements
from campaigns.models import (
    BankStatement,
    Campaign,
    Pledge,
    StatementLine,
    holder_fields,
)
from wards.models import Province

Status = StatementLine.Status
MONEY_KINDS = (Campaign.Kind.FUND, Campaign.Kind.HOUSING)


def period_text(first: datetime.date, last: datetime.date) -> str:
    """ "05/03/2026", or "01/03/2026 – 05/03/2026"."""
    if first == last:
        return f"{first:%d/%m/%Y}"
    return f"{first:%d/%m/%Y} – {last:%d/%m/%Y}"


def statement_label(statement: BankStatement) -> str:
    """ "sao kê ngày 01/03/2026 – 05/03/2026 (tệp “sao-ke.csv”)"."""
    return (
        f"sao kê ngày {period_text(statement.first_on, statement.last_on)} "
        f"(tệp “{statement.file_name}”)"
    )


def holder_accounts(holder) -> dict[str, list[str]]:
    """The receiving accounts of the holder's own funds (a commune's statement is of its own
    account, not of its province's drives'), each with the names of the funds on it."""
    accounts: dict[str, list[str]] = {}
    own = {"province": holder} if isinstance(holder, Province) else {"ward": holder}
    funds = (
        Campaign.objects.filter(**own)
        .exclude(bank_account_number="")
        .order_by("bank_account_number", "name")
        .values_list("bank_account_number", "name")
    )
    for number, name in funds:
        accounts.setdefault(number, []).append(name)
    return accounts


def open_money_funds(holder) -> QuerySet[Campaign]:
    """The funds an officer may record a statement line in: money drives not closed."""
    return (
        fund_selectors.campaigns_at(holder)
        .filter(kind__in=MONEY_KINDS)
        .exclude(status=Campaign.Status.CLOSED)
        .order_by("name", "pk")
    )


def _counted(status):
    return Count("lines", filter=Q(lines__status=status))


def statements_of(holder) -> QuerySet[BankStatement]:
    """The holder's statements, newest first, each with its lines counted by status and their
    total."""
    return (
        BankStatement.objects.filter(**holder_fields(holder))
        .select_related("imported_by")
        .annotate(
            line_count=Count("lines"),
            line_total=Sum("lines__amount"),
            recorded_count=_counted(Status.RECORDED),
            matched_count=_counted(Status.MATCHED),
            waiting_count=_counted(Status.WAITING),
            set_aside_count=_counted(Status.SET_ASIDE),
        )
        .order_by("-imported_at", "-pk")
    )


def statement_or_404(holder, pk) -> BankStatement:
    return get_object_or_404(
        BankStatement.objects.select_related("imported_by"), pk=pk, **holder_fields(holder)
    )


def lines_of(statement: BankStatement) -> list[StatementLine]:
    """Every stored line of one statement, in the file's order."""
    return list(
        statement.lines.select_related(
            "campaign", "pledge__campaign", "donation", "handled_by"
        ).order_by("booked_on", "row", "pk")
    )


def _search(lines: QuerySet[StatementLine], search: str) -> QuerySet[StatementLine]:
    """By amount ("500.000", "500000"), or by text in the bank's reference or the note."""
    search = " ".join(search.split())
    if not search:
        return lines
    condition = Q(bank_reference__icontains=search) | Q(description__icontains=search)
    try:
        amount = statements.parse_amount(search)
    except statements.BadValue:
        amount = None
    if isinstance(amount, int) and 0 < amount <= statements.MAX_VALUE:
        condition |= Q(amount=amount)
    return lines.filter(condition)


def queue(holder, *, status: str = Status.WAITING, search: str = "") -> QuerySet[StatementLine]:
    """The holder's lines that wait for an officer (or those set aside), oldest first."""
    lines = StatementLine.objects.filter(**holder_fields(holder), status=status).select_related(
        "statement", "campaign", "pledge__campaign", "handled_by"
    )
    return _search(lines, search).order_by("booked_on", "row", "pk")


# A gift recorded by hand may carry the day the donor said they sent it, days from the day the
# bank booked it: candidates are looked for this many days either side.
LINK_DAYS = 7
LINK_CHOICES = 5


def link_candidates(holder, lines: Iterable[StatementLine]) -> dict[int, list]:
    """{line pk: the counted cash donations recorded by hand that it could be}: the same
    amount, near its day, not yet linked to a statement line, closest day first (one query
    for the whole page)."""
    lines = list(lines)
    if not lines:
        return {}
    days = datetime.timedelta(days=LINK_DAYS)
    near = Q()
    for line in lines:
        near |= Q(
            amount=line.amount,
            received_on__range=(line.booked_on - days, line.booked_on + days),
        )
    donations = list(
        fund_selectors.counted_donations()
        .filter(
            fund_selectors.IS_CASH,
            near,
            **holder_fields(holder),
            statement_line="",
            bank_line__isnull=True,
        )
        .select_related("campaign")
        .order_by("received_on", "pk")
    )
    found = {}
    for line in lines:
        same = [
            d
            for d in donations
            if d.amount == line.amount and abs((d.received_on - line.booked_on).days) <= LINK_DAYS
        ]
        same.sort(key=lambda d: (abs((d.received_on - line.booked_on).days), d.pk))
        if same:
            found[line.pk] = same[:LINK_CHOICES]
    return found


def queue_line(holder, pk) -> StatementLine | None:
    return (
        StatementLine.objects.filter(**holder_fields(holder), pk=pk)
        .select_related("campaign", "pledge__campaign")
        .first()
    )


def status_counts(statement: BankStatement) -> dict[str, int]:
    counts = dict(statement.lines.values_list("status").annotate(count=Count("pk")).order_by())
    return {status: counts.get(status, 0) for status in Status.values}


def waiting_count(holder) -> int:
    return StatementLine.objects.filter(**holder_fields(holder), status=Status.WAITING).count()


def queue_counts(holder) -> dict[str, int]:
    counts = dict(
        StatementLine.objects.filter(**holder_fields(holder))
        .filter(status__in=[Status.WAITING, Status.SET_ASIDE])
        .values_list("status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {status: counts.get(status, 0) for status in (Status.WAITING, Status.SET_ASIDE)}


# --- What matching needs ---------------------------------------------------------------------


def stored_lines(holder, keys: Iterable[str]) -> dict[str, StatementLine]:
    """The holder's lines already stored under these keys, with the statement that brought
    them."""
    lines = StatementLine.objects.filter(**holder_fields(holder), key__in=set(keys))
    return {line.key: line for line in lines.select_related("statement")}


def recorded_donations(
    holder, rows: list[statements.StatementRow], *, by_hand_only=False
) -> list[statements.Existing]:
    """The holder's counted cash donations that could be one of these rows: by reference, or
    on their days (a statement holds money: goods and their equivalents never match).
    `by_hand_only`: only those not recorded from a statement line."""
    refs = {statements.reference_key(row.reference) for row in rows}
    days = {row.received_on for row in rows}
    donations = fund_selectors.counted_donations().filter(
        fund_selectors.IS_CASH, **holder_fields(holder)
    )
    if by_hand_only:
        donations = donations.filter(statement_line="")
    donations = (
        donations.annotate(reference_key=Upper(Trim("bank_reference")))
        .filter(Q(reference_key__in=refs) | Q(received_on__in=days))
        .select_related("campaign")
    )
    return [
        statements.Existing(
            received_on=donation.received_on,
            amount=donation.amount,
            donor_name=donation.donor_name,
            bank_reference=donation.bank_reference,
            label=f"biên nhận {donation.receipt_label} ({donation.campaign.name})",
        )
        for donation in donations
    ]


def duplicates_of(holder, rows: list[statements.StatementRow]) -> list[tuple[str, ...]]:
    """For each row, why it may be a donation already recorded by hand."""
    reasons = statements.recorded_reasons(rows, recorded_donations(holder, rows, by_hand_only=True))
    return [tuple(found) for found in reasons]


def _recorded(holder, keys: set[str], days: set[datetime.date]) -> dict[str, matching.Recorded]:
    """Counted donations already made from statement lines with these keys (key#n), that no
    stored line holds yet (the per-fund import before lines were stored)."""
    donations = (
        fund_selectors.counted_donations()
        .filter(**holder_fields(holder), received_on__in=days)
        .exclude(statement_line="")
        .filter(~Exists(StatementLine.objects.filter(donation=OuterRef("pk"))))
        .values_list("pk", "statement_line", "campaign_id")
    )
    found = {}
    for pk, statement_line, campaign_id in donations:
        key = statement_line.rpartition("#")[0]
        if key in keys:
            found[key] = matching.Recorded(donation_pk=pk, fund_pk=campaign_id)
    return found


def _pledge_facts(pledges, holder) -> list[matching.Pledge]:
    pledges = list(pledges)
    used = (
        StatementLine.objects.filter(
            **holder_fields(holder),
            pledge__in=[p.pk for p in pledges],
            status__in=[Status.MATCHED, Status.RECORDED],
        )
        .select_related("statement")
        .order_by("booked_on", "pk")
    )
    used_by = {}
    for line in used:
        used_by.setdefault(line.pledge_id, f"dòng {line.row} của {statement_label(line.statement)}")
    return [
        matching.Pledge(
            pk=pledge.pk,
            fund_code=pledge.campaign.reference_code,
            code=pledge.code,
            amount=pledge.amount,
            created_on=_local_date(pledge.created_at),
            used_by=used_by.get(pledge.pk, ""),
        )
        for pledge in pledges
    ]


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


def holdings_for(holder, rows: list[statements.StatementRow], keys: list[str]) -> matching.Holdings:
    """The holder's funds, the pledges these rows could name (by reference, or by amount and
    date), and the donations already made from their keys."""
    funds = list(
        fund_selectors.campaigns_at(holder)
        .select_related(None)
        .only("pk", "reference_code", "name", "kind", "status")
    )
    by_code = {fund.reference_code: fund for fund in funds if fund.reference_code}
    named = set()
    for row in rows:
        text = f"{row.description} {row.reference}"
        for fund_code, pledge_code in references.find_references(text):
            if pledge_code and fund_code in by_code:
                named.add((fund_code, pledge_code))
    pledges: dict[int, Pledge] = {}
    if named:
        for pledge in Pledge.objects.filter(
            campaign__in=[by_code[fund_code].pk for fund_code, _ in named],
            code__in={pledge_code for _, pledge_code in named},
        ).select_related("campaign"):
            if (pledge.campaign.reference_code, pledge.code) in named:
                pledges[pledge.pk] = pledge
    days = [row.received_on for row in rows]
    near = Pledge.objects.filter(
        campaign__in=[fund.pk for fund in funds if fund.holds_money],
        amount__in={row.amount for row in rows},
        created_at__date__gte=min(days) - datetime.timedelta(days=matching.AMOUNT_DATE_DAYS),
        created_at__date__lte=max(days),
    ).select_related("campaign")
    for pledge in near:
        pledges[pledge.pk] = pledge
    return matching.Holdings(
        holder_name=holder.name,
        funds=[
            matching.Fund(
                pk=fund.pk,
                code=fund.reference_code,
                name=fund.name,
                holds_money=fund.holds_money,
                closed=fund.status == Campaign.Status.CLOSED,
            )
            for fund in funds
            if fund.reference_code
        ],
        pledges=_pledge_facts(pledges.values(), holder),
        recorded=_recorded(holder, set(keys), set(days)),
    )
