from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from core.fields import PortalModelForm
from wards.models import MassOrganisation, Membership, ResidentialArea


class _CrispyModelForm(PortalModelForm):
    submit_label = "Lưu"

    def __init__(self, *args, ward, **kwargs):
        super().__init__(*args, **kwargs)
        self.ward = ward
        self.instance.ward = ward
        self.helper = FormHelper()
        # The portal's Vietnamese messages, not the browser's own, explain a refusal.
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", self.submit_label))


class ResidentialAreaForm(_CrispyModelForm):
    class Meta:
        model = ResidentialArea
        fields = ["kind", "name", "households", "population"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "— Chọn loại —"), *ResidentialArea.Kind.choices]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        # Compared in Python: SQLite folds only ASCII case, and "Đ"/"đ" must match too.
        others = ResidentialArea.objects.filter(ward=self.ward).exclude(pk=self.instance.pk)
        if name.casefold() in {n.casefold() for n in others.values_list("name", flat=True)}:
            raise forms.ValidationError("Phường, xã đã có khu dân cư mang tên này.")
        return name


class MembershipForm(_CrispyModelForm):
    class Meta:
        model = Membership
        fields = ["organisation", "as_of", "members", "eligible"]
        help_texts = {
            "as_of": "Nhập theo dạng ngày/tháng/năm, ví dụ 31/12/2025.",
            "eligible": "Số người trong độ tuổi, đối tượng mà tổ chức có thể tập hợp.",
        }

    def __init__(self, *args, only=None, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = MassOrganisation.objects.filter(is_active=True)
        if only is not None:
            # An organisation officer: its own organisation, nothing else to choose.
            organisations = organisations.filter(pk=only.pk)
            self.fields["organisation"].initial = only.pk
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = "— Chọn tổ chức —"
        self.fields["as_of"].widget.attrs["placeholder"] = "dd/mm/yyyy"
        self.fields["eligible"].min_value = 1

    def clean(self):
        cleaned = super().clean()
        members, eligible = cleaned.get("members"), cleaned.get("eligible")
        if members is not None and eligible and members > eligible:
            self.add_error(
                "members", "Số đoàn viên, hội viên không được lớn hơn số người trong diện tập hợp."
            )
        organisation, as_of = cleaned.get("organisation"), cleaned.get("as_of")
        if organisation and as_of:
            same_day = Membership.objects.filter(
                ward=self.ward, organisation=organisation, as_of=as_of
            ).exclude(pk=self.instance.pk)
            if same_day.exists():
                self.add_error(
                    "as_of", "Đã có số liệu của tổ chức này tại ngày này; hãy sửa bản ghi đó."
                )
        return cleaned
