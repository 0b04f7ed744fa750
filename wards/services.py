"""Writes to the wards directory: one function per action, each in one transaction."""

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from wards.models import LEGACY_CODE_SUFFIX, Membership, ResidentialArea, Ward, WardSuccession
from wards.selectors import can_edit_organisation

logger = logging.getLogger(__name__)


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


# --- Communes abolished by the 2025 rearrangement ------------------------------------------


def rollup_successor(old_code: int, new_codes: list[int]) -> int:
    """The one new commune an old commune's figures roll up into: the new commune that kept
    the old commune's code if there is one (it carries the old commune on), else the first
    the official table lists. Every other successor still links to it, without its figures."""
    return old_code if old_code in new_codes else new_codes[0]


@transaction.atomic
def former_communes_load(*, province_codes=None) -> tuple[int, int, int]:
    """Load the communes abolished on 1 July 2025 from the official old → new conversion table
    (package vietnam-provinces): one abolished `Ward` each, attached to the province of the
    commune its figures roll up into, and a `WardSuccession` per new commune that replaced
    it. `province_codes` (2025 codes, "91") limits it to those provinces; the current map
    (load_divisions) must be loaded first. Idempotent; returns (created, updated, unchanged)
    communes."""
    from vietnam_provinces._ward_conversion_2025 import EFFECTIVE_DATE, OLD_TO_NEW
    from vietnam_provinces.legacy import District as OldDistrict
    from vietnam_provinces.legacy import Province as OldProvince
    from vietnam_provinces.legacy import VietNamDivisionType
    from vietnam_provinces.legacy import Ward as OldWard

    abolished_on = datetime.date.fromisoformat(EFFECTIVE_DATE)
    kinds = {
        VietNamDivisionType.PHUONG: Ward.Kind.WARD,
        VietNamDivisionType.XA: Ward.Kind.COMMUNE,
        VietNamDivisionType.THI_TRAN: Ward.Kind.TOWNSHIP,
    }
    wanted = {f"{int(code):02d}" for code in province_codes} if province_codes else None
    current = {
        ward.code: ward
        for ward in Ward.objects.select_related("province").filter(
            **({"province__code__in": wanted} if wanted else {})
        )
    }
    plan = {}  # legacy code → (fields, [(successor, is_partly_merged, rolls_up)])
    for old_code, entry in OLD_TO_NEW.items():
        new_codes = [int(new.code) for new in entry.new_wards]
        main = rollup_successor(int(old_code), new_codes)
        main_ward = current.get(f"{main:05d}")
        if main_ward is None:  # another province's, or the current map is not loaded
            continue
        try:
            old = OldWard.from_code(old_code)
        except ValueError:
            # The conversion table names a few old codes (ten, in province 14) that the
            # package's own list of old communes lacks: without a name there is nothing to
            # show, and no figures of theirs exist to roll up.
            logger.warning("Former commune %s is not in the legacy list; skipped", old_code)
            continue
        district = OldDistrict.from_code(old.district_code)
        province = OldProvince.from_code(entry.old_ward.province_code)
        fields = {
            "name": old.name,
            "kind": kinds[old.division_type],
            "province_id": main_ward.province_id,
            "abolished_on": abolished_on,
            "former_location": f"{district.name}, {province.name}",
        }
        links = [
            (
                current[f"{code:05d}"],
                entry.old_ward.is_partly_merged,
                code == main,
            )
            for code in new_codes
            if f"{code:05d}" in current
        ]
        plan[f"{int(old_code):05d}{LEGACY_CODE_SUFFIX}"] = (fields, links)

    existing = {w.code: w for w in Ward.all_units.filter(code__in=list(plan))}
    to_create, to_update = [], []
    for code, (fields, _links) in plan.items():
        ward = existing.get(code)
        if ward is None:
            to_create.append(Ward(code=code, **fields))
        elif any(getattr(ward, f) != v for f, v in fields.items()):
            for f, v in fields.items():
                setattr(ward, f, v)
            to_update.append(ward)
    Ward.all_units.bulk_create(to_create, batch_size=1000)
    if to_update:
        Ward.all_units.bulk_update(to_update, list(next(iter(plan.values()))[0]), batch_size=1000)
    ids = dict(Ward.all_units.filter(code__in=list(plan)).values_list("code", "pk"))
    links = {
        (ids[code], successor.pk): (partly, rolls_up)
        for code, (_fields, successors) in plan.items()
        for successor, partly, rolls_up in successors
    }
    known = {
        (s.predecessor_id, s.successor_id): s
        for s in WardSuccession.objects.filter(predecessor_id__in=ids.values())
    }
    changed = [
        s
        for key, s in known.items()
        if key in links and (s.is_partly_merged, s.rolls_up) != links[key]
    ]
    for s in changed:
        s.is_partly_merged, s.rolls_up = links[(s.predecessor_id, s.successor_id)]
    # Clear the roll-up flags first so the one-successor constraint holds while they move.
    WardSuccession.objects.filter(pk__in=[s.pk for s in changed]).update(rolls_up=False)
    WardSuccession.objects.bulk_update(changed, ["is_partly_merged", "rolls_up"])
    WardSuccession.objects.bulk_create(
        [
            WardSuccession(
                predecessor_id=old, successor_id=new, is_partly_merged=partly, rolls_up=up
            )
            for (old, new), (partly, up) in links.items()
            if (old, new) not in known
        ],
        batch_size=1000,
    )
    return len(to_create), len(to_update), len(plan) - len(to_create) - len(to_update)
