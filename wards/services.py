"""Writes to the wards directory: one function per action, each in one transaction."""

from django.db import IntegrityError, transaction

from wards.models import Membership, ResidentialArea


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


@transaction.atomic
def membership_save(*, ward, membership=None, **fields) -> Membership:
    return save_ward_record(membership or Membership(ward=ward), ward=ward, fields=fields)


@transaction.atomic
def membership_delete(*, membership) -> None:
    membership.delete()
