"""A workflow step recorded (a `ReportEvent` row) makes its notices once its transaction
commits, so they are in the portal's list at once; `manage.py send_notices` mails them and
makes any a failure here left out (the same event key: never twice)."""

import logging

from django.db import transaction
from django.db.models.signals import post_save

logger = logging.getLogger(__name__)


def _step_recorded(sender, instance, created, raw=False, **kwargs):
    from reports.notices import events, services

    if not created or raw or instance.action not in events.STEPS:
        return

    def make():
        try:
            services.notices_for_step(event=instance)
        except Exception:  # the step is saved; the sender makes its notices on its next run
            logger.exception("Notices of report event %s were not made", instance.pk)

    transaction.on_commit(make)


def connect():
    from reports.models import ReportEvent

    post_save.connect(
        _step_recorded, sender=ReportEvent, weak=False, dispatch_uid="notices-report-event"
    )
