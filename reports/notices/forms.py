from django import forms

from reports.notices.models import Kind

HELP = {
    Kind.DUE_SOON: "Gửi cán bộ MTTQ phường, xã khi báo cáo tháng sắp đến hạn mà chưa gửi.",
    Kind.OVERDUE: "Gửi cán bộ MTTQ và Chủ tịch khi đã quá hạn mà báo cáo chưa được gửi.",
    Kind.SUBMITTED: "Gửi Chủ tịch Ủy ban MTTQ khi cán bộ gửi báo cáo lên chờ duyệt.",
    Kind.RETURNED: "Gửi cán bộ MTTQ khi Chủ tịch trả lại báo cáo, kèm ý kiến cần sửa.",
    Kind.APPROVED: "Gửi cán bộ MTTQ khi Chủ tịch duyệt báo cáo.",
}


class NoticePreferencesForm(forms.Form):
    """One box per kind of notice: ticked, the person receives it (list and email)."""

    def __init__(self, *args, switched_off=(), **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Kind.choices:
            self.fields[kind] = forms.BooleanField(
                label=label,
                required=False,
                initial=kind not in switched_off,
                help_text=HELP[kind],
            )

    def enabled(self) -> set[str]:
        return {kind for kind in Kind.values if self.cleaned_data.get(kind)}
