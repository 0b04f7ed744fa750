"""Load the official 2025 administrative map (34 provinces, 3,321 communes), idempotently."""

import unicodedata

from django.core.management.base import BaseCommand
from django.db import transaction
from vietnam_provinces import Province as OfficialProvince
from vietnam_provinces import VietNamDivisionType
from vietnam_provinces import Ward as OfficialWard

from wards.models import Province, Ward

PROVINCE_KINDS = {
    VietNamDivisionType.TINH: Province.Kind.PROVINCE,
    VietNamDivisionType.THANH_PHO_TRUNG_UONG: Province.Kind.CITY,
}
WARD_KINDS = {
    VietNamDivisionType.PHUONG: Ward.Kind.WARD,
    VietNamDivisionType.XA: Ward.Kind.COMMUNE,
    VietNamDivisionType.DAC_KHU: Ward.Kind.SPECIAL_ZONE,
}


def province_name(official) -> str:
    """Provinces read "Tỉnh An Giang" like cities read "Thành phố Huế" (the package omits it)."""
    if official.division_type == VietNamDivisionType.TINH and not official.name.startswith("Tỉnh"):
        return f"Tỉnh {official.name}"
    return official.name


# Old and new placement of the tone mark ("Hoà" / "Hòa", "Thuỷ" / "Thủy") name the same place.
TONE_PAIRS = (
    ("oà", "òa"), ("oá", "óa"), ("oả", "ỏa"), ("oã", "õa"), ("oạ", "ọa"),
    ("oè", "òe"), ("oé", "óe"), ("oẻ", "ỏe"), ("oẽ", "õe"), ("oẹ", "ọe"),
    ("uỳ", "ùy"), ("uý", "úy"), ("uỷ", "ủy"), ("uỹ", "ũy"), ("uỵ", "ụy"),
)  # fmt: skip


def comparable_name(name: str) -> str:
    """A commune's name for matching across spellings: case, spaces and tone placement aside."""
    text = " ".join(unicodedata.normalize("NFC", name).casefold().split())
    for old, new in TONE_PAIRS:
        text = text.replace(old, new)
    return text


def province_code(value) -> str:
    return f"{int(value):02d}"


def ward_code(value) -> str:
    return f"{int(value):05d}"


class Command(BaseCommand):
    help = "Nạp danh mục tỉnh, thành phố và phường, xã chính thức (bản đồ hành chính 2025)."

    @transaction.atomic
    def handle(self, *args, **options):
        province_stats = self._sync(
            Province,
            {
                province_code(p.code): {
                    "name": province_name(p),
                    "kind": PROVINCE_KINDS[p.division_type],
                }
                for p in OfficialProvince.iter_all()
            },
        )
        provinces = {p.code: p.pk for p in Province.objects.all()}
        official_wards = {
            ward_code(w.code): {
                "name": w.name,
                "kind": WARD_KINDS[w.division_type],
                "province_id": provinces[province_code(w.province_code)],
            }
            for w in OfficialWard.iter_all()
        }
        recoded = self._recode(official_wards)
        ward_stats = self._sync(Ward, official_wards)
        self._report("tỉnh, thành phố", province_stats)
        self._report("phường, xã", ward_stats)
        if recoded:
            self.stdout.write(
                f"phường, xã: đổi mã {recoded} theo danh mục mới (giữ nguyên số liệu đã nhập)."
            )

    def _recode(self, official) -> int:
        """Move communes whose official code changed to their new code, matched by name within
        their province (spelling aside), so that their data stays with them: the package's
        2026 data corrected about 120 codes of 2025 (some swapped between neighbours)."""
        existing = list(Ward.objects.all())
        by_name = {}
        for ward in existing:
            by_name.setdefault((comparable_name(ward.name), ward.province_id), []).append(ward)
        moves = {}
        for code, values in official.items():
            found = by_name.get((comparable_name(values["name"]), values["province_id"]), [])
            if len(found) == 1 and found[0].code != code:
                moves[found[0].pk] = code
        holders = {ward.code: ward.pk for ward in existing}
        # A code still held by a commune that does not move elsewhere cannot be taken.
        moves = {
            pk: code
            for pk, code in moves.items()
            if holders.get(code) is None or holders[code] in moves
        }
        moving = [ward for ward in existing if ward.pk in moves]
        for ward in moving:  # first out of the way (codes are unique), then to their place
            ward.code = f"~{ward.pk}"
        Ward.objects.bulk_update(moving, ["code"], batch_size=1000)
        for ward in moving:
            ward.code = moves[ward.pk]
        Ward.objects.bulk_update(moving, ["code"], batch_size=1000)
        return len(moving)

    def _sync(self, model, official):
        """Create missing units and update changed ones; returns (created, updated, unchanged)."""
        fields = list(next(iter(official.values())))
        existing = {obj.code: obj for obj in model.objects.all()}
        to_create, to_update = [], []
        for code, values in official.items():
            obj = existing.get(code)
            if obj is None:
                to_create.append(model(code=code, **values))
            elif any(getattr(obj, f) != v for f, v in values.items()):
                for f, v in values.items():
                    setattr(obj, f, v)
                to_update.append(obj)
        model.objects.bulk_create(to_create, batch_size=1000)
        model.objects.bulk_update(to_update, fields, batch_size=1000)
        return len(to_create), len(to_update), len(official) - len(to_create) - len(to_update)

    def _report(self, label, stats):
        created, updated, unchanged = stats
        if created or updated:
            self.stdout.write(
                f"{label}: thêm mới {created}, cập nhật {updated}, giữ nguyên {unchanged}."
            )
        else:
            self.stdout.write(f"{label}: đã đầy đủ ({unchanged}), không có thay đổi.")
