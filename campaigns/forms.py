from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from campaigns.form_html import DirectTextarea
from campaigns.models import Campaign, Disbursement, Donation, GovernmentSupport, House, Household
from campaigns.services import account_version
from core import banks, vietqr
from core.fields import DateField, DecimalNumberField, PortalModelForm, ReasonField
from core.numbers import WholeNumberField
from core.uploads import PhotoField, megabytes
from wards.models import MassOrganisation

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
        # The portal's Vietnamese messages, not the browser's own, explain a refusal; once
        # sent, the button says so and cannot be pressed again (static/js/busy-forms.js).
        self.helper.attrs = {"novalidate": "", "data-busy": ""}
        self.helper.add_input(Submit("submit", self.submit_label))
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget.attrs.setdefault("placeholder", "dd/mm/yyyy")
                field.help_text = field.help_text or DATE_HELP
            if isinstance(field, forms.TypedChoiceField | forms.ChoiceField) and field.choices:
                choices = list(field.choices)
                if choices and choices[0][0] == "":
                    field.choices = [("", "— Chọn —"), *choices[1:]]


ACCOUNT_FIELDS = ["bank_bin", "bank_account_number", "bank_account_name"]
ACCOUNT_LEGEND = "Tài khoản nhận chuyển khoản (VietQR)"
ACCOUNT_NAME_MAX = 50
ACCOUNT_NUMBER_LENGTHS = (6, 19)


class ReceivingAccountFields(forms.Form):
    """A fund's receiving account: bank, account number and the account's name as the bank
    holds it. All three or none (a fund without an account shows no VietQR)."""

    bank_bin = forms.ChoiceField(label="Ngân hàng", required=False)
    bank_account_number = forms.CharField(
        label="Số tài khoản",
        required=False,
        max_length=40,
        help_text="Chỉ gồm chữ số, từ 6 đến 19 số, như trên sổ tài khoản.",
    )
    bank_account_name = forms.CharField(
        label="Tên tài khoản",
        required=False,
        max_length=100,
        help_text="Như ngân hàng ghi, ví dụ UY BAN MTTQ PHUONG MY THOI (tự viết hoa, bỏ dấu).",
    )


def prepare_account_fields(form):
    """The bank select's choices (a BIN no longer listed stays selectable) and inputs."""
    field = form.fields["bank_bin"]
    current = form.initial.get("bank_bin") or getattr(form.instance, "bank_bin", "")
    choices = [("", "— Chưa có tài khoản —"), *banks.choices()]
    if current and current not in banks.BY_BIN:
        choices.append((current, f"Mã ngân hàng {current}"))
    field.choices = choices
    number = form.fields["bank_account_number"]
    number.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
    form.fields["bank_account_name"].widget.attrs.update({"autocapitalize": "characters"})


def clean_account(form, cleaned) -> dict:
    """Digits only, 6–19; the name upper-cased without diacritics, at most 50; all three or
    none. Errors go on their fields with what was typed kept."""
    number = "".join((cleaned.get("bank_account_number") or "").split())
    name = vietqr.plain_upper(cleaned.get("bank_account_name") or "")
    bank_bin = cleaned.get("bank_bin") or ""
    low, high = ACCOUNT_NUMBER_LENGTHS
    if number and not number.isdigit():
        form.add_error("bank_account_number", "Số tài khoản chỉ gồm chữ số (0–9).")
    elif number and not low <= len(number) <= high:
        form.add_error(
            "bank_account_number",
            f"Số tài khoản có từ {low} đến {high} chữ số (đã nhập {len(number)} số).",
        )
    if len(name) > ACCOUNT_NAME_MAX:
        form.add_error(
            "bank_account_name",
            f"Tên tài khoản tối đa {ACCOUNT_NAME_MAX} ký tự (đã nhập {len(name)}).",
        )
    elif name and not all(char.isalnum() or char in " .,-()&/" for char in name):
        form.add_error(
            "bank_account_name", "Tên tài khoản chỉ gồm chữ, chữ số, dấu cách và . , - ( ) & /."
        )
    given = {"bank_bin": bank_bin, "bank_account_number": number, "bank_account_name": name}
    if any(given.values()) and not all(given.values()):
        missing = {
            "bank_bin": "Chọn ngân hàng của tài khoản.",
            "bank_account_number": "Nhập số tài khoản.",
            "bank_account_name": "Nhập tên tài khoản như ngân hàng ghi.",
        }
        for name_, message in missing.items():
            if not given[name_] and name_ not in form.errors:
                form.add_error(
                    name_,
                    f"{message} Tài khoản nhận cần đủ ngân hàng, số và tên, hoặc để trống cả ba.",
                )
    for name_, value in given.items():
        if name_ not in form.errors:
            cleaned[name_] = value
    return cleaned


class CampaignForm(_CrispyForm, PortalModelForm):
    target_amount = _money("Chỉ tiêu vận động (đồng)", required=False)
    bank_bin = ReceivingAccountFields.base_fields["bank_bin"]
    bank_account_number = ReceivingAccountFields.base_fields["bank_account_number"]
    bank_account_name = ReceivingAccountFields.base_fields["bank_account_name"]

    class Meta:
        model = Campaign
        fields = [
            "name",
            "kind",
            "fund",
            "organisation",
            "starts_on",
            "ends_on",
            "target_amount",
            "target_count",
            "target_unit",
            "status",
            "description",
            *ACCOUNT_FIELDS,
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, only=None, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = MassOrganisation.objects.filter(is_active=True)
        field = self.fields["organisation"]
        if only is not None:
            # An organisation officer creates its own organisation's drives only.
            organisations = organisations.filter(pk=only.pk)
            field.required = True
            field.initial = only.pk
        field.queryset = organisations
        field.empty_label = "— Ủy ban MTTQ (không thuộc tổ chức nào) —"
        self._add_helper()
        prepare_account_fields(self)
        names = [name for name in self.fields if name not in ACCOUNT_FIELDS]
        self.helper.layout = Layout(*names, Fieldset(ACCOUNT_LEGEND, *ACCOUNT_FIELDS))

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "Ngày kết thúc phải sau ngày bắt đầu.")
        return clean_account(self, cleaned)


class ReceivingAccountForm(_CrispyForm, ReceivingAccountFields):
    """The receiving account of an existing fund, changed from the version the page showed
    (`shown`: a digest of the account then), so two officers never overwrite each other."""

    submit_label = "Lưu tài khoản"
    shown = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, campaign, **kwargs):
        initial = {name: getattr(campaign, name) for name in ACCOUNT_FIELDS}
        kwargs.setdefault("initial", {**initial, "shown": account_version(campaign)})
        super().__init__(*args, **kwargs)
        self.instance = campaign
        self._add_helper()
        prepare_account_fields(self)
        self.helper.layout = Layout(Fieldset(ACCOUNT_LEGEND, *ACCOUNT_FIELDS), "shown")

    def clean(self):
        return clean_account(self, super().clean())


class QuantityField(DecimalNumberField):
    """A quantity of goods as officers type it: "13", "2,5", "1.500" (dots group thousands, a
    comma starts the decimals, as in every number field of the portal); more than zero."""

    default_error_messages = {
        "invalid": "Nhập số lượng, ví dụ 13 hoặc 2,5 (dấu phẩy trước phần lẻ, dấu chấm ngăn cách "
        "hàng nghìn).",
        "max_decimal_places": "Số lượng có tối đa 2 chữ số lẻ.",
        "max_digits": "Số lượng quá lớn.",
        "max_whole_digits": "Số lượng quá lớn.",
        "not_positive": "Số lượng phải lớn hơn 0.",
    }

    def __init__(self, **kwargs):
        super().__init__(max_digits=14, decimal_places=2, **kwargs)
        self.widget.attrs.update({"class": "text-end", "maxlength": 30})

    def validate(self, value):
        super().validate(value)
        if value is not None and value <= 0:
            raise forms.ValidationError(self.error_messages["not_positive"], code="not_positive")


CASH_FIELDS = ["amount"]
GOODS_FIELDS = ["in_kind_description", "in_kind_quantity", "in_kind_unit", "in_kind_value"]


class _GiftForm(_CrispyForm):
    """Money or goods: the form asks for the fields of the chosen kind.

    `amount` is the cash; goods have quantity, unit, description and an optional money
    equivalent (`in_kind_value`, stored as the row's amount and never counted as cash). With
    JavaScript (static/js/gift-form.js) only the chosen kind's fields show; without it both do
    and a field of the other kind that was filled in is refused rather than dropped.
    """

    gift_toggle = True
    cash_legend = "Bằng tiền"
    goods_legend = "Bằng hiện vật"
    cash_name = "tiền"
    goods_name = "hiện vật"

    def _gift_fields(self):
        self.fields["in_kind_description"] = forms.CharField(
            label="Tên hiện vật", max_length=255, required=False
        )
        self.fields["in_kind_quantity"] = QuantityField(label="Số lượng")
        self.fields["in_kind_unit"] = forms.CharField(
            label="Đơn vị tính", max_length=30, required=False
        )
        self.fields["in_kind_value"] = _money(
            "Giá trị quy đổi (đồng, không bắt buộc)", required=False
        )
        self.fields[
            "in_kind_value"
        ].help_text = "Để trống nếu chưa quy đổi. Giá trị quy đổi không tính vào tiền mặt của quỹ."
        self.fields["in_kind_description"].widget.attrs["placeholder"] = "ví dụ: gạo, mì gói"
        self.fields["in_kind_unit"].widget.attrs["placeholder"] = "ví dụ: kg, thùng"

    def _gift_layout(self, before: list, after: list):
        self.helper.layout = Layout(
            *before,
            Fieldset(self.cash_legend, *CASH_FIELDS, data_gift_form="cash"),
            Fieldset(self.goods_legend, *GOODS_FIELDS, data_gift_form="in_kind"),
            *after,
        )

    def _clean_gift(self, cleaned):
        kind = cleaned.get("form")
        if kind == Donation.Form.CASH:
            if cleaned.get("amount") is None and "amount" not in self.errors:
                self.add_error("amount", "Nhập số tiền.")
            elif cleaned.get("amount") == 0:
                self.add_error("amount", "Số tiền phải lớn hơn 0.")
            for name in GOODS_FIELDS:
                if cleaned.get(name) not in (None, ""):
                    self.add_error(
                        name,
                        f"Khoản {self.cash_name} không ghi hiện vật; chọn hình thức "
                        f"“{dict(self.fields['form'].choices)[Donation.Form.IN_KIND]}” "
                        f"nếu là {self.goods_name}.",
                    )
        elif kind == Donation.Form.IN_KIND:
            if not cleaned.get("in_kind_description") and "in_kind_description" not in self.errors:
                self.add_error("in_kind_description", "Ghi tên hiện vật, ví dụ: gạo, gạch, mì gói.")
            if cleaned.get("in_kind_quantity") is None and "in_kind_quantity" not in self.errors:
                self.add_error("in_kind_quantity", "Nhập số lượng hiện vật.")
            if not cleaned.get("in_kind_unit") and "in_kind_unit" not in self.errors:
                self.add_error("in_kind_unit", "Ghi đơn vị tính, ví dụ: kg, thùng, bao.")
            if cleaned.get("in_kind_value") == 0:
                self.add_error(
                    "in_kind_value",
                    "Giá trị quy đổi phải lớn hơn 0, hoặc để trống nếu chưa quy đổi.",
                )
            if cleaned.get("amount") is not None:
                self.add_error(
                    "amount",
                    "Hiện vật không ghi số tiền: ghi giá trị quy đổi (nếu có) ở ô "
                    "“Giá trị quy đổi”.",
                )
        # What the services take: `amount` is the cash, or the goods' equivalent.
        value = cleaned.pop("in_kind_value", None)
        if kind == Donation.Form.IN_KIND:
            cleaned["amount"] = value
        else:
            for name in GOODS_FIELDS[:3]:
                cleaned.pop(name, None)
        return cleaned

    def add_service_error(self, error):
        """A refusal of the service: on its field where the form has one (the goods'
        equivalent is the form's in_kind_value), else above the form."""
        if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                if name == "amount" and self.data.get("form") == Donation.Form.IN_KIND:
                    name = "in_kind_value"
                self.add_error(name if name in self.fields else None, messages)
        else:
            self.add_error(None, error.messages if hasattr(error, "messages") else str(error))


class DonationForm(_GiftForm, forms.Form):
    submit_label = "Ghi nhận và cấp biên nhận"
    # The ward officer's most used form: its HTML is written by campaigns/form_html.py, the
    # same as crispy's templates give (templates/campaigns/form.html); a fresh one once per
    # process and day, its HTML depending on its initial values only.
    direct_html = True
    direct_html_fresh = True
    cash_legend = "Ủng hộ bằng tiền"
    goods_legend = "Ủng hộ bằng hiện vật"

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
    amount = _money("Số tiền (đồng)", required=False)
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._gift_fields()
        self._add_helper()
        self._gift_layout(
            ["received_on", "donor_kind", "donor_name", "donor_address", "publish_name"]
            + ["form", "channel", "bank_reference"],
            ["note"],
        )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("donor_kind")
        if kind and kind != Donation.DonorKind.ANONYMOUS and not cleaned.get("donor_name"):
            self.add_error("donor_name", "Ghi tên, hoặc chọn “Nhà hảo tâm (ẩn danh)”.")
        if cleaned.get("channel") == Donation.Channel.BANK and not cleaned.get("bank_reference"):
            self.add_error("bank_reference", "Chuyển khoản cần có mã giao dịch.")
        return self._clean_gift(cleaned)


class ReversalForm(forms.Form):
    reason = ReasonField(
        label="Lý do điều chỉnh",
        max_length=500,
        # On every receipt page an officer opens: no widget template.
        widget=DirectTextarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"required": "Ghi rõ lý do điều chỉnh."},
    )


class DisbursementForm(_GiftForm, forms.Form):
    submit_label = "Ghi khoản chi"
    cash_legend = "Chi tiền"
    goods_legend = "Trao hiện vật quỹ đang giữ"
    cash_name = "chi tiền"
    goods_name = "trao hiện vật"

    paid_on = DateField(label="Ngày chi")
    household = forms.ModelChoiceField(
        label="Hộ nhận",
        queryset=Household.objects.none(),
        required=False,
        empty_label="— Không chi cho hộ cụ thể —",
    )
    purpose = forms.ChoiceField(label="Mục đích", choices=Disbursement.Purpose.choices)
    description = forms.CharField(label="Nội dung chi", max_length=255, required=False)
    form = forms.ChoiceField(
        label="Hình thức",
        choices=[
            (Disbursement.Form.CASH, "Chi tiền"),
            (Disbursement.Form.IN_KIND, "Trao hiện vật"),
        ],
    )
    amount = _money("Số tiền (đồng)", required=False)
    decision_reference = forms.CharField(label="Số quyết định", max_length=100)

    def __init__(self, *args, ward, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = Household.objects.filter(ward=ward)
        self._gift_fields()
        self.fields[
            "in_kind_description"
        ].help_text = "Đúng tên và đơn vị tính như khi nhận, ví dụ: Gạo, kg."
        self._add_helper()
        self._gift_layout(
            ["paid_on", "household", "purpose", "description", "form"], ["decision_reference"]
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("household") and not cleaned.get("description"):
            self.add_error("description", "Chọn hộ nhận hoặc ghi rõ nội dung chi.")
        return self._clean_gift(cleaned)


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
    # Checked by content and re-encoded as JPEG (core/uploads.py).
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
