"""Donations from a bank statement: upload, preview with duplicates flagged, then confirm.

Nothing is written before the officer confirms; the confirmation carries the rows read at the
preview in a signed token, and the confirm service (campaigns/bank/services.py) writes every
ticked row in one transaction, or none; a row already recorded (the same preview confirmed
twice) is skipped, never written again.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from campaigns import selectors
from campaigns.bank import matching, services, statements
from campaigns.bank import selectors as bank_selectors
from campaigns.bank.forms import (
    AccountStatementForm,
    LinkLineForm,
    RecordLineForm,
    SetAsideForm,
    StatementForm,
)
from campaigns.models import Campaign, Donation, StatementLine
from campaigns.places import Place
from core import uploads
from core.numbers import format_dong, format_number
from wards import selectors as ward_selectors

TOKEN_SALT = "campaigns.bank-import"
TOKEN_MAX_AGE = 2 * 3600  # seconds between the preview and the confirmation
DonorKind = Donation.DonorKind


class BadToken(Exception):
    pass


def money_campaign_or_404(holder, pk) -> Campaign:
    campaign = (
        selectors.campaigns_at(holder)
        .filter(pk=pk, kind__in=[Campaign.Kind.FUND, Campaign.Kind.HOUSING])
        .first()
    )
    if campaign is None:
        raise Http404("Không tìm thấy cuộc vận động nhận tiền ủng hộ.")
    return campaign


def _scope(place: Place, campaign, user) -> dict:
    where = "province" if place.is_province else "ward"
    return {where: place.holder.code, "campaign": campaign.pk, "user": user.pk}


def _token(*, place, campaign, user, filename, parsed, digest) -> str:
    payload = {
        "filename": filename,
        "rows": [row.to_data() for row in parsed.rows],
        "digest": digest,
        "closing": parsed.closing_balance,
        "days": sorted({day.isoformat() for day in parsed.days}),
    }
    return uploads.sign_preview(
        salt=TOKEN_SALT, scope=_scope(place, campaign, user), payload=payload
    )


def _read_token(
    token, *, place, campaign, user
) -> tuple[services.StatementFile, list[statements.StatementRow]]:
    """(the file read at the preview, its rows); BadToken if forged, stale or for elsewhere."""
    try:
        data = uploads.read_preview(
            token, salt=TOKEN_SALT, scope=_scope(place, campaign, user), max_age=TOKEN_MAX_AGE
        )
        rows = [statements.StatementRow.from_data(item) for item in data["rows"]]
        closing = data.get("closing")
        source = services.StatementFile(
            name=str(data.get("filename", "")),
            digest=str(data.get("digest", "")),
            closing_balance=int(closing) if closing is not None else None,
            days=tuple(datetime.date.fromisoformat(day) for day in data.get("days", [])),
        )
    except (uploads.StalePreview, KeyError, TypeError, ValueError) as error:
        raise BadToken from error
    return source, rows


def _context(place, campaign, breadcrumbs) -> dict:
    return {
        **place.context,
        "campaign": campaign,
        "back_url": place.url("detail", campaign.pk),
        "breadcrumbs": [*breadcrumbs, campaign.name, "Nhập sao kê ngân hàng"],
        "kinds": DonorKind.choices,
        "account_url": place.url("bank_statements"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def bank_import_view(request, code, pk):
    ward = ward_selectors.editable_ward_or_error(request.user, code)
    return statement_import(request, Place(ward), money_campaign_or_404(ward, pk))


def statement_import(request, place: Place, campaign: Campaign, *, breadcrumbs=()):
    """Upload, preview and confirm a statement into the holder's donations (a commune's or
    the province committee's)."""
    context = _context(place, campaign, breadcrumbs)

    if request.method == "POST" and request.POST.get("action") == "confirm":
        return _confirm(request, place=place, campaign=campaign, context=context)

    form = (
        StatementForm(request.POST, request.FILES) if request.method == "POST" else StatementForm()
    )
    if request.method != "POST" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(
            request, "campaigns/bank/fund_import.html", {**context, "form": form}, status=status
        )

    file = form.cleaned_data["file"]
    digest = statements.file_digest(file)
    try:
        parsed = statements.read_statement(file, today=timezone.localdate())
    except statements.UnreadableFile as error:
        form.add_error("file", str(error))
        return render(
            request, "campaigns/bank/fund_import.html", {**context, "form": form}, status=400
        )

    token, lines = None, []
    if not parsed.problems:
        lines = services.statement_preview(holder=place.holder, rows=parsed.rows)
        token = _token(
            place=place,
            campaign=campaign,
            user=request.user,
            filename=file.name,
            parsed=parsed,
            digest=digest,
        )
    return render(
        request,
        "campaigns/bank/fund_preview.html",
        {
            **context,
            "form": StatementForm(),
            "filename": file.name,
            "parsed": parsed,
            "lines": lines,
            "token": token,
        },
        status=400 if parsed.problems else 200,
    )


def _confirm(request, *, place, campaign, context):
    """Write the ticked rows, all at once, or nothing."""
    try:
        source, rows = _read_token(
            request.POST.get("token", ""), place=place, campaign=campaign, user=request.user
        )
    except BadToken:
        return render(
            request,
            "campaigns/bank/fund_import.html",
            {
                **context,
                "form": StatementForm(),
                "refusal": "Phiên xem trước không hợp lệ hoặc đã hết hạn; chưa có khoản nào "
                "được ghi. Hãy tải tệp sao kê lên lại.",
            },
            status=400,
        )
    lines = services.statement_lines(request.POST, rows)
    try:
        result = services.statement_confirm(
            holder=place.holder,
            campaign=campaign,
            user=request.user,
            rows=rows,
            lines=lines,
            source=source,
        )
    except services.StatementRefusal as refused:
        return render(
            request,
            "campaigns/bank/fund_preview.html",
            {
                **context,
                "form": StatementForm(),
                "filename": source.name,
                "parsed": statements.ParsedStatement(rows=rows),
                "lines": lines,
                "token": request.POST.get("token"),
                "refusal": f"Chưa ghi khoản nào. {refused}",
            },
            status=refused.status,
        )
    if result.recorded:
        messages.success(request, f"Đã ghi {len(result.recorded)} khoản ủng hộ từ sao kê.")
    if result.skipped:
        where = "; ".join(f"dòng {item.row} ({item.label})" for item in result.skipped)
        messages.warning(
            request,
            f"Bỏ qua {len(result.skipped)} dòng đã được ghi trước đó, không ghi lần nữa: {where}."
            if result.recorded
            else f"Không ghi thêm khoản nào: các dòng đã chọn đều đã được ghi trước đó ({where}).",
        )
    return place.redirect("detail", campaign.pk)


# --- A holder's whole account: statements, their review and one confirm, the queue ------------

ACCOUNT_CRUMB = "Sao kê ngân hàng"
QUEUE_CRUMB = "Dòng sao kê chờ xử lý"
STATEMENTS_PAGE_SIZE = 20
QUEUE_PAGE_SIZE = 20
Status = StatementLine.Status


def _ward(request, code) -> Place:
    return Place(ward_selectors.editable_ward_or_error(request.user, code))


def _province(request, code) -> Place:
    return Place(ward_selectors.editable_province_or_error(request.user, code))


def _crumbs(place: Place) -> list[str]:
    return [place.holder.name] if place.is_province else []


def _account_context(place: Place, *crumbs) -> dict:
    return {
        **place.context,
        "place": place,
        "breadcrumbs": [*_crumbs(place), *crumbs],
        "statements_url": place.url("bank_statements"),
        "queue_url": place.url("bank_queue"),
        "funds_url": place.url("list"),
        "kinds": DonorKind.choices,
    }


@login_required
@require_http_methods(["GET", "POST"])
def ward_statements(request, code):
    return account_statements(request, _ward(request, code))


@login_required
@require_http_methods(["GET", "POST"])
def province_statements(request, code):
    return account_statements(request, _province(request, code))


def account_statements(request, place: Place):
    """The holder's statements, and the upload of a new one: stored with its credit lines,
    matched to funds; nothing becomes a donation before the review page's confirm."""
    holder = place.holder
    accounts = bank_selectors.holder_accounts(holder)
    posted = request.method == "POST"
    form = AccountStatementForm(
        request.POST if posted else None, request.FILES if posted else None, accounts=accounts
    )
    found, status = {}, 400 if posted else 200
    if posted and form.is_valid():
        outcome = _import(request, place, form)
        if isinstance(outcome, HttpResponse):
            return outcome
        found, status = outcome
    page = Paginator(bank_selectors.statements_of(holder), STATEMENTS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "campaigns/bank/statements.html",
        {
            **_account_context(place, ACCOUNT_CRUMB),
            **found,
            "form": form,
            "page": page,
            "counts": bank_selectors.queue_counts(holder),
            "has_accounts": bool(accounts),
        },
        status=status,
    )


def _import(request, place: Place, form: AccountStatementForm):
    """Read and store the uploaded statement: the redirect to its review page, or (what the
    page says went wrong, the status); the form keeps what was typed."""
    file = form.cleaned_data["file"]
    digest = statements.file_digest(file)
    try:
        parsed = statements.read_statement(file, today=timezone.localdate())
    except statements.UnreadableFile as error:
        form.add_error("file", str(error))
        return {}, 400
    if parsed.problems:
        return {"parsed": parsed}, 400
    try:
        result = services.bank_statement_import(
            holder=place.holder,
            user=request.user,
            file_name=file.name,
            digest=digest,
            parsed=parsed,
            account_number=form.cleaned_data["account"],
            closing_balance=form.cleaned_data["closing_balance"],
        )
    except services.AlreadyImported as refused:
        earlier = place.url("bank_statement", refused.statement.pk)
        return {"refusal": str(refused), "earlier_url": earlier}, refused.status
    except services.StatementRefusal as refused:
        return {"refusal": f"Chưa lưu sao kê. {refused}"}, refused.status
    _import_messages(request, result)
    return place.redirect("bank_statement", result.statement.pk)


def _import_messages(request, result: services.ImportResult) -> None:
    counts = bank_selectors.status_counts(result.statement)
    messages.success(
        request,
        f"Đã lưu sao kê: {format_number(result.stored)} khoản tiền vào; "
        f"{format_number(counts[Status.MATCHED])} khoản đã khớp, chờ ghi; "
        f"{format_number(counts[Status.WAITING])} khoản chờ xử lý; "
        f"{format_number(counts[Status.RECORDED])} khoản đã được ghi trước đó. "
        "Chưa có khoản ủng hộ nào được ghi.",
    )
    if result.skipped:
        messages.warning(
            request,
            f"{format_number(len(result.skipped))} dòng không lưu lại: {' '.join(result.skipped)}",
        )
    for note in result.notes:
        messages.info(request, note)


@login_required
@require_http_methods(["GET", "POST"])
def ward_statement(request, code, pk):
    return statement_review(request, _ward(request, code), pk)


@login_required
@require_http_methods(["GET", "POST"])
def province_statement(request, code, pk):
    return statement_review(request, _province(request, code), pk)


@dataclass
class Proposed:
    """A matched line as the review form shows it: the donor guessed or as typed."""

    line: StatementLine
    name: str
    kind: str
    problem: str = ""


def statement_review(request, place: Place, pk):
    """One statement: its matched lines, recorded all at once by one button; what else
    became of its lines (recorded, waiting, set aside)."""
    statement = bank_selectors.statement_or_404(place.holder, pk)
    here = place.url("bank_statement", statement.pk)
    typed, refusal, status = {}, "", 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "confirm":
            lines = bank_selectors.lines_of(statement)
            choices = services.review_choices(request.POST, lines)
            try:
                result = services.statement_matched_record(
                    statement=statement, user=request.user, choices=choices
                )
            except services.StatementRefusal as refused:
                typed = {choice.line: choice for choice in choices}
                refusal, status = str(refused), refused.status
                if not refusal.startswith("Chưa ghi"):
                    refusal = f"Chưa ghi khoản nào. {refusal}"
            else:
                _confirm_messages(request, result)
                return redirect(here)
        elif action == "put_back":
            outcome = _line_action(request, place, services.statement_line_put_back)
            if outcome is None:
                messages.success(request, "Đã chuyển dòng về hàng chờ xử lý.")
                return redirect(here)
            refusal, status = outcome
        else:
            refusal, status = "Không rõ thao tác; chưa thay đổi gì.", 400
    lines = bank_selectors.lines_of(statement)
    groups = {value: [] for value in Status.values}
    for line in lines:
        groups[line.status].append(line)
    proposed = []
    for line in groups[Status.MATCHED]:
        choice = typed.get(line.pk)
        if choice is not None and choice.version == line.version:
            proposed.append(Proposed(line, choice.name, choice.kind, choice.problem))
        else:
            proposed.append(Proposed(line, *matching.donor_guess(line.description)))
    return render(
        request,
        "campaigns/bank/statement.html",
        {
            **_account_context(place, ACCOUNT_CRUMB, statement_name(statement)),
            "statement": statement,
            "lines": lines,
            "proposed": proposed,
            "shown": ",".join(f"{p.line.pk}:{p.line.version}" for p in proposed),
            "matched_total": sum(line.amount for line in groups[Status.MATCHED]),
            "recorded": groups[Status.RECORDED],
            "waiting": groups[Status.WAITING],
            "set_aside": groups[Status.SET_ASIDE],
            "total": sum(line.amount for line in lines),
            "refusal": refusal,
            "here": here,
        },
        status=status,
    )


def statement_name(statement) -> str:
    return f"Sao kê {bank_selectors.period_text(statement.first_on, statement.last_on)}"


def _confirm_messages(request, result: services.ConfirmResult) -> None:
    if result.recorded:
        total = sum(donation.amount for donation in result.recorded)
        first, last = result.recorded[0], result.recorded[-1]
        receipts = (
            first.receipt_label
            if first == last
            else f"{first.receipt_label} – {last.receipt_label}"
        )
        messages.success(
            request,
            f"Đã ghi {format_number(len(result.recorded))} khoản ủng hộ, tổng "
            f"{format_dong(total)}, biên nhận số {receipts}.",
        )
    if result.skipped:
        where = "; ".join(result.skipped)
        messages.warning(
            request,
            f"Bỏ qua {format_number(len(result.skipped))} dòng đã được ghi trước đó, không ghi "
            f"lần nữa: {where}."
            if result.recorded
            else f"Không ghi thêm khoản nào: các dòng đã được ghi trước đó ({where}).",
        )


def _posted_line(request) -> tuple[int, int] | None:
    try:
        pk = int(request.POST.get("line", ""))
        version = int(request.POST.get(f"line-{pk}-version", ""))
    except ValueError:
        return None
    return pk, version


def _line_action(request, place: Place, action, **fields):
    """Run a line action; None when done, else (refusal, status)."""
    posted = _posted_line(request)
    if posted is None:
        return "Không rõ dòng sao kê nào; chưa thay đổi gì. Hãy tải lại trang.", 400
    pk, version = posted
    try:
        action(holder=place.holder, line=pk, version=version, user=request.user, **fields)
    except services.StatementRefusal as refused:
        return str(refused), refused.status
    return None


@login_required
@require_http_methods(["GET", "POST"])
def ward_queue(request, code):
    return statement_queue(request, _ward(request, code))


@login_required
@require_http_methods(["GET", "POST"])
def province_queue(request, code):
    return statement_queue(request, _province(request, code))


SET_ASIDE_VIEW = "de-rieng"


def _queue_query(values) -> dict:
    """The queue's search, view and page, as its links and forms carry them."""
    query = {}
    search = " ".join(str(values.get("q", "")).split())[:100]
    if search:
        query["q"] = search
    if values.get("xem") == SET_ASIDE_VIEW:
        query["xem"] = SET_ASIDE_VIEW
    page = str(values.get("page", ""))
    if page.isdecimal():
        query["page"] = page
    return query


def statement_queue(request, place: Place):
    """The holder's lines waiting for an officer, oldest first: each recorded in a fund at
    once, or set aside with a reason; set-aside lines can be put back."""
    holder = place.holder
    query = _queue_query(request.POST if request.method == "POST" else request.GET)
    base = place.url("bank_queue")
    back = f"{base}?{urlencode(query)}" if query else base
    funds = list(bank_selectors.open_money_funds(holder))
    bound, refusal, status = None, "", 200
    if request.method == "POST":
        outcome = _queue_post(request, place, funds)
        if outcome is None:
            return redirect(back)
        bound, refusal, status = outcome
    set_aside_view = query.get("xem") == SET_ASIDE_VIEW
    lines = bank_selectors.queue(
        holder,
        status=Status.SET_ASIDE if set_aside_view else Status.WAITING,
        search=query.get("q", ""),
    )
    page = Paginator(lines, QUEUE_PAGE_SIZE).get_page(query.get("page"))
    candidates = {} if set_aside_view else bank_selectors.link_candidates(holder, page.object_list)
    items = []
    for line in page.object_list:
        if bound is not None and bound.line.pk == line.pk:
            forms = bound
        else:
            forms = _line_forms(line, funds, candidates=candidates.get(line.pk, ()))
        items.append((line, forms))
    return render(
        request,
        "campaigns/bank/queue.html",
        {
            **_account_context(place, ACCOUNT_CRUMB, QUEUE_CRUMB),
            "page": page,
            "items": items,
            "search": query.get("q", ""),
            "set_aside_view": set_aside_view,
            "query": query,
            "page_query": urlencode({k: v for k, v in query.items() if k != "page"}),
            "counts": bank_selectors.queue_counts(holder),
            "has_funds": bool(funds),
            "refusal": refusal,
        },
        status=status,
    )


@dataclass
class LineForms:
    """A queue line's two forms: record it in a fund, or set it aside."""

    line: StatementLine
    record: RecordLineForm
    set_aside: SetAsideForm
    # When gifts recorded by hand could be this line: link it to one of them.
    link: LinkLineForm | None = None


def _line_forms(line, funds, data=None, action=None, candidates=()) -> LineForms:
    """The record and set-aside forms of one line; the one the officer posted bound to what
    was typed."""
    name, kind = matching.donor_guess(line.description)
    initial = {"donor_name": name, "donor_kind": kind}
    if line.campaign_id and any(fund.pk == line.campaign_id for fund in funds):
        initial["campaign"] = line.campaign_id
    if line.pledge_id:
        initial["pledge"] = line.pledge.reference
    return LineForms(
        line,
        RecordLineForm(
            data if action == "record" else None, line=line, funds=funds, initial=initial
        ),
        SetAsideForm(data if action == "set_aside" else None, line=line),
        LinkLineForm(data if action == "link" else None, line=line, candidates=candidates)
        if candidates
        else None,
    )


def _queue_post(request, place: Place, funds):
    """Do the posted action on one line; None when done (a message says what), else (the
    line's forms as typed, the refusal, the status)."""
    action = request.POST.get("action")
    posted = _posted_line(request)
    line = bank_selectors.queue_line(place.holder, posted[0]) if posted is not None else None
    if line is None or action not in ("record", "set_aside", "put_back", "link"):
        return None, "Không rõ dòng sao kê hay thao tác nào; chưa thay đổi gì.", 400
    version = posted[1]
    candidates = bank_selectors.link_candidates(place.holder, [line]).get(line.pk, [])
    forms = _line_forms(line, funds, request.POST, action, candidates)
    try:
        if action == "link":
            if forms.link is None:
                return (
                    forms,
                    "Không còn khoản ghi tay nào cùng số tiền gần ngày này để gắn; "
                    "chưa thay đổi gì.",
                    409,
                )
            if not forms.link.is_valid():
                return forms, "Chưa gắn: hãy chọn khoản đã ghi tay.", 400
            donation = services.statement_line_link(
                holder=place.holder,
                line=line.pk,
                version=version,
                donation=forms.link.cleaned_data["donation"],
                user=request.user,
            )
            messages.success(
                request,
                f"Đã gắn dòng {line.row} ({format_dong(line.amount)}) với khoản đã ghi "
                f"biên nhận số {donation.receipt_label}; khoản này được tính một lần và "
                "công khai là đã đối chiếu sao kê.",
            )
        elif action == "record":
            if not forms.record.is_valid():
                return forms, "Chưa ghi: hãy sửa các ô được đánh dấu.", 400
            data = forms.record.cleaned_data
            donation = services.statement_line_record(
                holder=place.holder,
                line=line.pk,
                version=version,
                campaign=data["campaign"],
                pledge=data["pledge"],
                name=data["donor_name"],
                kind=data["donor_kind"],
                user=request.user,
            )
            messages.success(
                request,
                f"Đã ghi dòng {line.row} ({format_dong(line.amount)}) thành khoản ủng hộ "
                f"biên nhận số {donation.receipt_label} vào “{donation.campaign.name}”.",
            )
        elif action == "set_aside":
            if not forms.set_aside.is_valid():
                return forms, "Chưa để riêng: hãy ghi lý do.", 400
            services.statement_line_set_aside(
                holder=place.holder,
                line=line.pk,
                version=version,
                reason=forms.set_aside.cleaned_data["reason"],
                user=request.user,
            )
            messages.success(request, f"Đã để riêng dòng {line.row} ({format_dong(line.amount)}).")
        else:
            services.statement_line_put_back(
                holder=place.holder, line=line.pk, version=version, user=request.user
            )
            messages.success(request, f"Đã đưa dòng {line.row} lại hàng chờ xử lý.")
    except services.LineConflict as refused:
        return None, str(refused), refused.status
    except services.StatementRefusal as refused:
        return forms, str(refused), refused.status
    return None
