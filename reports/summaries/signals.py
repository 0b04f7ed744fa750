"""Model signals that refresh the summary rows inside the writer's own transaction.

A monthly report's and a value's writes also refresh the indicator summaries (indicators.py),
first; a commune moved to another province rebuilds its rows there.

Signals rather than calls from each service: campaigns and wards may not import reports, and
the admin, the Excel and bank imports and the tests' factories all save through the models.
A save that moves a row to another month (a house's handover date, say) refreshes the month it
left as well; the old key is read just before the save.

Bulk writes send no signals (bulk_create, QuerySet.update, COPY): follow them with
`maintain.rebuild(ward_ids=...)`. The monthly report service writes values in bulk and then
saves the report itself, which refreshes its month.
"""

from django.db.models.signals import post_delete, post_save, pre_save

from reports.summaries import indicators, maintain

OLD_KEYS = "_summary_old_keys"
OLD_PROVINCE = "_summary_old_province"
# Set on a report by a writer that knows whether a value row of its month lost its figure
# (reports.services.report_save, which writes the values in bulk): False spares the refresh
# its deletes. Without it a report's save is taken to have removed some.
VALUES_REMOVED = "_summary_values_removed"


def _refresh_with_indicators(keys, fixture=False, removed=True):
    """A report's months: the indicator summaries first (they lock the wards), then WardMonth,
    the transaction's deferred foreign-key checks run once for both."""
    keys = list(keys)
    indicators.refresh(keys, fixture=fixture, removed=removed)
    maintain.refresh(keys, fixture=fixture, checked=True)


def _refresh_saved_report(instance, keys, moved, fixture):
    removed = moved or getattr(instance, VALUES_REMOVED, True)
    _refresh_with_indicators(keys, fixture=fixture, removed=removed)


def _keyed(sender, key_fields, keys_of, refresh=maintain.refresh, refresh_saved=None):
    """Refresh the ward-months `keys_of(values)` of rows of `sender`, before and after
    (`refresh_saved(instance, keys, moved, fixture)` after a save, if given)."""
    names = {*key_fields, *(name.removesuffix("_id") for name in key_fields)}

    def remember_old_keys(instance, update_fields=None, **kwargs):
        setattr(instance, OLD_KEYS, [])
        if instance.pk is None or (update_fields and not names & set(update_fields)):
            return
        old = sender._default_manager.filter(pk=instance.pk).values(*key_fields).first()
        if old:
            setattr(instance, OLD_KEYS, keys_of(old))

    def refresh_after_save(instance, raw=False, **kwargs):
        new = keys_of({name: getattr(instance, name) for name in key_fields})
        old = getattr(instance, OLD_KEYS, [])
        if refresh_saved is None:
            refresh([*new, *old], fixture=raw)
        else:
            refresh_saved(instance, [*new, *old], moved=bool(set(old) - set(new)), fixture=raw)

    def refresh_after_delete(instance, **kwargs):
        refresh(keys_of({name: getattr(instance, name) for name in key_fields}))

    uid = f"summary-{sender._meta.label}"
    pre_save.connect(remember_old_keys, sender=sender, weak=False, dispatch_uid=uid)
    post_save.connect(refresh_after_save, sender=sender, weak=False, dispatch_uid=uid)
    post_delete.connect(refresh_after_delete, sender=sender, weak=False, dispatch_uid=uid)


def _parent_key(instance, relation, day_field):
    """(ward id, day) of the record `instance` hangs on (a value's or an event's report, a
    reversal's donation); [] once that record is gone (its own deletion refreshes the day)."""
    parent = instance._state.fields_cache.get(relation)
    if parent is not None:
        return [(parent.ward_id, getattr(parent, day_field))]
    model = instance._meta.get_field(relation).related_model
    return list(
        model.objects.filter(pk=getattr(instance, f"{relation}_id")).values_list(
            "ward_id", day_field
        )
    )


def _report_key(instance):
    return _parent_key(instance, "report", "period")


def _refresh_saved_value(instance, raw=False, **kwargs):
    # A value saved with a figure removes none (the month's other rows are as refreshed).
    _refresh_with_indicators(_report_key(instance), fixture=raw, removed=instance.value is None)


def _refresh_deleted_value(instance, **kwargs):
    _refresh_with_indicators(_report_key(instance))


def _refresh_submission(instance, raw=False, **kwargs):
    from reports.models import ReportEvent

    if instance.action == ReportEvent.Action.SUBMIT:
        maintain.refresh(_report_key(instance), fixture=raw)


def _refresh_reversed_donation(instance, raw=False, **kwargs):
    maintain.refresh(_parent_key(instance, "donation", "received_on"), fixture=raw)


def _remember(field):
    """A pre_save receiver that keeps the row's `field` as it was before the save (the
    receiver's name, part of its dispatch uid, names the field)."""

    def remember(instance, **kwargs):
        old = type(instance)._default_manager.filter(pk=instance.pk).values_list(field, flat=True)
        setattr(instance, OLD_KEYS, list(old) if instance.pk else [])

    remember.__name__ = f"remember_{field}"
    return remember


def _refresh_membership(instance, raw=False, **kwargs):
    wards = [instance.ward_id, *getattr(instance, OLD_KEYS, [])]
    maintain.refresh_memberships(wards, fixture=raw)


def _refresh_organisation(instance, created=False, **kwargs):
    """Switching an organisation on or off changes every ward's totals that count it."""
    if created or getattr(instance, OLD_KEYS, [instance.is_active]) == [instance.is_active]:
        return
    wards = instance.memberships.order_by().values_list("ward_id", flat=True).distinct()
    maintain.refresh_memberships(list(wards))


def _refresh_sessions_indicator(instance, **kwargs):
    """Renaming the sessions indicator (or giving its code to another) moves every figure."""
    codes = {instance.code, *getattr(instance, OLD_KEYS, [])}
    if maintain.SESSIONS_CODE in codes and len(codes) > 1:
        maintain.rebuild()


def _remember_province(instance, **kwargs):
    old = type(instance)._default_manager.filter(pk=instance.pk).values_list("province_id")
    setattr(instance, OLD_PROVINCE, old.first() if instance.pk else None)


def _refresh_moved_ward(instance, created=False, raw=False, **kwargs):
    """A commune moved to another province moves its figures in the indicator summaries."""
    old = getattr(instance, OLD_PROVINCE, None)
    if not created and not raw and old is not None and old[0] != instance.province_id:
        indicators.rebuild(ward_ids=[instance.pk])


def connect():
    """Called from ReportsConfig.ready()."""
    from campaigns.models import Disbursement, Donation, DonationReversal, House
    from reports.models import Indicator, IndicatorValue, MonthlyReport, ReportEvent
    from wards.models import MassOrganisation, Membership, Ward

    def one(field):
        def keys_of(values):
            return [(values["ward_id"], values[field])]

        return keys_of

    _keyed(Donation, ["ward_id", "received_on"], one("received_on"))
    _keyed(Disbursement, ["ward_id", "paid_on"], one("paid_on"))
    _keyed(House, ["ward_id", "handed_over_on"], one("handed_over_on"))
    _keyed(
        MonthlyReport,
        ["ward_id", "period"],
        one("period"),
        _refresh_with_indicators,
        refresh_saved=_refresh_saved_report,
    )

    receivers = [
        (DonationReversal, post_save, _refresh_reversed_donation),
        (DonationReversal, post_delete, _refresh_reversed_donation),
        (IndicatorValue, post_save, _refresh_saved_value),
        (IndicatorValue, post_delete, _refresh_deleted_value),
        (ReportEvent, post_save, _refresh_submission),
        (ReportEvent, post_delete, _refresh_submission),
        (Membership, pre_save, _remember("ward_id")),
        (Membership, post_save, _refresh_membership),
        (Membership, post_delete, _refresh_membership),
        (MassOrganisation, pre_save, _remember("is_active")),
        (MassOrganisation, post_save, _refresh_organisation),
        (Indicator, pre_save, _remember("code")),
        (Indicator, post_save, _refresh_sessions_indicator),
        (Ward, pre_save, _remember_province),
        (Ward, post_save, _refresh_moved_ward),
    ]
    for sender, signal, receiver in receivers:
        signal.connect(
            receiver,
            sender=sender,
            weak=False,
            dispatch_uid=f"summary-{sender._meta.label}-{receiver.__name__}",
        )
