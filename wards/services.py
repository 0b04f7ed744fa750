"""Writes to the wards directory: one function per action, each in one transaction."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from wards.models import Membership, ResidentialArea
from wards.selectors import can_edit_organisation


def save_ward_record(instance, *, ward, fields, check=None):
    """Set fields on a record that belongs to `ward`, validate it and save it.

    Shared by every "a ward's own row" service (areas, memberships, households, houses);
    `check(instance)` adds the caller's own rules before the model's validation.
    """
    if instance.ward_id != ward.pk:
        raise ValueError(f"The {instance._meta.model_name} belongs to another ward.")
    for name, value in fields.items():
        setattr(instance, name, value)
    if check:
        check(instance)
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        # Someone saved a clashing row between the check and the write (two tabs): the
        # constraint, checked again, says which in Vietnamese (ValidationError).
        instance.validate_constraints()
        raise
    return instance


@transaction.atomic
def residential_area_save(*, ward, area=None, **fields) -> ResidentialArea:
    return save_ward_record(area or ResidentialArea(ward=ward), ward=ward, fields=fields)


@transaction.atomic
def residential_area_delete(*, area) -> None:
    area.delete()


OTHER_ORGANISATION = "Bạn chỉ được nhập, sửa số liệu tập hợp của tổ chức thành viên mình phụ trách."


def _check_organisation(user, ward, *organisation_ids):
    """An organisation officer changes only its own organisation's memberships (`user` None:
    a caller that checked already, e.g. the demo or an import)."""
    if user is not None and not all(
        can_edit_organisation(user, ward, organisation_id) for organisation_id in organisation_ids
    ):
        raise ValidationError(OTHER_ORGANISATION)


@transaction.atomic
def membership_save(*, ward, membership=None, user=None, **fields) -> Membership:
    organisation = fields.get("organisation")
    before = [membership.organisation_id] if membership is not None else []
    after = [organisation.pk] if organisation is not None else []
    _check_organisation(user, ward, *before, *after)
    return save_ward_record(membership or Membership(ward=ward), ward=ward, fields=fields)


@transaction.atomic
def membership_delete(*, membership, user=None) -> None:
    _check_organisation(user, membership.ward, membership.organisation_id)
    membership.delete()
