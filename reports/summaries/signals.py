"""Model signals that refresh the summary rows inside the writer's own transaction.

Signals rather than calls from each service: campaigns and wards may not import reports, and
the admin, the Excel and bank imports and the tests' factories all save through the models.
A save that moves a row to another month (a house's handover date, say) refreshes the month it
left as well; the old key is read just before the save.

Bulk writes send no signals (bulk_create, QuerySet.update, COPY): follow them with
`maintain.rebuild(ward_ids=...)`. The monthly report service writes values in bulk and then
saves the report itself, which refreshes its month.
"""

from django.db.models.signals import post_delete, post_save, pre_save

from reports.summaries import maintain

OLD_KEYS = "_summary_old_keys"


def _keyed(sender, key_fields, keys_of):
    """Refresh the ward-months `keys_of(values)` of rows of `sender`, before and after."""
    names = {*key_fields, *(name.removesuffix("_id") for name in key_fields)}

    def remember_old_keys(instance, update_fields=None, **kwargs):
        setattr(instance, OLD_KEYS, [])
        if instance.pk is None or (update_fields and not names & set(update_fields)):
            return
        old = sender._default_manager.filter(pk=instance.pk).values(*key_fields).first()
        if old:
            setattr(instance, OLD_KEYS, keys_of(old))

    def refresh_after_save(instance, raw=False, **kwargs):
        values = {name: getattr(instance, name) for name in key_fields}
        maintain.refresh([*keys_of(values), *getattr(instance, OLD_KEYS, [])], fixture=raw)

    def refresh_after_delete(instance, **kwargs):
        maintain.refresh(keys_of({name: getattr(instance, name) for name in key_fields}))

    uid = f"summary-{sender._meta.label}"
    pre_save.connect(remember_old_keys, sender=sender, weak=False, dispatch_uid=uid)
    post_save.connect(refresh_after_save, sender=sender, weak=False, dispatch_uid=uid)
    post_delete.connect(refresh_after_delete, sender=sender, weak=False, dispatch_uid=uid)


def _report_key(instance):
    """(ward id, month) of a value's or an event's report; [] once the report is gone (its
    own deletion refreshes the month)."""
    report = instance._state.fields_cache.get("report")
    if report is not None:
        return [(report.ward_id, report.period)]
    from reports.models import MonthlyReport

    return list(
        MonthlyReport.objects.filter(pk=instance.report_id).values_list("ward_id", "period")
    )


def _refresh_report_month(instance, raw=False, **kwargs):
    maintain.refresh(_report_key(instance), fixture=raw)


def _refresh_submission(instance, raw=False, **kwargs):
    from reports.models import ReportEvent

    if instance.action == ReportEvent.Action.SUBMIT:
        maintain.refresh(_report_key(instance), fixture=raw)


def _donation_key(reversal):
    donation = reversal._state.fields_cache.get("donation")
    if donation is not None:
        return [(donation.ward_id, donation.received_on)]
    from campaigns.models import Donation

    return list(
        Donation.objects.filter(pk=reversal.donation_id).values_list("ward_id", "received_on")
    )


def _refresh_reversed_donation(instance, raw=False, **kwargs):
    maintain.refresh(_donation_key(instance), fixture=raw)


def _remember_ward(instance, **kwargs):
    old = type(instance)._default_manager.filter(pk=instance.pk).values_list("ward_id", flat=True)
    setattr(instance, OLD_KEYS, list(old) if instance.pk else [])


def _refresh_membership(instance, raw=False, **kwargs):
    wards = [instance.ward_id, *getattr(instance, OLD_KEYS, [])]
    maintain.refresh_memberships(wards, fixture=raw)


def _remember_activity(instance, **kwargs):
    old = type(instance)._default_manager.filter(pk=instance.pk).values_list("is_active", flat=True)
    setattr(instance, OLD_KEYS, list(old) if instance.pk else [])


def _refresh_organisation(instance, created=False, **kwargs):
    """Switching an organisation on or off changes every ward's totals that count it."""
    if created or getattr(instance, OLD_KEYS, [instance.is_active]) == [instance.is_active]:
        return
    wards = instance.memberships.order_by().values_list("ward_id", flat=True).distinct()
    maintain.refresh_memberships(list(wards))


def _remember_code(instance, **kwargs):
    old = type(instance)._default_manager.filter(pk=instance.pk).values_list("code", flat=True)
    setattr(instance, OLD_KEYS, list(old) if instance.pk else [])


def _refresh_sessions_indicator(instance, **kwargs):
    """Renaming the sessions indicator (or giving its code to another) moves every figure."""
    codes = {instance.code, *getattr(instance, OLD_KEYS, [])}
    if maintain.SESSIONS_CODE in codes and len(codes) > 1:
        maintain.rebuild()


def connect():
    """Called from ReportsConfig.ready()."""
    from campaigns.models import Disbursement, Donation, DonationReversal, House
    from reports.models import Indicator, IndicatorValue, MonthlyReport, ReportEvent
    from wards.models import MassOrganisation, Membership

    def one(field):
        def keys_of(values):
            return [(values["ward_id"], values[field])]

        return keys_of

    _keyed(Donation, ["ward_id", "received_on"], one("received_on"))
    _keyed(Disbursement, ["ward_id", "paid_on"], one("paid_on"))
    _keyed(House, ["ward_id", "handed_over_on"], one("handed_over_on"))
    _keyed(MonthlyReport, ["ward_id", "period"], one("period"))

    receivers = [
        (DonationReversal, post_save, _refresh_reversed_donation),
        (DonationReversal, post_delete, _refresh_reversed_donation),
        (IndicatorValue, post_save, _refresh_report_month),
        (IndicatorValue, post_delete, _refresh_report_month),
        (ReportEvent, post_save, _refresh_submission),
        (ReportEvent, post_delete, _refresh_submission),
        (Membership, pre_save, _remember_ward),
        (Membership, post_save, _refresh_membership),
        (Membership, post_delete, _refresh_membership),
        (MassOrganisation, pre_save, _remember_activity),
        (MassOrganisation, post_save, _refresh_organisation),
        (Indicator, pre_save, _remember_code),
        (Indicator, post_save, _refresh_sessions_indicator),
    ]
    for sender, signal, receiver in receivers:
        signal.connect(
            receiver,
            sender=sender,
            weak=False,
            dispatch_uid=f"summary-{sender._meta.label}-{receiver.__name__}",
        )
