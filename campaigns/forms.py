from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings

from wards.fields import DateField, DecimalNumberField, PortalModelForm, ReasonField
from wards.numbers import WholeNumberField
from wards.uploads import PhotoField, megabytes

from .models import Campaign, Disbursement, Donation, GovernmentSupport, House, Household

DATE_HELP = "Ngày/tháng/năm, ví dụ 05/03/2026."


def _money(label, *, required=True, positive=False):
    field = WholeNumberField(
        label=label,
        required=required,
        min_value=1 if positive else 0,
        error_messages={"min_value": "Số tiền phải lớn hơn 0."},
    )
    field.widget.attrs.update({"class": "text-end", "placeholder": "ví dụ 1.000.000"})
    return field


class _CrispyForm:
    submit_label = "Lưu"

    def _add_helper(self):
        self.helper = FormHelper()
        # The portal's Vietnamese messages, not the browser's own, explain a refusal.
        self.helper.attrs = {"novalidate": ""}
        self.helper.add_input(Submit("submit", self.submit_label))
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget.attrs.setdefault("placeholder", "dd/mm/yyyy")
                field.help_text = field.help_text or DATE_HELP
            if isinstance(field, forms.TypedChoiceField | forms.ChoiceField) and field.choices:
                choices = list(field.choices)
                if choices and choices[0][0] == "":
                    field.choices = [("", "— Chọn —"), *choices[1:]]


class CampaignForm(_CrispyForm, PortalModelForm):
    target_amount = _money("Chỉ tiêu vận động (đồng)", required=False)

    class Meta:
        model = Campaign
        fields = [
            "name",
            "kind",
            "fund",
            "starts_on",
            "ends_on",
            "target_amount",
            "target_count",
            "target_unit",
            "status",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_helper()

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "Ngày kết thúc phải sau ngày bắt đầu.")
        return cleaned


class DonationForm(_CrispyForm, forms.Form):
    submit_label = "Ghi nhận và cấp biên nhận"

    received_on = DateField(label="Ngày nhận")
    donor_kind = forms.ChoiceField(label="Người ủng hộ là", choices=Donation.DonorKind.choices)
    donor_name = forms.CharField(label="Tên người, đơn vị ủng hộ", max_length=255, required=False)
    donor_address = forms.CharField(label="Địa chỉ", max_length=255, required=False)
    publish_name = forms.BooleanField(
        label="Đồng ý công khai tên trên trang công khai", required=False, initial=True
    )
    form = forms.ChoiceField(label="Hình thức", choices=Donation.Form.choices)
    channel = forms.ChoiceField(label="Kênh nhận", choices=Donation.Channel.choices)
    bank_reference = forms.CharField(label="Mã giao dịch ngân hàng", max_length=100, required=False)
    amount = _money("Số tiền, hoặc giá trị quy đổi của hiện vật (đồng)")
    in_kind_description = forms.CharField(label="Hiện vật", max_length=255, required=False)
    in_kind_quantity = DecimalNumberField(
        label="Số lượng", required=False, min_value=0, max_digits=14, decimal_places=2
    )
    in_kind_unit = forms.CharField(label="Đơn vị tính", max_length=30, required=False)
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_helper()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("amount") == 0:
            self.add_error("amount", "Số tiền phải lớn hơn 0.")
        kind = cleaned.get("donor_kind")
        if kind and kind != Donation.DonorKind.ANONYMOUS and not cleaned.get("donor_name"):
            self.add_error("donor_name", "Ghi tên, hoặc chọn “Nhà hảo tâm (ẩn danh)”.")
        if cleaned.get("form") == Donation.Form.IN_KIND and not cleaned.get("in_kind_description"):
            self.add_error("in_kind_description", "Ghi rõ hiện vật (ví dụ: 13 thiên gạch).")
        if cleaned.get("channel") == Donation.Channel.BANK and not cleaned.get("bank_reference"):
            self.add_error("bank_reference", "Chuyển khoản cần có mã giao dịch.")
        return cleaned


class ReversalForm(forms.Form):
    reason = ReasonField(
        label="Lý do điều chỉnh",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"required": "Ghi rõ lý do điều chỉnh."},
    )


class DisbursementForm(_CrispyForm, forms.Form):
    submit_label = "Ghi khoản chi"

    paid_on = DateField(label="Ngày chi")
    household = forms.ModelChoiceField(
        label="Hộ nhận",
        queryset=Household.objects.none(),
        required=False,
        empty_label="— Không chi cho hộ cụ thể —",
    )
    purpose = forms.ChoiceField(label="Mục đích", choices=Disbursement.Purpose.choices)
    description = forms.CharField(label="Nội dung chi", max_length=255, required=False)
    amount = _money("Số tiền (đồng)")
    decision_reference = forms.CharField(label="Số quyết định", max_length=100)

    def __init__(self, *args, ward, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = Household.objects.filter(ward=ward)
        self._add_helper()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("amount") == 0:
            self.add_error("amount", "Số tiền phải lớn hơn 0.")
        if not cleaned.get("household") and not cleaned.get("description"):
            self.add_error("description", "Chọn hộ nhận hoặc ghi rõ nội dung chi.")
        return cleaned


class HouseholdForm(_CrispyForm, PortalModelForm):
    class Meta:
        model = Household
        fields = ["head_name", "id_number", "area", "category", "certificate_year", "members"]

    def __init__(self, *args, ward, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.ward = ward
        self.fields["area"].queryset = ward.residential_areas.all()
        self.fields["id_number"].help_text = "12 chữ số; chỉ cán bộ phường, xã này xem được."
        self._add_helper()

    def clean_id_number(self):
        value = self.cleaned_data["id_number"].strip()
        if value and (not value.isdigit() or len(value) != 12):
            raise forms.ValidationError("Số CCCD gồm đúng 12 chữ số.")
        return value


class HouseForm(_CrispyForm, PortalModelForm):
    estimated_cost = _money("Dự toán (đồng)", required=False)
    final_cost = _money("Quyết toán (đồng)", required=False)
    from_fund = _money("Từ Quỹ (đồng)", required=False)
    from_social = _money("Xã hội hóa (đồng)", required=False)
    from_household = _money("Hộ gia đình tự có (đồng)", required=False)
    from_other = _money("Nguồn khác (đồng)", required=False)

    class Meta:
        model = House
        fields = [
            "household",
            "campaign",
            "kind",
            "estimated_cost",
            "final_cost",
            "from_fund",
            "from_social",
            "from_household",
            "from_other",
            "surveyed_on",
            "started_on",
            "completed_on",
            "handed_over_on",
        ]

    def __init__(self, *args, ward, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.ward = ward
        self.fields["household"].queryset = Household.objects.filter(ward=ward)
        self.fields["campaign"].queryset = campaigns.filter(kind=Campaign.Kind.HOUSING)
        self._add_helper()

    def clean(self):
        cleaned = super().clean()
        for name in ("from_fund", "from_social", "from_household", "from_other"):
            if cleaned.get(name) is None:
                cleaned[name] = 0
        return cleaned


class PhotoForm(forms.Form):
    # Checked by content and re-encoded as JPEG (wards/uploads.py).
    image = PhotoField(
        label="Ảnh công trình",
        error_messages={"required": "Hãy chọn ảnh để tải lên.", "empty": "Tệp ảnh trống."},
    )
    caption = forms.CharField(label="Chú thích", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = megabytes(settings.UPLOAD_MAX_PHOTO_BYTES)
        self.fields["image"].label = f"Ảnh công trình (JPG, PNG, WebP; tối đa {limit} MB)"


class GovernmentSupportForm(_CrispyForm, PortalModelForm):
    amount = _money("Số tiền (đồng)", positive=True)

    class Meta:
        model = GovernmentSupport
        fields = ["programme", "household", "amount", "paid_on", "note"]

    def __init__(self, *args, ward, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.ward = ward
        self.fields["household"].queryset = Household.objects.filter(ward=ward)
        self._add_helper()
