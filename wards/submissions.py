"""One record per create form, however often it is posted: a double click, a resent POST, two
requests at once.

Every create form carries a one-time token, a hidden input: new on each fresh form, the same
when the form comes back with errors. `create_once` claims the token (a FormSubmission row) in
the transaction that creates the record. The token is the row's primary key, so the database
refuses a second claim: a repeated POST waits for the first to commit, then lands on the record
it created instead of creating another. A POST without a token (a script, an old page) is
created as before.

Anonymous visitors' forms (a donor's pledge on a public page) claim tokens too, with no user:
the token, random and sent only to the browser that got the form, is what ties a repeat to
the record.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from crispy_forms.layout import Hidden
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils.html import format_html

from wards.models import FormSubmission

FIELD = "submission"
REPEATED_MESSAGE = (
    "Biểu mẫu này đã được gửi trước đó (bấm nút hai lần hoặc gửi lại trang), nên không ghi "
    "thêm bản ghi nào."
)
_USED = "_submission_token_used"


def posted_token(request) -> uuid.UUID | None:
    if request.method != "POST":
        return None
    try:
        return uuid.UUID(str(request.POST.get(FIELD, "")))
    except ValueError:
        return None


def token_for(request) -> str:
    """The token to render: the posted one for the form coming back with errors, else a new
    one. The posted token goes to one form only, and never once it has been claimed.
    """
    posted = posted_token(request)
    if posted is not None and not getattr(request, _USED, False):
        setattr(request, _USED, True)
        return str(posted)
    return str(uuid.uuid4())


def hidden_input(request) -> str:
    """The token as a hidden input, for forms written out in a template."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, token_for(request))


def add_to(form, request):
    """Give a crispy form (one with a FormHelper) its token; returns the form."""
    form.helper.add_input(Hidden(FIELD, token_for(request)))
    return form


@dataclass(frozen=True)
class Outcome:
    record: models.Model | None  # None: posted before, and that record is gone since
    created: bool


def create_once(request, create: Callable[[], models.Model], *, model) -> Outcome:
    """`create()` once per posted token; a repeat gets the record the first POST created.

    Exceptions of `create()` propagate and release the token with everything else it wrote.
    """
    token = posted_token(request)
    if token is None:
        return Outcome(create(), created=True)
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = FormSubmission.objects.create(token=token, user=_claimant(request.user))
        except IntegrityError:
            setattr(request, _USED, True)
            return Outcome(_claimed_record(token, request.user, model), created=False)
        record = create()
        claim.content_type = ContentType.objects.get_for_model(record)
        claim.object_id = record.pk
        claim.save(update_fields=["content_type", "object_id"])
    # Forms rendered after this (a page shown after the write) get tokens of their own.
    setattr(request, _USED, True)
    return Outcome(record, created=True)


def submit_once(request, form, create: Callable[[], models.Model], *, model) -> Outcome | None:
    """A create form's POST: the earlier outcome of a repeat, else `create()` once if the form
    is valid. None when there is nothing to land on (a GET, or a form to show again)."""
    if request.method != "POST":
        return None
    repeat = earlier(request, model=model)
    if repeat is not None:
        return repeat
    if not form.is_valid():
        # A first POST that committed while this one was being validated made its data
        # invalid (the name is taken now): land on that record rather than on the error.
        return earlier(request, model=model)
    return create_once(request, create, model=model)


def earlier(request, *, model) -> Outcome | None:
    """The outcome of a POST whose token was claimed before, or None. Asked before the form
    is validated: the first POST's record can make the same data invalid now (a name taken,
    a balance spent), and a repeat must land on that record, not on an error."""
    token = posted_token(request)
    if token is None or not FormSubmission.objects.filter(token=token).exists():
        return None
    setattr(request, _USED, True)
    return Outcome(_claimed_record(token, request.user, model), created=False)


def _claimant(user):
    """The user a claim is recorded for: None for an anonymous visitor."""
    return user if user is not None and user.is_authenticated else None


def _claimed_record(token, user, model) -> models.Model | None:
    claim = FormSubmission.objects.filter(token=token, user=_claimant(user)).first()
    if claim is None or claim.content_type_id != ContentType.objects.get_for_model(model).pk:
        return None
    return model._default_manager.filter(pk=claim.object_id).first()
