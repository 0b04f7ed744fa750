from crispy_forms.layout import Field
from django import forms

from campaigns.forms import _GiftForm, _money
from campaigns.models import Allocation
from core.fields import DateField, ReasonField

WARD_CHOICE_MESSAGE = "Chọn một phường, xã của tỉnh, thành phố này."


class CommuneChoiceField(forms.ModelChoiceField):
    """The receiving commune: "Phường Mỹ Thới (30301)", so typing a name or a code finds it."""

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class AllocationForm(_GiftForm, forms.Form):
    """Money or goods a province drive gives one of its communes (create and edit)."""

    submit_label = "Ghi phân bổ"
    cash_legend = "Phân bổ bằng tiền"
    goods_legend = "Phân bổ bằng hiện vật tỉnh đang giữ"
    cash_name = "phân bổ tiền"
    goods_name = "phân bổ hiện vật"

    ward = CommuneChoiceField(
        label="Phường, xã nhận",
        queryset=None,
        empty_label="— Chọn phường, xã —",
        error_messages={
            "required": "Chọn phường, xã nhận phân bổ.",
            "invalid_choice": WARD_CHOICE_MESSAGE,
        },
    )
    decision_number = forms.CharField(
        label="Số quyết định",
        max_length=100,
        error_messages={"required": "Ghi số quyết định phân bổ."},
    )
    decision_date = DateField(label="Ngày quyết định")
    purpose = forms.CharField(
        label="Mục đích",
        max_length=255,
        error_messages={"required": "Ghi mục đích phân bổ."},
    )
    form = forms.ChoiceField(label="Hình thức", choices=Allocation.Form.choices)
    amount = _money("Số tiền (đồng)", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, communes, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = communes
        self.fields["purpose"].widget.attrs["placeholder"] = "ví dụ: hỗ trợ hộ bị thiệt hại do lũ"
        self.fields["decision_number"].widget.attrs["placeholder"] = "ví dụ: 15/QĐ-MTTQ"
        self._gift_fields()
        self.fields[
            "in_kind_description"
        ].help_text = "Đúng tên và đơn vị tính như tỉnh đã nhận, ví dụ: Gạo, kg."
        if editing:
            self.submit_label = "Lưu thay đổi"
        else:
            del self.fields["version"]
        self._add_helper()
        before = [
            # A long list of communes: the select is searched by typing (name or code).
            Field("ward", data_search="commune", autocomplete="off"),
            "decision_number",
            "decision_date",
            "purpose",
            "form",
        ]
        self._gift_layout(before, ["version"] if editing else [])

    def clean(self):
        return self._clean_gift(super().clean())

    def refusal_field(self) -> str | None:
        """Where a refusal of the service about what the province holds goes."""
        if self.cleaned_data.get("form") == Allocation.Form.IN_KIND:
            return "in_kind_quantity"
        return "amount"


class ConfirmForm(forms.Form):
    """The commune confirms it received an allocation, on a day (today unless told)."""

    confirmed_on = DateField(
        label="Ngày nhận", error_messages={"required": "Ghi ngày xã nhận được khoản phân bổ."}
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirmed_on"].widget.attrs.update(
            {"class": "form-control touch-target", "placeholder": "dd/mm/yyyy"}
        )


class AllocationReversalForm(forms.Form):
    reason = ReasonField(
        label="Lý do điều chỉnh",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        error_messages={"required": "Ghi rõ lý do điều chỉnh."},
    )
