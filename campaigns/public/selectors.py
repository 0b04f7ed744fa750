"""Public disclosure: what anyone may read without logging in (công khai, minh bạch)."""

import dataclasses
import datetime
import functools
import hashlib
import heapq
import operator
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import Contains, Regex, StartsWith

from campaigns import references
from campaigns.models import (
    Allocation,
    AllocationReversal,
    BankStatement,
    Campaign,
    Disbursement,
    Donation,
    DonationReversal,
    House,
    Household,
    StatementLine,
)
from campaigns.selectors import (
    campaign_totals,
    campaigns_of_ward,
    counted_donations,
    goods_key,
    mask_name,
    province_drive_totals,
    public_donor_name,
)
from core.collation import vietnamese_key
from wards.models import Province, ResidentialArea, Ward

# Public disclosure
#
# What anyone may read without logging in ("công khai, minh bạch"): a ward's money-holding
# campaigns with their totals at that ward, and every receipt and payment of one of them as a
# searchable statement (sao kê). Nothing personal leaves through here: donors who are people
# and household heads are masked ("Nguyễn V. A."); ID numbers, addresses, bank references and
# notes are never even read from the database.
#
# The search never lets the public confirm a full name: it matches only what the page shows.
# - People (donors and household heads): the family name or its beginning, optionally followed
#   by the initials of the next words in order, as the masked form shows them ("Nguyễn",
#   "Nguyễn V.", "nguyen v a"). A query holding a whole given name ("Nguyễn Văn Bình") matches
#   no person, and a one-word name (shown as its initial only) is not searchable at all.
# - Organisations and collectives: any part of their name.
# - Donors who are anonymous or asked not to be named: the words "Nhà hảo tâm".
# - A number ("123", "00123/2025") looks up receipts by number, not by name.
# - A donor finds their own gift by what only they hold: the portal's transfer reference of a
#   pledge ("MT7K2AP9XFQ", campaigns/references.py) or the bank's reference of the transfer
#   ("FT26065001"), matched whole, never in part. A reference made of digits only is looked
#   up among the bank's own references (statement lines) alone: an officer may have typed a
#   payer's account number by hand, and an account number must find nothing.
# - An amount and a day typed in the same box ("500.000 05/03/2026") filter like the amount
#   and date fields (DisclosureFilter.amount, .day).
# - Payments also by decision number, purpose, residential area, and the stated purpose of
#   payments to no household.
# Matching ignores case, Vietnamese diacritics and extra spaces ("nguyen" finds "Nguyễn").
# Each receipt line also says whether it was verified against a bank statement line (which
# statement, which day) or recorded by hand: `Verification`, read with the row in one join.
#
# The three kinds of donors are searched by three disjoint queries, each served on PostgreSQL
# by its own partial index (migration 0002: people by folded family name and amount, the others
# by date with the folded name), so that totals and pages read index entries, not table rows,
# however many donations the fund has. A fund's overall totals at a ward are cached until any
# donation, reversal or payment is recorded.


PUBLIC_ANONYMOUS = "Nhà hảo tâm"
_CASH, _GOODS = Q(form=Donation.Form.CASH), Q(form=Donation.Form.IN_KIND)
PUBLIC_CAMPAIGN_KINDS = (Campaign.Kind.FUND, Campaign.Kind.HOUSING)
RECEIPTS, DISBURSEMENTS = "thu", "chi"


def fold_text(text: str) -> str:
    """ "  Nguyễn   Văn ĐỨC " → "nguyen van duc": lower case, no diacritics, single spaces.

    PostgreSQL computes the same with mttq_fold() (migration 0002); SQLite calls this.
    """
    decomposed = unicodedata.normalize("NFD", text or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.replace("đ", "d").replace("Đ", "D").lower().split())


def family_name(text: str) -> str | None:
    """ "Nguyễn Văn An" → "nguyen"; None for a one-word name, whose masked form is an initial.

    PostgreSQL computes the same with mttq_family() (migration 0002); SQLite calls this.
    """
    folded = fold_text(text)
    return folded.split(" ", 1)[0] if " " in folded else None


def _fold_or_none(value):
    return None if value is None else fold_text(value)


def _family_or_none(value):
    return None if value is None else family_name(value)


class Folded(Func):
    """fold_text() of a text column, computed by the database (PostgreSQL or SQLite)."""

    function = "mttq_fold"
    arity = 1
    output_field = CharField()
    python = staticmethod(_fold_or_none)

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        connection.connection.create_function(self.function, 1, self.python, deterministic=True)
        return self.as_sql(compiler, connection, **extra_context)


class FamilyName(Folded):
    """family_name() of a text column, computed by the database."""

    function = "mttq_family"
    python = staticmethod(_family_or_none)


_NAME_TOKEN = re.compile(r"[^\s.]+")
_RECEIPT_QUERY = re.compile(r"^0*(\d{1,9})(?:/(\d{4}))?$")
_PEOPLE = Q(donor_kind=Donation.DonorKind.INDIVIDUAL, publish_name=True)
_ORGANISATIONS = Q(
    donor_kind__in=[Donation.DonorKind.ORGANISATION, Donation.DonorKind.COLLECTIVE],
    publish_name=True,
)
_UNNAMED = Q(donor_kind=Donation.DonorKind.ANONYMOUS) | Q(publish_name=False)


def masked_name_terms(folded_query: str) -> tuple[str, list[str]] | None:
    """(family name, initials) when the query reads like a masked name, else None.

    "nguyen v. a." → ("nguyen", ["v", "a"]). A token after the first that is more than an
    initial gives None: matching it would test the hidden given names.
    """
    tokens = _NAME_TOKEN.findall(folded_query)
    if not tokens:
        return None
    family, *initials = tokens
    if not family.isalpha() or any(len(i) != 1 or not i.isalpha() for i in initials):
        return None
    return family, initials


def _person_q(field: str, folded_query: str) -> Q | None:
    """A person's name in `field` matching the masked name the query reads as, or None."""
    terms = masked_name_terms(folded_query)
    if terms is None:
        return None
    family, initials = terms
    # One-word names have no family name: they are shown as an initial only.
    match = Q(StartsWith(FamilyName(field), family))
    if initials:
        # Folded names have single spaces.
        match &= Q(Regex(Folded(field), "^" + r"\S* ".join([family, *initials])))
    return match


# A bank's transaction reference: letters, digits and a few separators, at least one digit.
_BANK_REFERENCE = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9./_-]{5,39}$")
_NOTE_LEAD = re.compile(r"^\s*ung\s*ho\s*", re.IGNORECASE)
# Statement lines that are money in the account but not yet a donation in the books.
UNRECORDED_LINES = (StatementLine.Status.WAITING, StatementLine.Status.MATCHED)


def transfer_reference(query: str) -> tuple[str, str] | None:
    """(fund code, pledge code or "") when the query is one of the portal's transfer
    references, typed alone or as the whole transfer note ("UNG HO MT7K2AP9XFQ"), else None."""
    text = references.fold(_NOTE_LEAD.sub("", fold_text(query)))
    if not text.startswith(references.PREFIX):
        return None
    return references.parse(text)


def bank_reference_variants(query: str) -> list[str] | None:
    """The spellings of a bank reference to look up ("ft26065001" → also "FT26065001"), or
    None when the query cannot be one."""
    text = query.strip()
    if not _BANK_REFERENCE.match(text):
        return None
    return sorted({text, text.upper()})


def _bank_reference_q(query: str, ward) -> Q | None:
    variants = bank_reference_variants(query)
    if variants is None:
        return None
    lines = StatementLine.objects.filter(
        ward=ward, bank_reference__in=variants, donation__isnull=False
    )
    match = Q(pk__in=lines.values("donation"))
    if not variants[0].isdigit():
        # What an officer typed by hand is trusted only when it cannot be an account number.
        match |= Q(bank_reference__in=variants)
    return match


def _pledge_q(fund_code: str, pledge_code: str) -> Q:
    lines = StatementLine.objects.filter(
        pledge__campaign__reference_code=fund_code, pledge__code=pledge_code
    ).filter(donation__isnull=False)
    return Q(pk__in=lines.values("donation"))


def _donation_branches(query: str, campaign, ward) -> list[Q]:
    """Disjoint conditions whose union is what the query finds among donations (none: the
    query can find nothing)."""
    reference = transfer_reference(query)
    if reference is not None:
        fund_code, pledge_code = reference
        # The fund's own reference is on its page for every donor: it names no one's gift.
        if fund_code != campaign.reference_code or not pledge_code:
            return []
        return [_pledge_q(fund_code, pledge_code)]
    branches, others = [], Q()
    by_bank = _bank_reference_q(query, ward)
    if by_bank is not None:
        branches.append(by_bank)
        others = ~by_bank
    number = _RECEIPT_QUERY.match(query)
    if number:
        found = Q(receipt_number=int(number[1]))
        if number[2]:
            found &= Q(receipt_year=int(number[2]))
        return [*branches, found & others]
    folded = fold_text(query)
    branches.append(_ORGANISATIONS & Q(Contains(Folded("donor_name"), folded)) & others)
    person = _person_q("donor_name", folded)
    if person is not None:
        branches.append(_PEOPLE & person & others)
    if folded in fold_text(PUBLIC_ANONYMOUS):
        branches.append(_UNNAMED & others)
    return branches


def _disbursement_q(query: str, ward) -> Q | None:
    """What the query finds among payments; None: nothing (a transfer reference names a gift)."""
    if transfer_reference(query) is not None:
        return None
    folded = fold_text(query)
    purposes = [
        value for value, label in Disbursement.Purpose.choices if folded in fold_text(label)
    ]
    match = Q(purpose__in=purposes) | Q(decision_reference__icontains=query)
    match |= Q(household__isnull=True) & Q(Contains(Folded("description"), folded))
    areas = ResidentialArea.objects.filter(ward=ward).filter(Contains(Folded("name"), folded))
    households = Q(area__in=areas.values("pk"))
    person = _person_q("head_name", folded)
    if person is not None:
        households |= person
    match |= Q(household__in=Household.objects.filter(ward=ward).filter(households).values("pk"))
    return match


@dataclass(frozen=True)
class DisclosureFilter:
    """What the public searched for; empty fields do not filter."""

    query: str = ""
    amount_min: int | None = None
    amount_max: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    kind: str = ""  # RECEIPTS, DISBURSEMENTS or "" for both
    amount: int | None = None  # exactly, as typed in the search box
    day: datetime.date | None = None  # exactly, as typed in the search box

    @property
    def receipts(self) -> bool:
        return self.kind != DISBURSEMENTS

    @property
    def disbursements(self) -> bool:
        return self.kind != RECEIPTS

    @property
    def is_empty(self) -> bool:
        return self == DisclosureFilter()


def _filter_common(queryset, search: DisclosureFilter, day_field: str):
    if search.amount_min is not None:
        queryset = queryset.filter(amount__gte=search.amount_min)
    if search.amount_max is not None:
        queryset = queryset.filter(amount__lte=search.amount_max)
    if search.date_from:
        queryset = queryset.filter(**{f"{day_field}__gte": search.date_from})
    if search.date_to:
        queryset = queryset.filter(**{f"{day_field}__lte": search.date_to})
    if search.amount is not None:
        queryset = queryset.filter(amount=search.amount)
    if search.day:
        queryset = queryset.filter(**{day_field: search.day})
    return queryset


def _receipt_base(campaign, ward, search: DisclosureFilter) -> QuerySet[Donation]:
    donations = Donation.objects.filter(campaign=campaign, ward=ward)
    return _filter_common(donations, search, "received_on")


def _receipt_branches(search: DisclosureFilter, campaign, ward) -> list[Q]:
    return _donation_branches(search.query, campaign, ward) if search.query else [Q()]


def public_receipts(campaign, ward, search: DisclosureFilter) -> list[QuerySet[Donation]]:
    """Every recorded donation of the campaign at the ward that the search finds (reversed ones
    too), as disjoint querysets, one per kind of donor the query can match."""
    donations = _receipt_base(campaign, ward, search)
    return [donations.filter(branch) for branch in _receipt_branches(search, campaign, ward)]


def _reversed_receipts(campaign, ward, search: DisclosureFilter) -> QuerySet[Donation]:
    """What the search finds among reversed donations: few, so read from the reversals' side."""
    branches = _receipt_branches(search, campaign, ward)
    if not branches:
        return Donation.objects.none()
    found = functools.reduce(operator.or_, branches)
    return _receipt_base(campaign, ward, search).filter(found, reversal__isnull=False)


def public_disbursements(campaign, ward, search: DisclosureFilter) -> QuerySet[Disbursement]:
    payments = Disbursement.objects.filter(campaign=campaign, ward=ward)
    if search.query:
        found = _disbursement_q(search.query, ward)
        if found is None:
            return Disbursement.objects.none()
        payments = payments.filter(found)
    return _filter_common(payments, search, "paid_on")


CACHE_SECONDS = 600


def _newest(model):
    return Subquery(model.objects.order_by("-pk").values("pk")[:1])


def _public_campaigns_of(ward) -> QuerySet[Campaign]:
    """With the newest ids of donations, reversals and payments: recorded money is never edited
    or deleted (a correction is a reversal), so totals can be cached under them."""
    return (
        campaigns_of_ward(ward)
        .filter(kind__in=PUBLIC_CAMPAIGN_KINDS)
        .annotate(
            newest_donation=_newest(Donation),
            newest_reversal=_newest(DonationReversal),
            newest_payment=_newest(Disbursement),
        )
    )


def _cache_key(name, ward, campaigns) -> str | None:
    """None for campaigns not read by _public_campaigns_of(): no version, no caching."""
    first = campaigns[0]
    if not hasattr(first, "newest_donation"):
        return None
    version = f"{first.newest_donation}-{first.newest_reversal}-{first.newest_payment}"
    ids = "-".join(str(campaign.pk) for campaign in campaigns)
    return f"public-disclosure:{name}:{ward.pk}:{ids}:{version}"


def _cached(key, compute):
    value = cache.get(key) if key else None
    if value is None:
        value = compute()
        if key:
            cache.set(key, value, CACHE_SECONDS)
    return value


def public_campaigns(ward) -> list[Campaign]:
    """The ward's and its province's money-holding campaigns with, at this ward (reversed
    donations not counted): cash `received`, `paid` and `balance`, and `in_kind`, the money
    equivalents of goods received, apart. One query when cached."""
    campaigns = list(_public_campaigns_of(ward))
    if not campaigns:
        return []
    totals = _cached(
        _cache_key("ward", ward, campaigns),
        lambda: _campaign_totals_at(ward, [campaign.pk for campaign in campaigns]),
    )
    for campaign in campaigns:
        campaign.received, campaign.in_kind, campaign.paid = totals.get(campaign.pk, (0, 0, 0))
        campaign.balance = campaign.received - campaign.paid
        campaign.grand_total = campaign.received + campaign.in_kind
    return campaigns


def _by_form(queryset) -> dict[int, tuple[int, int]]:
    """{campaign id: (cash, equivalents of goods)} in one grouped query."""
    rows = (
        queryset.values("campaign")
        .annotate(cash=Sum("amount", filter=_CASH), goods=Sum("amount", filter=_GOODS))
        .values_list("campaign", "cash", "goods")
    )
    return {pk: (int(cash or 0), int(goods or 0)) for pk, cash, goods in rows}


def _campaign_totals_at(ward, ids) -> dict[int, tuple[int, int, int]]:
    """{campaign id: (cash received, goods' equivalents received, cash paid)} at the ward, in
    three grouped queries."""
    donations = Donation.objects.filter(ward=ward, campaign__in=ids)
    received = _by_form(donations)
    reversed_ = _by_form(donations.filter(reversal__isnull=False))
    paid = _by_form(Disbursement.objects.filter(ward=ward, campaign__in=ids))
    totals = {}
    for pk in ids:
        cash, goods = received.get(pk, (0, 0))
        cash_back, goods_back = reversed_.get(pk, (0, 0))
        totals[pk] = (cash - cash_back, goods - goods_back, paid.get(pk, (0, 0))[0])
    return totals


def public_campaign(ward, pk) -> Campaign | None:
    return _public_campaigns_of(ward).filter(pk=pk).first()


@dataclass(frozen=True)
class DisclosureTotals:
    """Cash and the money equivalents of goods apart; the balance is cash only."""

    received: int = 0  # counted cash receipts: reversed ones are listed but not added
    receipt_rows: int = 0
    reversed_rows: int = 0
    paid: int = 0  # cash paid out
    payment_rows: int = 0
    branch_rows: tuple = ()  # receipt rows per query of public_receipts()
    in_kind_received: int = 0  # equivalents of counted goods received
    in_kind_paid: int = 0  # equivalents of goods handed out

    @property
    def balance(self) -> int:
        return self.received - self.paid

    @property
    def grand_total(self) -> int:
        """Received, cash and goods' equivalents: shown only labelled as such."""
        return self.received + self.in_kind_received

    @property
    def rows(self) -> int:
        return self.receipt_rows + self.payment_rows


def disclosure_totals(campaign, ward, search: DisclosureFilter) -> DisclosureTotals:
    """Sums and row counts of what the search lists: a query per kind of donor it can match,
    one for the reversed donations among them, and one for payments."""
    received = in_kind = receipt_rows = reversed_rows = paid = in_kind_paid = payment_rows = 0
    branch_rows = []
    sums_by_form = {
        "rows": Count("*"),
        "cash": Coalesce(Sum("amount", filter=_CASH), 0),
        "goods": Coalesce(Sum("amount", filter=_GOODS), 0),
    }
    if search.receipts:
        for donations in public_receipts(campaign, ward, search):
            sums = donations.aggregate(**sums_by_form)
            received += int(sums["cash"])
            in_kind += int(sums["goods"])
            receipt_rows += sums["rows"]
            branch_rows.append(sums["rows"])
        sums = _reversed_receipts(campaign, ward, search).aggregate(**sums_by_form)
        received -= int(sums["cash"])
        in_kind -= int(sums["goods"])
        reversed_rows = sums["rows"]
    if search.disbursements:
        sums = public_disbursements(campaign, ward, search).aggregate(**sums_by_form)
        paid, in_kind_paid, payment_rows = int(sums["cash"]), int(sums["goods"]), sums["rows"]
    return DisclosureTotals(
        received,
        receipt_rows,
        reversed_rows,
        paid,
        payment_rows,
        tuple(branch_rows),
        in_kind_received=in_kind,
        in_kind_paid=in_kind_paid,
    )


def disclosure_overall(campaign, ward) -> DisclosureTotals:
    """All the fund's rows at the ward: disclosure_totals() with no filter, cached."""
    return _cached(
        _cache_key("fund", ward, [campaign]),
        lambda: disclosure_totals(campaign, ward, DisclosureFilter()),
    )


# Rows sort newest first by (day, rank, number, pk): on one day payments come before receipts
# and receipts go by number. The key of a row is also the keyset cursor of the next page.
_RECEIPT_RANK, _PAYMENT_RANK = 0, 1
_CURSOR = re.compile(r"^(\d{8})-([01])-(\d{1,12})-(\d{1,19})$")


# How a receipt line came to be in the books, as the public sees it.
VERIFIED = "bank_verified"
BANK_UNVERIFIED = "bank_unverified"
HAND_CASH = "hand_cash"
HAND_GOODS = "hand_goods"
HAND_OTHER = "hand_other"
VERIFICATION_LABELS = {
    BANK_UNVERIFIED: "Chuyển khoản, chưa đối chiếu sao kê",
    HAND_CASH: "Ghi tay: tiền mặt",
    HAND_GOODS: "Ghi tay: hiện vật",
    HAND_OTHER: "Ghi tay: kênh khác",
}


@dataclass(frozen=True)
class Verification:
    """Whether a gift was checked against a line of an imported bank statement (its day and
    the statement's period), else how it was recorded by hand."""

    status: str
    booked_on: datetime.date | None = None
    statement_from: datetime.date | None = None
    statement_to: datetime.date | None = None

    @property
    def is_verified(self) -> bool:
        return self.status == VERIFIED

    @property
    def label(self) -> str:
        if self.is_verified:
            return f"Đã đối chiếu sao kê ngày {self.booked_on:%d/%m/%Y}"
        return VERIFICATION_LABELS[self.status]

    @property
    def statement_text(self) -> str:
        if not self.is_verified:
            return ""
        return f"Sao kê từ {self.statement_from:%d/%m/%Y} đến {self.statement_to:%d/%m/%Y}"


def verification_of(donation: Donation) -> Verification:
    """From the donation and its statement line as read with it (`_receipt_window`)."""
    line = getattr(donation, "bank_line", None)
    if line is not None:
        statement = line.statement
        return Verification(VERIFIED, line.booked_on, statement.first_on, statement.last_on)
    if donation.is_in_kind:
        return Verification(HAND_GOODS)
    if donation.channel == Donation.Channel.BANK:
        return Verification(BANK_UNVERIFIED)
    if donation.channel == Donation.Channel.CASH:
        return Verification(HAND_CASH)
    return Verification(HAND_OTHER)


@dataclass(frozen=True)
class DisclosureRow:
    kind: str  # RECEIPTS or DISBURSEMENTS
    day: datetime.date
    reference: str  # receipt number, or the payment's decision number
    name: str  # as the public may see it
    content: str
    amount: int | None  # cash, or the goods' money equivalent (None: not valued)
    reversed: bool
    key: tuple
    in_kind: bool = False
    verification: Verification | None = None  # receipts only

    @property
    def is_receipt(self) -> bool:
        return self.kind == RECEIPTS

    @property
    def cursor(self) -> str:
        day, rank, number, pk = self.key
        return f"{day:%Y%m%d}-{rank}-{number}-{pk}"


def parse_cursor(text: str | None) -> tuple | None:
    """The key a cursor names, or None when it is not one."""
    found = _CURSOR.match(text or "")
    if not found:
        return None
    try:
        day = datetime.datetime.strptime(found[1], "%Y%m%d").date()
    except ValueError:
        return None
    return day, int(found[2]), int(found[3]), int(found[4])


def _receipt_row(donation: Donation) -> DisclosureRow:
    if donation.is_in_kind:
        content = f"Hiện vật: {donation.goods_text}"
    else:
        content = donation.get_channel_display()
    return DisclosureRow(
        kind=RECEIPTS,
        day=donation.received_on,
        reference=donation.receipt_label,
        name=public_donor_name(donation),
        content=content,
        amount=donation.amount,
        reversed=donation.is_reversed,
        key=(donation.received_on, _RECEIPT_RANK, donation.receipt_number, donation.pk),
        in_kind=donation.is_in_kind,
        verification=verification_of(donation),
    )


def _payment_row(payment: Disbursement) -> DisclosureRow:
    purpose = payment.get_purpose_display()
    if payment.household_id:
        household = payment.household
        name = mask_name(household.head_name)
        if household.area_id:
            name = f"{name} ({household.area.name})"
        content = purpose
    else:
        # No household: the stated purpose is what the public sees.
        name = ""
        content = f"{purpose}: {payment.description}"
    if payment.is_in_kind:
        content = f"{content} · hiện vật: {payment.goods_text}"
    return DisclosureRow(
        kind=DISBURSEMENTS,
        day=payment.paid_on,
        reference=payment.decision_reference,
        name=name,
        content=content,
        amount=payment.amount,
        reversed=False,
        key=(payment.paid_on, _PAYMENT_RANK, payment.pk, payment.pk),
        in_kind=payment.is_in_kind,
    )


def _receipt_window(donations, cursor, older: bool, size: int | None = None):
    """Donations past a cursor, in page order; only the columns the public may see.

    With a size, the first size + 1 are picked by their ids first, a query the search indexes
    answer alone, and only those rows are read.
    """
    if cursor:
        day, rank, number, pk = cursor
        if older:
            same_day = (
                Q(received_on=day)
                if rank == _PAYMENT_RANK
                else Q(received_on=day, receipt_number__lt=number)
                | Q(received_on=day, receipt_number=number, pk__lt=pk)
            )
            donations = donations.filter(Q(received_on__lt=day) | same_day, received_on__lte=day)
        else:
            same_day = (
                Q(pk__in=[])
                if rank == _PAYMENT_RANK
                else Q(received_on=day, receipt_number__gt=number)
                | Q(received_on=day, receipt_number=number, pk__gt=pk)
            )
            donations = donations.filter(Q(received_on__gt=day) | same_day, received_on__gte=day)
    order = ("received_on", "receipt_number", "pk")
    order = tuple(f"-{field}" for field in order) if older else order
    if size is not None:
        ids = donations.order_by(*order).values("pk")[: size + 1]
        donations = Donation.objects.filter(pk__in=ids)
    return (
        donations.select_related("bank_line__statement")
        .only(*PUBLIC_DONATION_FIELDS)
        .annotate(is_reversed=Exists(DonationReversal.objects.filter(donation=OuterRef("pk"))))
        .order_by(*order)
    )


# What a public page reads of a donation: no address, note or bank reference; of its
# statement line only the day and the statement's period (never the payer's text).
PUBLIC_DONATION_FIELDS = (
    "received_on",
    "receipt_year",
    "receipt_number",
    "donor_kind",
    "donor_name",
    "publish_name",
    "form",
    "channel",
    "amount",
    "in_kind_description",
    "in_kind_quantity",
    "in_kind_unit",
    "bank_line__booked_on",
    "bank_line__statement__first_on",
    "bank_line__statement__last_on",
)


# What a public page reads of a payment: no household ID, no full record.
PUBLIC_PAYMENT_FIELDS = (
    "paid_on",
    "purpose",
    "description",
    "form",
    "amount",
    "in_kind_description",
    "in_kind_quantity",
    "in_kind_unit",
    "decision_reference",
    "household__head_name",
    "household__area__name",
)


def _payment_window(payments, cursor, older: bool):
    if cursor:
        day, rank, _number, pk = cursor
        if older:
            same_day = Q(paid_on=day, pk__lt=pk) if rank == _PAYMENT_RANK else Q(pk__in=[])
            payments = payments.filter(Q(paid_on__lt=day) | same_day, paid_on__lte=day)
        else:
            same_day = Q(paid_on=day, pk__gt=pk) if rank == _PAYMENT_RANK else Q(paid_on=day)
            payments = payments.filter(Q(paid_on__gt=day) | same_day, paid_on__gte=day)
    order = ("paid_on", "pk")
    return (
        payments.select_related("household__area")
        .only(*PUBLIC_PAYMENT_FIELDS)
        .order_by(*(f"-{field}" for field in order) if older else order)
    )


@dataclass(frozen=True)
class DisclosurePage:
    rows: list
    has_newer: bool
    has_older: bool

    @property
    def newer_cursor(self) -> str:
        return self.rows[0].cursor if self.rows else ""

    @property
    def older_cursor(self) -> str:
        return self.rows[-1].cursor if self.rows else ""


def disclosure_page(
    campaign, ward, search: DisclosureFilter, *, after=None, before=None, size=50, totals=None
) -> DisclosurePage:
    """One page of rows, newest first, after (older than) or before (newer than) a cursor.

    Keyset pagination: each query (one per kind of donor searched, one for payments) reads
    size + 1 rows along an index, however deep the page; the rows are merged here. With the
    search's totals, kinds of rows it found none of are not queried.
    """
    older = before is None
    cursor = after if older else before
    parts = []
    if search.receipts:
        querysets = public_receipts(campaign, ward, search)
        found = totals.branch_rows if totals else ()
        if len(found) != len(querysets):
            found = [1] * len(querysets)
        for donations, rows in zip(querysets, found, strict=True):
            if rows:
                window = _receipt_window(donations, cursor, older, size)
                parts.append([_receipt_row(donation) for donation in window])
    if search.disbursements and (totals is None or totals.payment_rows):
        payments = public_disbursements(campaign, ward, search)
        window = _payment_window(payments, cursor, older)[: size + 1]
        parts.append([_payment_row(payment) for payment in window])
    rows = list(heapq.merge(*parts, key=operator.attrgetter("key"), reverse=older))[: size + 1]
    more = len(rows) > size
    rows = rows[:size]
    if older:
        return DisclosurePage(rows, has_newer=after is not None, has_older=more)
    rows.reverse()
    return DisclosurePage(rows, has_newer=more, has_older=True)


def disclosure_rows(campaign, ward, search: DisclosureFilter) -> Iterator[DisclosureRow]:
    """Every row the search lists, newest first, streamed (for the CSV download)."""
    parts = []
    if search.receipts:
        for donations in public_receipts(campaign, ward, search):
            window = _receipt_window(donations, None, True).iterator(chunk_size=2000)
            parts.append(map(_receipt_row, window))
    if search.disbursements:
        payments = _payment_window(public_disbursements(campaign, ward, search), None, True)
        parts.append(map(_payment_row, payments.iterator(chunk_size=2000)))
    return heapq.merge(*parts, key=operator.attrgetter("key"), reverse=True)


def disclosure_slice(
    campaign, ward, search: DisclosureFilter, *, offset: int, limit: int, totals=None
) -> tuple[list[DisclosureRow], bool]:
    """Rows offset … offset + limit − 1 in page order (newest first), and whether more follow.

    For the open-data API's numbered pages: per kind of row the keys of the first
    offset + limit + 1 rows (a narrow read along the index), merged here; then only the
    page's rows are read, by id (a query for receipts, one for payments).
    """
    wanted = offset + limit + 1
    keyed = []
    if search.receipts:
        querysets = public_receipts(campaign, ward, search)
        found = totals.branch_rows if totals else ()
        if len(found) != len(querysets):
            found = [1] * len(querysets)
        for donations, rows in zip(querysets, found, strict=True):
            if rows:
                keys = donations.order_by("-received_on", "-receipt_number", "-pk").values_list(
                    "received_on", "receipt_number", "pk"
                )[:wanted]
                keyed.append([(day, _RECEIPT_RANK, number, pk) for day, number, pk in keys])
    if search.disbursements and (totals is None or totals.payment_rows):
        keys = (
            public_disbursements(campaign, ward, search)
            .order_by("-paid_on", "-pk")
            .values_list("paid_on", "pk")[:wanted]
        )
        keyed.append([(day, _PAYMENT_RANK, pk, pk) for day, pk in keys])
    window = list(heapq.merge(*keyed, reverse=True))[offset : offset + limit + 1]
    more = len(window) > limit
    window = window[:limit]
    receipts = [key[3] for key in window if key[1] == _RECEIPT_RANK]
    payments = [key[3] for key in window if key[1] == _PAYMENT_RANK]
    built = {}
    if receipts:
        donations = _receipt_window(Donation.objects.filter(pk__in=receipts), None, True)
        built.update({(_RECEIPT_RANK, row.pk): _receipt_row(row) for row in donations})
    if payments:
        paid = _payment_window(Disbursement.objects.filter(pk__in=payments), None, True)
        built.update({(_PAYMENT_RANK, row.pk): _payment_row(row) for row in paid})
    return [built[(key[1], key[3])] for key in window], more


# --- A donor's reference, and the fund's balance by the bank ---------------------------------

PLEDGE, FUND_REFERENCE, OTHER_FUND, BANK, MISTYPED = (
    "pledge",
    "fund_reference",
    "other_fund",
    "bank",
    "mistyped",
)


@dataclass(frozen=True)
class WaitingTransfer:
    """Money on a statement of the fund's account that is not yet a donation in the books."""

    booked_on: datetime.date
    amount: int


@dataclass(frozen=True)
class ReferenceLookup:
    """What a reference typed in the search box says beyond the rows it lists: transfers it
    names still waiting to be recorded, or why it names no one's gift."""

    kind: str
    reference: str = ""
    waiting: tuple = ()


def _unrecorded_lines(campaign, ward) -> QuerySet[StatementLine]:
    lines = StatementLine.objects.filter(ward=ward, status__in=UNRECORDED_LINES)
    mine = Q(campaign=campaign)
    if campaign.bank_account_number:
        mine |= Q(campaign__isnull=True, statement__account_number=campaign.bank_account_number)
    return lines.filter(mine)


def _waiting(lines) -> tuple:
    rows = lines.order_by("booked_on", "pk").values_list("booked_on", "amount")[:20]
    return tuple(WaitingTransfer(day, amount) for day, amount in rows)


def reference_lookup(campaign, ward, query: str) -> ReferenceLookup | None:
    """None unless the query is (or tries to be) a transfer reference or a bank reference; a
    bank reference that names no waiting transfer says nothing more than its rows. One query
    at most (transfers waiting), none for a query that is no reference."""
    if not query:
        return None
    reference = transfer_reference(query)
    if reference is None:
        typed = references.fold(_NOTE_LEAD.sub("", fold_text(query)))
        if typed.startswith(references.PREFIX) and len(typed) in (7, 11):
            return ReferenceLookup(MISTYPED, typed)
        variants = bank_reference_variants(query)
        if variants is None:
            return None
        waiting = _waiting(_unrecorded_lines(campaign, ward).filter(bank_reference__in=variants))
        return ReferenceLookup(BANK, variants[-1], waiting) if waiting else None
    fund_code, pledge_code = reference
    typed = references.reference(fund_code, pledge_code)
    if fund_code != campaign.reference_code:
        return ReferenceLookup(OTHER_FUND, typed)
    if not pledge_code:
        return ReferenceLookup(FUND_REFERENCE, typed)
    lines = StatementLine.objects.filter(
        ward=ward, status__in=UNRECORDED_LINES, pledge__campaign=campaign, pledge__code=pledge_code
    )
    return ReferenceLookup(PLEDGE, typed, _waiting(lines))


@dataclass(frozen=True)
class VerificationCounts:
    """The fund's counted gifts at the ward by how they were checked (cash; goods apart)."""

    verified_rows: int = 0
    verified: int = 0
    unverified_rows: int = 0  # bank transfers recorded by hand, no statement line yet
    unverified: int = 0
    hand_rows: int = 0  # cash taken by hand (or another channel)
    hand: int = 0
    goods_rows: int = 0


@dataclass(frozen=True)
class BankBalance:
    """The fund's cash balance by its books next to its account's balance by the last
    imported statement, the difference explained item by item. Goods are in neither.

    difference = books − bank
               = hand_cash + received_after − paid_after − unrecorded − set_aside − other_funds
                 + unexplained
    """

    account_number: str
    books: int
    counts: VerificationCounts
    statement: BankStatement | None = None
    hand_cash: int = 0  # cash received by hand up to the statement's last day: not in the bank
    hand_rows: int = 0
    received_after: int = 0  # cash received after the statement's last day
    paid_after: int = 0  # cash paid after the statement's last day
    unrecorded: int = 0  # in the account up to its last day, not yet a donation
    unrecorded_rows: int = 0
    set_aside: int = 0  # in the account, not a donation (set aside by an officer)
    set_aside_rows: int = 0
    other_funds: int = 0  # in the account, recorded as another fund's donation
    other_fund_rows: int = 0

    @property
    def bank(self) -> int | None:
        return self.statement.closing_balance if self.statement else None

    @property
    def difference(self) -> int | None:
        return None if self.statement is None else self.books - self.bank

    @property
    def explained(self) -> int:
        return (
            self.hand_cash
            + self.received_after
            - self.paid_after
            - self.unrecorded
            - self.set_aside
            - self.other_funds
        )

    @property
    def unexplained(self) -> int | None:
        return None if self.statement is None else self.difference - self.explained

    @property
    def items(self) -> list[tuple[str, str, int, int | None]]:
        """(key, label, signed amount, rows) of each explained part of the difference."""
        if self.statement is None:
            return []
        day = f"{self.statement.last_on:%d/%m/%Y}"
        return [
            (
                "hand_cash",
                f"Tiền mặt nhận trực tiếp đến ngày {day}, không qua tài khoản",
                self.hand_cash,
                self.hand_rows,
            ),
            (
                "received_after",
                f"Khoản thu ghi sổ sau ngày {day} (sao kê chưa có)",
                self.received_after,
                None,
            ),
            ("paid_after", f"Khoản chi ghi sổ sau ngày {day}", -self.paid_after, None),
            (
                "unrecorded",
                "Tiền đã vào tài khoản, dòng sao kê đang chờ cán bộ ghi sổ",
                -self.unrecorded,
                self.unrecorded_rows,
            ),
            (
                "set_aside",
                "Tiền vào tài khoản không phải khoản ủng hộ (cán bộ đã để riêng)",
                -self.set_aside,
                self.set_aside_rows,
            ),
            (
                "other_funds",
                "Tiền vào tài khoản đã ghi cho quỹ khác",
                -self.other_funds,
                self.other_fund_rows,
            ),
        ]


def latest_statement(campaign, ward) -> BankStatement | None:
    """The imported statement of the fund's account at the ward reaching furthest, among those
    that give a closing balance."""
    if not campaign.bank_account_number:
        return None
    return (
        BankStatement.objects.filter(
            ward=ward,
            account_number=campaign.bank_account_number,
            closing_balance__isnull=False,
        )
        .order_by("-last_on", "-imported_at", "-pk")
        .only("account_number", "first_on", "last_on", "closing_balance", "imported_at")
        .first()
    )


def _line_sums(campaign, ward, statement) -> dict:
    """The ward's statement lines in one query: sums of the account's lines up to the
    statement's last day by what became of them, and a fingerprint of all the ward's lines
    (a line linked, set aside or added changes it)."""
    sums = {
        "lines": Count("pk"),
        "newest_line": Max("pk"),
        "line_versions": Sum("version"),
        "linked_lines": Count("donation"),
    }
    if statement is not None:
        in_account = Q(statement__account_number=statement.account_number) & Q(
            booked_on__lte=statement.last_on
        )
        parts = {
            "unrecorded": in_account & Q(status__in=UNRECORDED_LINES),
            "set_aside": in_account & Q(status=StatementLine.Status.SET_ASIDE),
            "other_funds": in_account
            & Q(status=StatementLine.Status.RECORDED)
            & ~Q(donation__campaign=campaign),
        }
        for name, condition in parts.items():
            sums[name] = Coalesce(Sum("amount", filter=condition), 0)
            sums[f"{name}_rows"] = Count("pk", filter=condition)
    return StatementLine.objects.filter(ward=ward).aggregate(**sums)


def _book_sums(campaign, ward, last_on) -> dict:
    """Counted gifts by how they were checked, and around the statement's last day: two
    queries (donations, payments)."""
    cash, line = _CASH, Q(bank_line__isnull=False)
    by_bank = Q(channel=Donation.Channel.BANK)
    parts = {
        "verified": cash & line,
        "unverified": cash & by_bank & ~line,
        "hand": cash & ~by_bank & ~line,
    }
    if last_on is not None:
        parts["hand_until"] = parts["hand"] & Q(received_on__lte=last_on)
        parts["after"] = cash & Q(received_on__gt=last_on)
    sums = {"goods_rows": Count("pk", filter=_GOODS)}
    for name, condition in parts.items():
        sums[name] = Coalesce(Sum("amount", filter=condition), 0)
        sums[f"{name}_rows"] = Count("pk", filter=condition)
    found = counted_donations().filter(campaign=campaign, ward=ward).aggregate(**sums)
    found["paid_after"] = 0
    if last_on is not None:
        found["paid_after"] = int(
            Disbursement.objects.filter(
                _CASH, campaign=campaign, ward=ward, paid_on__gt=last_on
            ).aggregate(total=Coalesce(Sum("amount"), 0))["total"]
        )
    return found


def bank_balance(campaign, ward, overall: DisclosureTotals) -> BankBalance:
    """The fund page's balances and their difference: two queries (the statement, the lines),
    and two more (donations, payments) unless cached under the newest rows and the lines'
    fingerprint."""
    statement = latest_statement(campaign, ward)
    lines = _line_sums(campaign, ward, statement)
    key = _cache_key("bank", ward, [campaign])
    if key:
        last_on = f"{statement.pk}-{statement.last_on}" if statement else "none"
        fingerprint = "-".join(
            str(lines[name]) for name in ("lines", "newest_line", "line_versions", "linked_lines")
        )
        key = f"{key}:{last_on}:{fingerprint}"
    books = _cached(key, lambda: _book_sums(campaign, ward, statement and statement.last_on))
    counts = VerificationCounts(
        verified_rows=books["verified_rows"],
        verified=int(books["verified"]),
        unverified_rows=books["unverified_rows"],
        unverified=int(books["unverified"]),
        hand_rows=books["hand_rows"],
        hand=int(books["hand"]),
        goods_rows=books["goods_rows"],
    )
    balance = BankBalance(
        account_number=campaign.bank_account_number, books=overall.balance, counts=counts
    )
    if statement is None:
        return balance
    return dataclasses.replace(
        balance,
        statement=statement,
        hand_cash=int(books["hand_until"]),
        hand_rows=books["hand_until_rows"],
        received_after=int(books["after"]),
        paid_after=books["paid_after"],
        unrecorded=int(lines["unrecorded"]),
        unrecorded_rows=lines["unrecorded_rows"],
        set_aside=int(lines["set_aside"]),
        set_aside_rows=lines["set_aside_rows"],
        other_funds=int(lines["other_funds"]),
        other_fund_rows=lines["other_funds_rows"],
    )


# --- Follow the money: a province drive's trail ---------------------------------------------
#
# Where a province drive's money went, in a few pages: what the province's committee and the
# communes received (cash and goods apart), what the province allocated to each commune and
# what it still holds; then, for one commune, the allocations it received, what it paid to
# which households (masked) and houses, and what it still holds. Every figure comes from
# grouped queries: the number of queries does not grow with the communes or the payments.
# Reversed allocations and donations are not counted (reversed allocations are listed as
# "đã điều chỉnh").

TRAIL_PAGE_SIZE = 100


@dataclass
class GoodsTotal:
    """One kind of goods: quantity by description and unit, and its money equivalents."""

    description: str
    unit: str
    quantity: Decimal = Decimal(0)
    value: int = 0  # sum of the equivalents given
    unvalued: int = 0  # rows without an equivalent

    @property
    def key(self):
        return goods_key(self.description, self.unit)


def _add_goods(lines: dict, description, unit, quantity, value, unvalued, sign=1) -> None:
    key = goods_key(description, unit)
    line = lines.setdefault(key, GoodsTotal(description, unit))
    line.quantity += sign * (quantity or Decimal(0))
    line.value += sign * int(value or 0)
    line.unvalued += sign * unvalued


def _sorted_goods(lines: dict) -> list[GoodsTotal]:
    return sorted(lines.values(), key=lambda line: line.key)


@dataclass
class Received:
    """Counted donations of one holder (or of several communes together): cash apart, goods by
    description and unit."""

    cash: int = 0
    cash_rows: int = 0
    goods: dict = field(default_factory=dict)

    @property
    def goods_lines(self) -> list[GoodsTotal]:
        return _sorted_goods(self.goods)

    @property
    def goods_value(self) -> int:
        return sum(line.value for line in self.goods.values())

    def add(self, row: dict) -> None:
        if row["form"] == Donation.Form.CASH:
            self.cash += int(row["total"] or 0)
            self.cash_rows += row["rows"]
        else:
            _add_goods(
                self.goods,
                row["in_kind_description"],
                row["in_kind_unit"],
                row["quantity"],
                row["total"],
                row["unvalued"],
            )


@dataclass
class CommuneCollection:
    ward: object
    received: Received


@dataclass
class AllocationRow:
    """One allocation as the public sees it; `reversed` ones are listed, never counted."""

    allocation: Allocation
    reversed: bool

    @property
    def ward(self):
        return self.allocation.ward

    # dd/mm/yyyy without the template's date filter: a drive page shows hundreds of them.
    @property
    def decision_day(self) -> str:
        return f"{self.allocation.decision_date:%d/%m/%Y}"

    @property
    def confirmed_day(self) -> str:
        day = self.allocation.confirmed_on
        return f"{day:%d/%m/%Y}" if day else ""


@dataclass
class CommuneAllocations:
    """The allocations of one commune (several decisions), counted cash and goods."""

    ward: object
    rows: list
    cash: int = 0
    goods: dict = field(default_factory=dict)

    @property
    def goods_lines(self) -> list[GoodsTotal]:
        return _sorted_goods(self.goods)


@dataclass
class Held:
    """What a holder still holds: cash, and goods by description and unit."""

    cash: int
    goods: list


@dataclass
class DriveTrail:
    campaign: Campaign
    at_province: Received
    at_communes: Received  # collected by the communes, all together
    collections: list  # CommuneCollection per commune that collected, by name
    communes: list  # CommuneAllocations per commune that was allocated anything, by name
    allocated_cash: int
    allocated_goods: list
    held: Held

    @property
    def cash_received(self) -> int:
        return self.at_province.cash + self.at_communes.cash

    @property
    def goods_value_received(self) -> int:
        return self.at_province.goods_value + self.at_communes.goods_value

    @property
    def grand_total(self) -> int:
        """Cash and goods' equivalents received: shown only under GRAND_TOTAL_LABEL."""
        return self.cash_received + self.goods_value_received

    @property
    def allocation_rows(self) -> list:
        return [row for commune in self.communes for row in commune.rows]


def public_drive(province_code: str, pk: int) -> Campaign | None:
    """A province's money-holding drive, by the province's code and its id."""
    return (
        Campaign.objects.select_related("province")
        .filter(province__code=province_code, pk=pk, kind__in=PUBLIC_CAMPAIGN_KINDS)
        .first()
    )


def _donations_by_holder(campaign, ward=None):
    """Counted donations grouped by the commune that holds them (None: the province's
    committee), form and kind of goods: one query."""
    donations = counted_donations().filter(campaign=campaign)
    if ward is not None:
        donations = donations.filter(ward=ward)
    return (
        donations.values("ward", "form", "in_kind_description", "in_kind_unit")
        .annotate(
            total=Sum("amount"),
            quantity=Sum("in_kind_quantity"),
            rows=Count("pk"),
            unvalued=Count("pk", filter=Q(amount__isnull=True)),
        )
        .order_by()
    )


def _allocations(campaign, ward=None) -> list[AllocationRow]:
    """Every allocation of the drive (to one commune), reversed ones marked: one query."""
    allocations = Allocation.objects.filter(campaign=campaign)
    if ward is not None:
        allocations = allocations.filter(ward=ward)
    allocations = (
        allocations.select_related("ward")
        .only(
            "ward__code",
            "ward__name",
            "ward__kind",
            "form",
            "amount",
            "in_kind_description",
            "in_kind_quantity",
            "in_kind_unit",
            "decision_number",
            "decision_date",
            "purpose",
            "confirmed_on",
        )
        .annotate(is_reversed=Exists(AllocationReversal.objects.filter(allocation=OuterRef("pk"))))
        .order_by("decision_date", "decision_number", "pk")
    )
    return [AllocationRow(allocation, allocation.is_reversed) for allocation in allocations]


def _by_commune(rows: list[AllocationRow], *, confirmed_only=False) -> list[CommuneAllocations]:
    communes: dict[int, CommuneAllocations] = {}
    for row in rows:
        commune = communes.setdefault(row.ward.pk, CommuneAllocations(row.ward, []))
        commune.rows.append(row)
        allocation = row.allocation
        if row.reversed or (confirmed_only and not allocation.is_confirmed):
            continue
        if allocation.is_cash:
            commune.cash += allocation.amount
        else:
            _add_goods(
                commune.goods,
                allocation.in_kind_description,
                allocation.in_kind_unit,
                allocation.in_kind_quantity,
                allocation.amount,
                int(allocation.amount is None),
            )
    return sorted(communes.values(), key=lambda commune: vietnamese_key(commune.ward.name))


def _held(cash: int, received: list[dict], given: list[dict]) -> Held:
    """Cash, and goods received less goods given (by description and unit)."""
    lines: dict = {}
    for goods in received:
        for line in goods.values():
            _add_goods(lines, line.description, line.unit, line.quantity, line.value, 0)
    for goods in given:
        for line in goods.values():
            _add_goods(lines, line.description, line.unit, line.quantity, line.value, 0, -1)
    return Held(cash, [line for line in _sorted_goods(lines) if line.quantity])


def drive_trail(campaign: Campaign) -> DriveTrail:
    """The drive page's figures: two queries (donations grouped, allocations)."""
    at_province, at_communes = Received(), Received()
    per_ward: dict[int, Received] = {}
    for row in _donations_by_holder(campaign):
        if row["ward"] is None:
            at_province.add(row)
        else:
            at_communes.add(row)
            per_ward.setdefault(row["ward"], Received()).add(row)
    wards = {ward.pk: ward for ward in Ward.objects.filter(pk__in=per_ward).only("code", "name")}
    collections = sorted(
        (CommuneCollection(wards[pk], received) for pk, received in per_ward.items()),
        key=lambda collection: vietnamese_key(collection.ward.name),
    )
    communes = _by_commune(_allocations(campaign))
    allocated_cash = sum(commune.cash for commune in communes)
    allocated_goods: dict = {}
    for commune in communes:
        for line in commune.goods.values():
            _add_goods(
                allocated_goods,
                line.description,
                line.unit,
                line.quantity,
                line.value,
                line.unvalued,
            )
    held = _held(at_province.cash - allocated_cash, [at_province.goods], [allocated_goods])
    return DriveTrail(
        campaign=campaign,
        at_province=at_province,
        at_communes=at_communes,
        collections=collections,
        communes=communes,
        allocated_cash=allocated_cash,
        allocated_goods=_sorted_goods(allocated_goods),
        held=held,
    )


# --- One commune's step ---


@dataclass
class PaidTotals:
    cash: int = 0
    rows: int = 0
    goods: dict = field(default_factory=dict)

    @property
    def goods_lines(self) -> list[GoodsTotal]:
        return _sorted_goods(self.goods)


@dataclass
class PaymentRow:
    """A payment as the public sees it: the household head masked, the area, no ID."""

    paid_on: datetime.date
    name: str
    area: str
    purpose: str
    description: str
    reference: str
    is_cash: bool
    amount: int | None
    goods: str

    @property
    def paid_day(self) -> str:
        return f"{self.paid_on:%d/%m/%Y}"


@dataclass
class HouseRow:
    name: str
    area: str
    kind: str
    stage: str
    handed_over_on: datetime.date | None
    from_fund: int


@dataclass
class CommuneTrail:
    campaign: Campaign
    ward: Ward
    allocations: CommuneAllocations  # counted: confirmed by the commune and not reversed
    pending_cash: int  # decided by the province, not yet confirmed by the commune
    collected: Received
    paid: PaidTotals
    houses: list
    held: Held

    @property
    def cash_in(self) -> int:
        return self.allocations.cash + self.collected.cash


def _trail_payments(campaign, ward) -> QuerySet[Disbursement]:
    return (
        Disbursement.objects.filter(campaign=campaign, ward=ward)
        .select_related("household__area")
        .only(*PUBLIC_PAYMENT_FIELDS)
        .order_by("paid_on", "pk")
    )


def _trail_payment_row(payment: Disbursement) -> PaymentRow:
    household = payment.household
    return PaymentRow(
        paid_on=payment.paid_on,
        name=mask_name(household.head_name) if household else "",
        area=household.area.name if household and household.area_id else "",
        purpose=payment.get_purpose_display(),
        # The stated purpose is public only for payments to no household.
        description="" if household else payment.description,
        reference=payment.decision_reference,
        is_cash=payment.is_cash,
        amount=payment.amount,
        goods=payment.goods_text,
    )


def commune_payments(
    campaign, ward, *, page: int | None = None, size: int = TRAIL_PAGE_SIZE
) -> list[PaymentRow]:
    """The commune's payments from the drive, oldest first: one page of `size` rows (one
    query), or all of them streamed."""
    payments = _trail_payments(campaign, ward)
    if page is None:
        return map(_trail_payment_row, payments.iterator(chunk_size=2000))
    start = (page - 1) * size
    return [_trail_payment_row(payment) for payment in payments[start : start + size]]


def commune_payment_count(campaign, ward) -> int:
    return Disbursement.objects.filter(campaign=campaign, ward=ward).count()


def _house_rows(campaign, ward) -> list[HouseRow]:
    houses = (
        House.objects.filter(campaign=campaign, ward=ward)
        .select_related("household__area")
        .order_by("pk")
    )
    rows = []
    for house in houses:
        household = house.household
        stage = house.stage
        rows.append(
            HouseRow(
                name=mask_name(household.head_name),
                area=household.area.name if household.area_id else "",
                kind=house.get_kind_display(),
                stage=House.Stage(stage).label if stage else "Chưa khảo sát",
                handed_over_on=house.handed_over_on,
                from_fund=house.from_fund,
            )
        )
    return rows


def commune_trail(campaign: Campaign, ward: Ward) -> CommuneTrail:
    """One commune's step: four queries (allocations, donations, payments grouped, houses)."""
    rows = _allocations(campaign, ward)
    counted = _by_commune(rows, confirmed_only=True)
    allocations = counted[0] if counted else CommuneAllocations(ward, [])
    pending_cash = sum(
        row.allocation.amount
        for row in rows
        if not row.reversed and not row.allocation.is_confirmed and row.allocation.is_cash
    )
    collected = Received()
    for row in _donations_by_holder(campaign, ward):
        collected.add(row)
    paid = PaidTotals()
    grouped = (
        Disbursement.objects.filter(campaign=campaign, ward=ward)
        .values("form", "in_kind_description", "in_kind_unit")
        .annotate(
            total=Sum("amount"),
            quantity=Sum("in_kind_quantity"),
            rows=Count("pk"),
            unvalued=Count("pk", filter=Q(amount__isnull=True)),
        )
        .order_by()
    )
    for row in grouped:
        paid.rows += row["rows"]
        if row["form"] == Disbursement.Form.CASH:
            paid.cash += int(row["total"] or 0)
        else:
            _add_goods(
                paid.goods,
                row["in_kind_description"],
                row["in_kind_unit"],
                row["quantity"],
                row["total"],
                row["unvalued"],
            )
    held = _held(
        allocations.cash + collected.cash - paid.cash,
        [allocations.goods, collected.goods],
        [paid.goods],
    )
    return CommuneTrail(
        campaign=campaign,
        ward=ward,
        allocations=CommuneAllocations(ward, rows, allocations.cash, allocations.goods),
        pending_cash=pending_cash,
        collected=collected,
        paid=paid,
        houses=_house_rows(campaign, ward),
        held=held,
    )


# --- A donor follows a gift ---

_GIFT_RECEIPT = re.compile(r"^0*(\d{1,9})\s*/\s*(\d{4})$")


class GiftLookupError(ValueError):
    """A receipt number that cannot be followed; the message is Vietnamese."""


class GiftReceiptInvalid(GiftLookupError):
    """What was typed is not a receipt number at all."""


@dataclass
class GiftShare:
    ward: Ward
    allocated: int  # cash allocated to the commune
    share: int  # the gift's part of it, whole đồng


@dataclass
class GiftTrail:
    receipt: str
    donor: str
    received_on: datetime.date
    amount: int
    province_cash: int  # cash received by the province's committee (the denominator)
    shares: list
    allocated_part: int

    @property
    def held_part(self) -> int:
        return self.amount - self.allocated_part


def parse_gift_receipt(text: str) -> tuple[int, int]:
    """ "00012/2026" → (12, 2026); GiftLookupError for anything else."""
    found = _GIFT_RECEIPT.match((text or "").strip())
    if not found or int(found[1]) == 0:
        raise GiftReceiptInvalid(
            "Số biên nhận gồm số và năm, ví dụ 00012/2026 (in trên biên nhận của Ủy ban "
            "Mặt trận Tổ quốc tỉnh)."
        )
    return int(found[1]), int(found[2])


def largest_remainder(total: int, weights: list[int], denominator: int) -> tuple[int, list[int]]:
    """Split total × weight / denominator into whole numbers: each part rounded down, then the
    parts with the largest remainders get one more until the parts add up to the whole part,
    total × sum(weights) / denominator rounded half up. Returns (whole part, parts)."""
    whole = (2 * total * sum(weights) + denominator) // (2 * denominator)
    parts, remainders = [], []
    for index, weight in enumerate(weights):
        part, remainder = divmod(total * weight, denominator)
        parts.append(part)
        remainders.append((-remainder, index))
    for _, index in sorted(remainders)[: whole - sum(parts)]:
        parts[index] += 1
    return whole, parts


def gift_trail(campaign: Campaign, trail: DriveTrail, text: str) -> GiftTrail:
    """The part of a province-held cash gift in each commune's allocation: gift × (cash
    allocated to the commune ÷ cash received by the province's committee). One query."""
    number, year = parse_gift_receipt(text)
    donation = (
        Donation.objects.filter(
            campaign=campaign,
            ward__isnull=True,
            province=campaign.province_id,
            receipt_number=number,
            receipt_year=year,
        )
        .annotate(is_reversed=Exists(DonationReversal.objects.filter(donation=OuterRef("pk"))))
        .first()
    )
    label = f"{number:05d}/{year}"
    if donation is None:
        raise GiftLookupError(
            f"Không tìm thấy biên nhận số {label} của Ủy ban Mặt trận Tổ quốc "
            f"{campaign.province.name} trong cuộc vận động này. Khoản ủng hộ nộp tại phường, xã "
            "được công khai trên trang sao kê của phường, xã đó."
        )
    if donation.is_reversed:
        raise GiftLookupError(
            f"Biên nhận số {label} đã được điều chỉnh (ghi sai, ghi trùng), không tính vào quỹ."
        )
    if not donation.is_cash:
        raise GiftLookupError(
            f"Biên nhận số {label} là hiện vật ({donation.goods_text}): hiện vật được theo dõi "
            "theo từng loại trong bảng phân bổ, không chia theo tỷ lệ."
        )
    communes = [commune for commune in trail.communes if commune.cash]
    denominator = max(trail.at_province.cash, trail.allocated_cash, 1)
    allocated_part, parts = largest_remainder(
        donation.amount, [commune.cash for commune in communes], denominator
    )
    return GiftTrail(
        receipt=label,
        donor=public_donor_name(donation),
        received_on=donation.received_on,
        amount=donation.amount,
        province_cash=trail.at_province.cash,
        shares=[
            GiftShare(commune.ward, commune.cash, part)
            for commune, part in zip(communes, parts, strict=True)
        ],
        allocated_part=allocated_part,
    )


# --- Open data: validators and a province's funds ---------------------------------------------
#
# The public API answers a conditional GET with 304 when nothing it reads changed. Its
# validators come from one query of counts and newest timestamps of the rows a response reads
# (recorded money is never edited: a change is a new row, a reversal or a statement import;
# statement lines carry a version), plus the page cache's versions when that cache is on
# (they follow every save, household names and funds' own fields included).


@dataclass(frozen=True)
class Freshness:
    etag: str
    last_modified: datetime.datetime | None


def _scalar(queryset, function: str, field_name: str, output_field):
    """A subquery selecting function(field) over the queryset, without grouping."""
    value = Func(F(field_name), function=function, output_field=output_field)
    return Subquery(queryset.order_by().annotate(value=value).values("value")[:1])


# What changes when rows change: their number, their newest record time (also Last-Modified),
# the sum of their versions, how many have a day set (a house's stages), a sum of amounts.
ROWS, RECORDED, VERSIONS, DAYS_SET, TOTAL = "rows", "recorded", "versions", "days", "total"


def freshness(base: QuerySet, sources: list, *extra) -> Freshness:
    """One query on the single row of `base`: for each source (name, rows, measure, field)
    one figure (see ROWS … TOTAL); the ETag is their digest with `extra` (the page cache's
    versions, the URL), Last-Modified the newest record time."""
    columns, stamps = {}, []
    for name, rows, measure, field_name in sources:
        column = f"{name}_{measure}_{field_name or 'pk'}"
        if measure == ROWS:
            columns[column] = _scalar(rows, "COUNT", "pk", BigIntegerField())
        elif measure == RECORDED:
            columns[column] = _scalar(rows, "MAX", field_name, DateTimeField())
            stamps.append(column)
        elif measure == DAYS_SET:
            columns[column] = _scalar(rows, "COUNT", field_name, BigIntegerField())
        else:  # VERSIONS, TOTAL
            columns[column] = _scalar(rows, "SUM", field_name or "version", BigIntegerField())
    found = base.annotate(**columns).values(*columns).first() or {}
    times = [found[column] for column in stamps if found.get(column)]
    digest = hashlib.sha256(repr((sorted(found.items()), extra)).encode()).hexdigest()[:32]
    return Freshness(f'"{digest}"', max(times) if times else None)


def _recorded(name, rows, field_name="recorded_at") -> list:
    return [(name, rows, ROWS, None), (name, rows, RECORDED, field_name)]


def _money_sources(donations, payments, ward) -> list:
    lines = StatementLine.objects.filter(ward=ward)
    return [
        *_recorded("donations", donations),
        *_recorded(
            "reversals", DonationReversal.objects.filter(donation__in=donations.values("pk"))
        ),
        *_recorded("payments", payments),
        *_recorded("statements", BankStatement.objects.filter(ward=ward), "imported_at"),
        ("lines", lines, ROWS, None),
        ("lines", lines, VERSIONS, "version"),
    ]


def _campaign_fields(campaign) -> tuple:
    return (
        campaign.pk,
        campaign.name,
        campaign.kind,
        campaign.status,
        campaign.starts_on,
        campaign.ends_on,
        campaign.bank_bin,
        campaign.bank_account_number,
        campaign.bank_account_name,
    )


def fund_freshness(campaign, ward, versions: str = "", *extra) -> Freshness:
    """What a fund's responses at a ward read: its donations, reversals, payments, the ward's
    statements and lines, the fund's own fields (and `versions`, the page cache's)."""
    sources = _money_sources(
        Donation.objects.filter(campaign=campaign, ward=ward),
        Disbursement.objects.filter(campaign=campaign, ward=ward),
        ward,
    )
    base = Campaign.objects.filter(pk=campaign.pk)
    return freshness(base, sources, _campaign_fields(campaign), versions, *extra)


def ward_freshness(ward, versions: str = "", *extra) -> Freshness:
    """What a ward's list of funds reads: its money rows and its and its province's funds."""
    sources = _money_sources(
        Donation.objects.filter(ward=ward), Disbursement.objects.filter(ward=ward), ward
    )
    sources.append(("campaigns", campaigns_of_ward(ward), ROWS, None))
    return freshness(Ward.objects.filter(pk=ward.pk), sources, versions, *extra)


def province_freshness(province, versions: str = "", *extra) -> Freshness:
    """What a province's list of funds reads: the money rows of its communes and committee."""
    donations = Donation.objects.filter(Q(ward__province=province) | Q(province=province))
    allocations = Allocation.objects.filter(campaign__province=province)
    sources = [
        *_recorded("donations", donations),
        *_recorded(
            "reversals", DonationReversal.objects.filter(donation__in=donations.values("pk"))
        ),
        *_recorded("payments", Disbursement.objects.filter(ward__province=province)),
        *_recorded("allocations", allocations),
        ("allocations", allocations, VERSIONS, "version"),
        *_recorded(
            "allocation_reversals",
            AllocationReversal.objects.filter(allocation__in=allocations.values("pk")),
        ),
        (
            "campaigns",
            Campaign.objects.filter(Q(ward__province=province) | Q(province=province)),
            ROWS,
            None,
        ),
    ]
    return freshness(Province.objects.filter(pk=province.pk), sources, versions, *extra)


def drive_freshness(campaign, ward=None, versions: str = "", *extra) -> Freshness:
    """What a province drive's trail reads (at one commune when `ward` is given)."""
    place = {"ward": ward} if ward is not None else {}
    donations = Donation.objects.filter(campaign=campaign, **place)
    allocations = Allocation.objects.filter(campaign=campaign, **place)
    sources = [
        *_recorded("donations", donations),
        *_recorded(
            "reversals", DonationReversal.objects.filter(donation__in=donations.values("pk"))
        ),
        *_recorded("allocations", allocations),
        # An edit bumps an allocation's version; a confirmation sets its day.
        ("allocations", allocations, VERSIONS, "version"),
        ("allocations", allocations, DAYS_SET, "confirmed_on"),
        *_recorded(
            "allocation_reversals",
            AllocationReversal.objects.filter(allocation__in=allocations.values("pk")),
        ),
    ]
    if ward is not None:
        houses = House.objects.filter(campaign=campaign, ward=ward)
        sources += [
            *_recorded("payments", Disbursement.objects.filter(campaign=campaign, ward=ward)),
            ("houses", houses, ROWS, None),
            ("houses", houses, TOTAL, "from_fund"),
            *(
                ("houses", houses, DAYS_SET, day)
                for day in ("surveyed_on", "started_on", "completed_on", "handed_over_on")
            ),
        ]
    base = Campaign.objects.filter(pk=campaign.pk)
    return freshness(base, sources, _campaign_fields(campaign), versions, *extra)


@dataclass
class ProvinceFunds:
    province: object
    drives: list  # the province's own drives, with ProvinceDriveTotals as `.totals`
    communes: list  # (ward, [its own funds with CampaignTotals as `.totals`]) by name


def province_funds(province) -> ProvinceFunds:
    """A province's drives (what its committee holds) and each current commune's own funds
    (their totals): five queries."""
    drives = list(
        Campaign.objects.filter(province=province, kind__in=PUBLIC_CAMPAIGN_KINDS).order_by(
            "-starts_on", "name"
        )
    )
    drive_totals = province_drive_totals(drives, province) if drives else {}
    for drive in drives:
        drive.totals = drive_totals[drive.pk]
        drive.province = province
    wards = sorted(
        Ward.objects.filter(province=province).only("code", "name", "kind", "province"),
        key=lambda ward: vietnamese_key(ward.name),
    )
    funds = list(
        Campaign.objects.filter(
            ward__in=[w.pk for w in wards], kind__in=PUBLIC_CAMPAIGN_KINDS
        ).order_by("-starts_on", "name")
    )
    totals = campaign_totals(funds) if funds else {}
    by_ward: dict[int, list] = {}
    for fund in funds:
        fund.totals = totals[fund.pk]
        by_ward.setdefault(fund.ward_id, []).append(fund)
    for ward in wards:
        for fund in by_ward.get(ward.pk, []):
            fund.ward = ward
    return ProvinceFunds(province, drives, [(ward, by_ward.get(ward.pk, [])) for ward in wards])
