"""Bank statements into donations, every line once, or nothing.

A statement line is known by its key: the bank's reference, the date and the amount. The key is
stored on the donation ("key#n") under a unique constraint per holder (a commune, or a
province's committee), and on the stored StatementLine under another, so one line becomes at
most one counted donation even when a confirm is sent twice at once (a double click, two tabs):
a line already recorded is skipped and reported, never written again. A donation that was
reversed frees its line, which is recorded again under the next "#n".

Two ways in: the per-fund import (preview, tick, confirm: `statement_confirm`), and the
holder's whole account (`bank_statement_import` stores the statement and its lines matched
by campaigns/bank/matching.py; `statement_matched_record` records every matched line in one
confirm; `statement_line_record`, `_set_aside` and `_put_back` work through the queue). Both
store the statement and its lines, so every bank donation names the line that verified it.
"""

import datetime
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from campaigns import references, selectors, services
from campaigns.bank import matching, statements
from campaigns.bank import selectors as bank_selectors
from campaigns.models import (
    BankStatement,
    Campaign,
    Donation,
    DonationReversal,
    Pledge,
    StatementLine,
    holder_fields,
)
from core.numbers import format_dong
from core.templatetags.people import vietnamese_name
from core.text import visible_text

NOTE = "Nhập từ sao kê ngân hàng (dòng {row})"
Status = StatementLine.Status
KEY_MAX_LENGTH = Donation._meta.get_field("statement_line").max_length - 10


class StatementRefusal(Exception):
    """Nothing was written; the message is shown to the officer."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class ChosenLine:
    """A ticked statement row with the donor the officer settled on."""

    index: int  # position among the rows read at the preview
    row: statements.StatementRow
    name: str
    kind: str


@dataclass
class Line:
    """One proposed donation as the preview form shows it, with the officer's choices."""

    index: int  # position among the rows read at the preview
    row: statements.StatementRow
    included: bool
    name: str
    kind: str
    problem: str = ""  # why the officer's choice for this row cannot be written


NOTHING_CHOSEN = "Chưa chọn khoản nào để ghi. Hãy đánh dấu các khoản cần ghi."


@dataclass(frozen=True)
class Skipped:
    row: int  # line number in the file
    label: str  # "biên nhận 00012/2026"


@dataclass
class StatementResult:
    recorded: list[Donation]
    skipped: list[Skipped]


def line_key(row: statements.StatementRow) -> str:
    """What identifies a statement line: "FT26064123|2026-03-05|1000000"."""
    key = f"{statements.reference_key(row.reference)}|{row.received_on.isoformat()}|{row.amount}"
    # Room is left for "#<n>"; an unusually long reference is kept as its digest.
    return key if len(key) <= KEY_MAX_LENGTH else hashlib.sha256(key.encode()).hexdigest()


def statement_preview(*, holder, rows: list[statements.StatementRow]) -> list[Line]:
    """The rows as proposed lines: those that look already recorded are flagged, unticked."""
    statements.flag_duplicates(rows, bank_selectors.recorded_donations(holder, rows))
    return [
        Line(index, row, not row.is_duplicate, row.donor_name, row.donor_kind)
        for index, row in enumerate(rows)
    ]


def statement_lines(values: Mapping[str, str], rows) -> list[Line]:
    """The officer's tick, name and kind for each row, as posted with the preview form; a
    ticked row whose kind or name cannot be written carries its problem."""
    lines = []
    for index, row in enumerate(rows):
        included = values.get(f"include-{index}") == "1"
        name = " ".join(values.get(f"name-{index}", row.donor_name).split())
        kind = values.get(f"kind-{index}", row.donor_kind)
        problems = []
        if included and kind not in Donation.DonorKind.values:
            problems.append(f"Dòng {row.row}: loại người ủng hộ không hợp lệ, hãy chọn lại.")
            kind = row.donor_kind
        if included and len(name) > statements.NAME_MAX_LENGTH:
            problems.append(
                f"Dòng {row.row}: tên dài quá {statements.NAME_MAX_LENGTH} ký tự, hãy rút gọn."
            )
        lines.append(Line(index, row, included, name, kind, " ".join(problems)))
    return lines


@dataclass(frozen=True)
class StatementFile:
    """The uploaded file a per-fund preview read, as its confirmation stores it."""

    name: str = ""
    digest: str = ""  # statements.file_digest
    closing_balance: int | None = None
    days: tuple[datetime.date, ...] = ()  # every transaction day, debits' too


def statement_confirm(
    *, holder, campaign: Campaign, user, rows: list, lines: list[Line], source=StatementFile()
):
    """Write the ticked lines, all at once, or nothing (StatementRefusal)."""
    problems = [line.problem for line in lines if line.problem]
    if problems:
        raise StatementRefusal(" ".join(problems))
    chosen = [
        ChosenLine(line.index, line.row, line.name, line.kind) for line in lines if line.included
    ]
    return statement_record(
        holder=holder, campaign=campaign, user=user, rows=rows, chosen=chosen, source=source
    )


@dataclass
class _LineState:
    counted: Donation | None  # the counted donation already made from the line
    uses: int  # donations ever made from it, reversed ones included


def _line_states(holder, keys: set[str], days: set[datetime.date]) -> dict[str, _LineState]:
    donations = (
        Donation.objects.filter(**holder_fields(holder), received_on__in=days)
        .exclude(statement_line="")
        .annotate(reversed=Exists(DonationReversal.objects.filter(donation=OuterRef("pk"))))
        .only("pk", "statement_line", "receipt_number", "receipt_year")
    )
    states: dict[str, _LineState] = {}
    for donation in donations:
        key = donation.statement_line.rpartition("#")[0]
        if key not in keys:
            continue
        state = states.setdefault(key, _LineState(None, 0))
        state.uses += 1
        if not donation.reversed:
            state.counted = donation
    return states


def _check_still_new(holder, rows, lines: list[ChosenLine]) -> None:
    """Refuse when a ticked row now looks like a donation recorded after the preview."""
    fresh = [statements.StatementRow.from_data(row.to_data()) for row in rows]
    statements.flag_duplicates(fresh, bank_selectors.recorded_donations(holder, fresh))
    for line in lines:
        seen = set(line.row.duplicates)
        new = [reason for reason in fresh[line.index].duplicates if reason not in seen]
        if new:
            raise StatementRefusal(
                f"Dòng {line.row.row}: {new[0]} Khoản này vừa được ghi sau khi bạn xem trước; "
                "chưa có khoản nào được ghi. Hãy tải tệp lên lại để xem trước.",
                status=409,
            )


@transaction.atomic
def statement_record(
    *,
    holder,
    campaign: Campaign,
    user,
    rows: list,
    chosen: list[ChosenLine],
    source: StatementFile = StatementFile(),
) -> StatementResult:
    """Write the chosen lines, oldest first, in one transaction; lines already recorded are
    skipped. Raises StatementRefusal (nothing written) when a line is refused.

    The file is stored as the holder's statement too (once, by its digest), every row as one
    of its lines: the rows written here recorded and linked to their donations, the others
    matched or waiting in the holder's queue like any imported line."""
    if not chosen:
        raise StatementRefusal(NOTHING_CHOSEN)
    chosen = sorted(chosen, key=lambda line: (line.row.received_on, line.row.row))
    keys = {line.index: line_key(line.row) for line in chosen}
    states = _line_states(holder, set(keys.values()), {line.row.received_on for line in chosen})
    result = StatementResult(recorded=[], skipped=[])
    pending = []
    for line in chosen:
        state = states.get(keys[line.index])
        if state and state.counted:
            result.skipped.append(Skipped(line.row.row, _label(state.counted)))
        else:
            pending.append(line)
    _check_still_new(holder, rows, pending)
    statement = _fund_statement(holder, campaign, user, rows, source)
    # Stored lines are locked before any receipt number is taken: the queue's pages lock a
    # line first too, so the two never wait for each other in opposite orders.
    stored = {
        line.key: line
        for line in _locked(
            StatementLine.objects.filter(
                **holder_fields(holder), key__in={line_key(row) for row in rows}
            )
        )
    }
    made: dict[str, Donation] = {}
    for line in pending:
        key = keys[line.index]
        state = states.get(key) or _LineState(None, 0)
        try:
            with transaction.atomic():
                donation = services.donation_record(
                    campaign=campaign,
                    **holder_fields(holder),
                    user=user,
                    received_on=line.row.received_on,
                    donor_kind=line.kind,
                    donor_name=line.name,
                    amount=line.row.amount,
                    form=Donation.Form.CASH,
                    channel=Donation.Channel.BANK,
                    bank_reference=line.row.reference,
                    note=NOTE.format(row=line.row.row),
                    statement_line=f"{key}#{state.uses}",
                )
        except services.FundRefusal as error:
            raise StatementRefusal(f"Dòng {line.row.row}: {error}") from error
        except ValidationError as error:
            raise StatementRefusal(f"Dòng {line.row.row}: {' '.join(error.messages)}") from error
        except IntegrityError:
            # The same line, confirmed at the same moment elsewhere, was committed first.
            first = _line_states(holder, {key}, {line.row.received_on}).get(key)
            if first is None or first.counted is None:
                raise
            result.skipped.append(Skipped(line.row.row, _label(first.counted)))
        else:
            result.recorded.append(donation)
            made[key] = donation
    for key, donation in made.items():
        line = stored.get(key)
        if line is not None and line.status != Status.RECORDED:
            _link(line, donation, campaign, user)
    _store_lines(statement, holder, rows)
    return result


def _fund_statement(holder, campaign, user, rows, source: StatementFile) -> BankStatement:
    """The statement a per-fund import read: the one stored for the same file if any."""
    digest = (
        source.digest
        or hashlib.sha256(json.dumps([row.to_data() for row in rows]).encode()).hexdigest()
    )
    days = [*source.days, *(row.received_on for row in rows)]
    statement, _created = BankStatement.objects.get_or_create(
        **holder_fields(holder),
        file_digest=digest,
        defaults={
            "account_number": campaign.bank_account_number,
            "file_name": (source.name or "sao-ke")[:255],
            "first_on": min(days),
            "last_on": max(days),
            "closing_balance": source.closing_balance,
            "imported_by": user,
        },
    )
    return statement


def _link(line: StatementLine, donation: Donation, campaign: Campaign, user) -> None:
    """A stored line that became this donation: one a per-fund import has just recorded, or
    one recorded by hand that an officer named."""
    line.status = Status.RECORDED
    line.donation = donation
    line.campaign = campaign
    line.matched_by = StatementLine.MatchedBy.OFFICER
    line.problem = ""
    line.set_aside_reason = ""
    _handled(line, user)


def _label(donation: Donation) -> str:
    return f"biên nhận {donation.receipt_label}"


# --- Statements stored for reconciliation ---------------------------------------------------
#
# A holder's statement is stored with its credit lines; each line is stored once per holder
# (its key), whichever statement brought it, and matched to a fund (matching.py). Matched
# lines become donations in one confirm; the others wait in the holder's queue, where an
# officer records each in a fund or sets it aside. Every change of a line names the version
# the officer saw: a stale page changes nothing and says what the other officer did.

NO_CREDIT_LINES = "Tệp không có khoản ghi có (tiền vào) nào để nhập."
PROBLEM_MAX_LENGTH = StatementLine._meta.get_field("problem").max_length


class AlreadyImported(StatementRefusal):
    """The same file was imported before: nothing written; `statement` is the earlier one."""

    def __init__(self, statement: BankStatement):
        who = vietnamese_name(statement.imported_by)
        when = timezone.localtime(statement.imported_at)
        super().__init__(
            f"Tệp này đã được nhập lúc {when:%H:%M} ngày {when:%d/%m/%Y} bởi {who} "
            f"({bank_selectors.statement_label(statement)}); không nhập lại.",
            status=409,
        )
        self.statement = statement


class LineConflict(StatementRefusal):
    """The line changed since the officer's page was drawn: nothing written."""

    def __init__(self, message):
        super().__init__(message, status=409)


@dataclass
class ImportResult:
    statement: BankStatement
    stored: int
    skipped: list[str]  # "Dòng 5: đã có trong sao kê ngày …, không lưu lại."
    notes: list[str]


def _line_facts(rows, keys, duplicates) -> list[matching.Line]:
    return [
        matching.Line(
            row=row.row,
            booked_on=row.received_on,
            amount=row.amount,
            bank_reference=row.reference,
            description=row.description,
            key=key,
            duplicates=found,
        )
        for row, key, found in zip(rows, keys, duplicates, strict=True)
    ]


def _new_line(statement, holder, row, key, match: matching.Match) -> StatementLine:
    return StatementLine(
        statement=statement,
        **holder_fields(holder),
        row=row.row,
        booked_on=row.received_on,
        amount=row.amount,
        bank_reference=row.reference,
        description=row.description[: StatementLine._meta.get_field("description").max_length],
        key=key,
        status=match.status,
        campaign_id=match.fund,
        pledge_id=match.pledge,
        matched_by=match.matched_by
        or (StatementLine.MatchedBy.OFFICER if match.status == Status.RECORDED else ""),
        problem=match.problem[:PROBLEM_MAX_LENGTH],
        donation_id=match.donation,
    )


def _store_lines(statement, holder, rows) -> tuple[int, list[str]]:
    """Store the rows not stored yet as lines of `statement`, matched; (how many were stored,
    a note for each row another statement, or an earlier row of this file, brought)."""
    keys = [line_key(row) for row in rows]
    stored = bank_selectors.stored_lines(holder, keys)
    skipped, fresh, seen = [], [], {}
    for row, key in zip(rows, keys, strict=True):
        earlier = stored.get(key)
        if earlier is not None:
            if earlier.statement_id != statement.pk:
                where = bank_selectors.statement_label(earlier.statement)
                skipped.append(f"Dòng {row.row}: đã có trong {where}, không lưu lại.")
        elif key in seen:
            skipped.append(f"Dòng {row.row}: trùng với dòng {seen[key]} của tệp, không lưu lại.")
        else:
            seen[key] = row.row
            fresh.append((row, key))
    if not fresh:
        return 0, skipped
    fresh_rows = [row for row, _ in fresh]
    fresh_keys = [key for _, key in fresh]
    holdings = bank_selectors.holdings_for(holder, fresh_rows, fresh_keys)
    duplicates = bank_selectors.duplicates_of(holder, fresh_rows)
    matches = matching.match_lines(_line_facts(fresh_rows, fresh_keys, duplicates), holdings)
    # A line another import stores at this very moment is left to it (its key is unique).
    StatementLine.objects.bulk_create(
        [
            _new_line(statement, holder, row, key, match)
            for (row, key), match in zip(fresh, matches, strict=True)
        ],
        ignore_conflicts=True,
    )
    ours = set(statement.lines.filter(key__in=fresh_keys).values_list("key", flat=True))
    for row, key in fresh:
        if key not in ours:
            skipped.append(f"Dòng {row.row}: vừa được lưu từ một sao kê khác, không lưu lại.")
    return len(ours), skipped


@transaction.atomic
def bank_statement_import(
    *,
    holder,
    user,
    file_name: str,
    digest: str,
    parsed: statements.ParsedStatement,
    account_number: str = "",
    closing_balance: int | None = None,
) -> ImportResult:
    """Store a statement of the holder's account and its credit lines, matched to funds and
    pledges; no donation is written here. The same file twice is refused (AlreadyImported);
    a line already stored from an overlapping statement is not stored again."""
    if parsed.problems:
        raise StatementRefusal(" ".join(parsed.problems))
    if not parsed.rows:
        raise StatementRefusal(NO_CREDIT_LINES)
    fields = holder_fields(holder)
    earlier = BankStatement.objects.filter(**fields, file_digest=digest).first()
    if earlier is not None:
        raise AlreadyImported(earlier)
    account_number = account_number.strip()
    if account_number and account_number not in bank_selectors.holder_accounts(holder):
        raise StatementRefusal(
            f"Số tài khoản {account_number} không phải tài khoản nhận của quỹ nào của "
            f"{holder.name}."
        )
    notes = []
    from_file = parsed.closing_balance
    if closing_balance is None:
        closing_balance = from_file
    elif from_file is not None and from_file != closing_balance:
        notes.append(
            f"Số dư cuối kỳ bạn nhập ({format_dong(closing_balance)}) khác số dư cuối trong "
            f"tệp ({format_dong(from_file)}); đã lưu số bạn nhập."
        )
    days = parsed.days
    try:
        with transaction.atomic():
            statement = BankStatement.objects.create(
                **fields,
                account_number=account_number,
                file_name=file_name[: BankStatement._meta.get_field("file_name").max_length],
                file_digest=digest,
                first_on=min(days),
                last_on=max(days),
                closing_balance=closing_balance,
                imported_by=user,
            )
    except IntegrityError:
        # The same file, sent twice at once (a double click): the first one is kept.
        earlier = BankStatement.objects.filter(**fields, file_digest=digest).first()
        if earlier is None:
            raise
        raise AlreadyImported(earlier) from None
    stored, skipped = _store_lines(statement, holder, parsed.rows)
    return ImportResult(statement=statement, stored=stored, skipped=skipped, notes=notes)


# --- One confirm: every matched line of a statement becomes a donation -------------------------


@dataclass
class LineChoice:
    """A matched line as the review form posts it: the version seen, the donor settled on."""

    line: int  # pk
    version: int
    name: str
    kind: str
    problem: str = ""


@dataclass
class ConfirmResult:
    recorded: list[Donation]
    skipped: list[str]  # "dòng 4 (biên nhận 00012/2026)"


def review_choices(values: Mapping[str, str], lines: list[StatementLine]) -> list[LineChoice]:
    """The versions, names and kinds posted for the lines the review page showed as matched
    (their pks in "lines"), each with the problem that stops it being written."""
    by_pk = {line.pk: line for line in lines}
    choices = []
    for item in values.get("lines", "").split(","):
        pk, _, version = item.partition(":")
        try:
            pk, version = int(pk), int(version)
        except ValueError:
            continue
        line = by_pk.get(pk)
        if line is None:
            continue
        guess = matching.donor_guess(line.description)
        name = " ".join(values.get(f"name-{pk}", guess[0]).split())
        kind = values.get(f"kind-{pk}", guess[1])
        problems = []
        if kind not in Donation.DonorKind.values:
            problems.append(f"Dòng {line.row}: loại người ủng hộ không hợp lệ, hãy chọn lại.")
            kind = guess[1]
        if len(name) > statements.NAME_MAX_LENGTH:
            problems.append(
                f"Dòng {line.row}: tên dài quá {statements.NAME_MAX_LENGTH} ký tự, hãy rút gọn."
            )
        choices.append(LineChoice(pk, version, name, kind, " ".join(problems)))
    return choices


def _uses(holder, line: StatementLine) -> int:
    """Donations ever made from the line (reversed ones too): the next one is key#uses."""
    return Donation.objects.filter(
        **holder_fields(holder),
        received_on=line.booked_on,
        statement_line__startswith=f"{line.key}#",
    ).count()


def _record_line(
    line: StatementLine, *, holder, campaign: Campaign, name, kind, user, matched_by, pledge=None
) -> Donation:
    """The donation of one locked line, with its receipt; the line is then recorded."""
    try:
        with transaction.atomic():
            donation = services.donation_record(
                campaign=campaign,
                **holder_fields(holder),
                user=user,
                received_on=line.booked_on,
                donor_kind=kind,
                donor_name=name,
                amount=line.amount,
                form=Donation.Form.CASH,
                channel=Donation.Channel.BANK,
                bank_reference=line.bank_reference,
                note=NOTE.format(row=line.row),
                statement_line=f"{line.key}#{_uses(holder, line)}",
            )
    except services.FundRefusal as error:
        raise StatementRefusal(f"Dòng {line.row}: {error}") from error
    except ValidationError as error:
        raise StatementRefusal(f"Dòng {line.row}: {' '.join(error.messages)}") from error
    except IntegrityError as error:
        raise LineConflict(
            f"Dòng {line.row} vừa được ghi thành khoản ủng hộ ở nơi khác; chưa ghi khoản nào."
        ) from error
    line.status = Status.RECORDED
    line.donation = donation
    line.campaign = campaign
    line.pledge = pledge if pledge is not None else line.pledge
    line.matched_by = matched_by
    line.problem = ""
    line.set_aside_reason = ""
    _handled(line, user)
    return donation


def _handled(line: StatementLine, user) -> None:
    line.version += 1
    line.handled_by = user
    line.handled_at = timezone.now()
    line.save()


def what_happened(line: StatementLine) -> str:
    """What became of a line, for the officer whose page is stale."""
    who = vietnamese_name(line.handled_by) if line.handled_by_id else "một cán bộ khác"
    if line.status == Status.RECORDED:
        donation = line.donation
        return (
            f"Dòng {line.row} đã được {who} ghi thành khoản ủng hộ biên nhận "
            f"{donation.receipt_label} ({donation.campaign.name})."
        )
    if line.status == Status.SET_ASIDE:
        return f"Dòng {line.row} đã được {who} để riêng: “{line.set_aside_reason}”."
    if line.status == Status.MATCHED:
        return f"Dòng {line.row} đã khớp với quỹ “{line.campaign.name}”, chờ ghi ở trang sao kê."
    return f"Dòng {line.row} đã được {who} đưa lại hàng chờ xử lý."


def _locked(lines_queryset) -> list[StatementLine]:
    """The lines, locked until the transaction ends, in one order (pk) for everyone."""
    return list(lines_queryset.select_for_update().order_by("pk"))


@transaction.atomic
def statement_matched_record(
    *, statement: BankStatement, user, choices: list[LineChoice]
) -> ConfirmResult:
    """Every matched line the officer saw becomes a donation with a receipt, oldest first, in
    one transaction, or none does (StatementRefusal). A line already recorded (a double click,
    another tab) is skipped and named; a line changed otherwise refuses the whole confirm."""
    problems = [choice.problem for choice in choices if choice.problem]
    if problems:
        raise StatementRefusal(" ".join(problems))
    if not choices:
        raise StatementRefusal("Sao kê này không còn dòng nào đã khớp để ghi.")
    holder = statement.holder
    by_pk = {choice.line: choice for choice in choices}
    lines = _locked(StatementLine.objects.filter(statement=statement, pk__in=by_pk))
    result = ConfirmResult(recorded=[], skipped=[])
    changed, pending = [], []
    for line in sorted(lines, key=lambda line: (line.booked_on, line.row, line.pk)):
        if line.status == Status.RECORDED:
            result.skipped.append(f"dòng {line.row} (biên nhận {line.donation.receipt_label})")
        elif line.status != Status.MATCHED or line.version != by_pk[line.pk].version:
            changed.append(what_happened(line))
        else:
            pending.append(line)
    if changed:
        raise LineConflict(
            f"Chưa ghi khoản nào: {' '.join(changed)} Trang đã được cập nhật, hãy xem lại rồi "
            "bấm ghi lần nữa."
        )
    campaigns = Campaign.objects.in_bulk({line.campaign_id for line in pending})
    closed = [
        f"Dòng {line.row}: quỹ “{campaigns[line.campaign_id].name}” đã kết thúc sau khi dòng "
        "được khớp; hãy chuyển dòng này về hàng chờ rồi chọn quỹ khác."
        for line in pending
        if campaigns[line.campaign_id].status == Campaign.Status.CLOSED
    ]
    if closed:
        raise StatementRefusal(" ".join(closed), status=409)
    for line in pending:
        choice = by_pk[line.pk]
        result.recorded.append(
            _record_line(
                line,
                holder=holder,
                campaign=campaigns[line.campaign_id],
                name=choice.name,
                kind=choice.kind,
                user=user,
                matched_by=line.matched_by,
            )
        )
    return result


# --- The queue: one line at a time -------------------------------------------------------------


def _queue_line(holder, pk, version, *, allowed) -> StatementLine:
    """The holder's line, locked; LineConflict if it changed since `version` or is no longer
    in a state the action applies to."""
    line = StatementLine.objects.select_for_update().filter(**holder_fields(holder), pk=pk).first()
    if line is None:
        raise StatementRefusal("Không tìm thấy dòng sao kê này.", status=404)
    if line.version != version or line.status not in allowed:
        raise LineConflict(f"{what_happened(line)} Chưa thay đổi gì.")
    return line


def _pledge_of(campaign: Campaign, text: str) -> Pledge | None:
    """The pledge an officer named by its reference ("MT7K2AP9XFQ") or its code ("P9XF")."""
    text = references.fold(text)
    if not text:
        return None
    parsed = references.parse(text)
    if parsed is not None:
        fund_code, code = parsed
        if fund_code != campaign.reference_code or not code:
            raise StatementRefusal(
                f"Mã {text} không phải mã chuyển khoản của quỹ “{campaign.name}”."
            )
    else:
        code = text
    pledge = Pledge.objects.filter(campaign=campaign, code=code).first()
    if pledge is None:
        raise StatementRefusal(
            f"Không tìm thấy mã chuyển khoản “{text}” trong quỹ “{campaign.name}”."
        )
    return pledge


@transaction.atomic
def statement_line_record(
    *, holder, line: int, version: int, campaign: Campaign | None, pledge: str, name, kind, user
) -> Donation:
    """A waiting line recorded at once in the fund the officer chose (and its pledge, if
    named), with a receipt."""
    locked = _queue_line(holder, line, version, allowed=(Status.WAITING,))
    if campaign is None:
        raise StatementRefusal("Hãy chọn quỹ nhận khoản này.")
    if not bank_selectors.open_money_funds(holder).filter(pk=campaign.pk).exists():
        raise StatementRefusal(
            f"Không ghi được vào “{campaign.name}”: quỹ đã kết thúc, không nhận tiền, hoặc "
            f"không thuộc {holder.name}."
        )
    if kind not in Donation.DonorKind.values:
        raise StatementRefusal("Hãy chọn người ủng hộ là cá nhân, tổ chức, tập thể hay ẩn danh.")
    name = " ".join(name.split())
    if len(name) > statements.NAME_MAX_LENGTH:
        raise StatementRefusal(f"Tên dài quá {statements.NAME_MAX_LENGTH} ký tự, hãy rút gọn.")
    return _record_line(
        locked,
        holder=holder,
        campaign=campaign,
        name=name,
        kind=kind,
        user=user,
        matched_by=StatementLine.MatchedBy.OFFICER,
        pledge=_pledge_of(campaign, pledge),
    )


@transaction.atomic
def statement_line_link(*, holder, line: int, version: int, donation: int, user) -> Donation:
    """A waiting line that is a gift an officer recorded by hand before the statement came:
    linked to that donation, which then counts once and shows as checked against the bank."""
    locked = _queue_line(holder, line, version, allowed=(Status.WAITING, Status.MATCHED))
    found = (
        selectors.counted_donations()
        .select_for_update()
        .filter(selectors.IS_CASH, **holder_fields(holder), pk=donation)
        .select_related("campaign")
        .first()
    )
    if found is None:
        raise StatementRefusal(
            "Không gắn được: khoản đã ghi này không còn (đã điều chỉnh) hoặc không thuộc "
            f"{holder.name}."
        )
    if found.amount != locked.amount:
        raise StatementRefusal(
            f"Không gắn được: khoản biên nhận {found.receipt_label} là "
            f"{format_dong(found.amount)}, dòng sao kê là {format_dong(locked.amount)}."
        )
    taken = StatementLine.objects.filter(donation=found).first()
    if taken is not None or found.statement_line:
        raise LineConflict(
            f"Khoản biên nhận {found.receipt_label} đã gắn với một dòng sao kê khác; "
            "chưa thay đổi gì."
        )
    try:
        with transaction.atomic():
            _link(locked, found, found.campaign, user)
    except IntegrityError as error:  # another officer linked the same donation meanwhile
        raise LineConflict(
            f"Khoản biên nhận {found.receipt_label} vừa được gắn với một dòng sao kê khác; "
            "chưa thay đổi gì."
        ) from error
    return found


SET_ASIDE_REASON_MAX = StatementLine._meta.get_field("set_aside_reason").max_length


@transaction.atomic
def statement_line_set_aside(*, holder, line: int, version: int, reason: str, user):
    """A line that is no donation (bank interest, a refund, a transfer between accounts)."""
    locked = _queue_line(holder, line, version, allowed=(Status.WAITING, Status.MATCHED))
    reason = " ".join(visible_text(reason).split())
    if not reason:
        raise StatementRefusal("Ghi lý do để riêng, ví dụ: lãi tiền gửi, hoàn tiền.")
    if len(reason) > SET_ASIDE_REASON_MAX:
        raise StatementRefusal(f"Lý do dài quá {SET_ASIDE_REASON_MAX} ký tự, hãy rút gọn.")
    locked.status = Status.SET_ASIDE
    locked.set_aside_reason = reason
    locked.matched_by = ""
    _handled(locked, user)
    return locked


PUT_BACK = "Cán bộ chuyển về hàng chờ để xem lại."


@transaction.atomic
def statement_line_put_back(*, holder, line: int, version: int, user):
    """A line set aside, or matched but not yet recorded, back in the queue."""
    locked = _queue_line(holder, line, version, allowed=(Status.SET_ASIDE, Status.MATCHED))
    if locked.status == Status.MATCHED:
        locked.problem = PUT_BACK
        locked.matched_by = ""
    locked.status = Status.WAITING
    locked.set_aside_reason = ""
    _handled(locked, user)
    return locked
