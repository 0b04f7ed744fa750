"""Donations written from a confirmed bank statement: every ticked line once, or nothing.

A statement line is known by its key: the bank's reference, the date and the amount. The key is
stored on the donation under a unique constraint per holder (a commune, or a province's
committee), so one line becomes at most one
counted donation even when the same preview is confirmed twice at once (a double click, two
tabs): a line already recorded is skipped and reported, never written again. A donation that
was reversed frees its line, so a corrected import records it again under the next key.
"""

import datetime
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Trim, Upper

from campaigns import selectors, services
from campaigns.bank import statements
from campaigns.models import Campaign, Donation, DonationReversal, holder_fields

NOTE = "Nhập từ sao kê ngân hàng (dòng {row})"
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


def existing_donations(holder, rows) -> list[statements.Existing]:
    """The holder's counted cash donations that could match a row: by reference, or on its
    dates (a statement holds money: goods and their equivalents never match)."""
    references = {statements.reference_key(row.reference) for row in rows}
    days = {row.received_on for row in rows}
    donations = (
        selectors.counted_donations()
        .filter(selectors.IS_CASH, **holder_fields(holder))
        .annotate(reference_key=Upper(Trim("bank_reference")))
        .filter(Q(reference_key__in=references) | Q(received_on__in=days))
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


def statement_preview(*, holder, rows: list[statements.StatementRow]) -> list[Line]:
    """The rows as proposed lines: those that look already recorded are flagged, unticked."""
    statements.flag_duplicates(rows, existing_donations(holder, rows))
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


def statement_confirm(*, holder, campaign: Campaign, user, rows: list, lines: list[Line]):
    """Write the ticked lines, all at once, or nothing (StatementRefusal)."""
    problems = [line.problem for line in lines if line.problem]
    if problems:
        raise StatementRefusal(" ".join(problems))
    chosen = [
        ChosenLine(line.index, line.row, line.name, line.kind) for line in lines if line.included
    ]
    return statement_record(holder=holder, campaign=campaign, user=user, rows=rows, chosen=chosen)


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
    statements.flag_duplicates(fresh, existing_donations(holder, fresh))
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
    *, holder, campaign: Campaign, user, rows: list, chosen: list[ChosenLine]
) -> StatementResult:
    """Write the chosen lines, oldest first, in one transaction; lines already recorded are
    skipped. Raises StatementRefusal (nothing written) when a line is refused."""
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
    return result


def _label(donation: Donation) -> str:
    return f"biên nhận {donation.receipt_label}"
