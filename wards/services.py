"""Writes to the wards directory: one function per action, each in one transaction."""

from django.db import transaction

from .models import Membership, ResidentialArea


@transaction.atomic
def residential_area_save(*, ward, area=None, **fields) -> ResidentialArea:
    area = area or ResidentialArea(ward=ward)
    if area.ward_id != ward.pk:
        raise ValueError("The residential area belongs to another ward.")
    for name, value in fields.items():
        setattr(area, name, value)
    area.full_clean()
    area.save()
    return area


@transaction.atomic
def residential_area_delete(*, area) -> None:
    area.delete()


@transaction.atomic
def membership_save(*, ward, membership=None, **fields) -> Membership:
    membership = membership or Membership(ward=ward)
    if membership.ward_id != ward.pk:
        raise ValueError("The membership record belongs to another ward.")
    for name, value in fields.items():
        setattr(membership, name, value)
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_delete(*, membership) -> None:
    membership.delete()
