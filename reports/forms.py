"""The monthly entry form, built from the indicator catalogue (indicators are data)."""

from django import forms

from core.fields import ReasonField
from core.numbers import WholeNumberField
from reports.models import Indicator
from reports.templating import entry_form_renderer


def value_field(code):
    return f"v_{code}"


def denominator_field(code):
    return f"d_{code}"


def area_field(code, area_id):
    return f"a_{code}_{area_id}"


def rating_field(code, category_id):
    return f"r_{code}_{category_id}"


def explanation_field(rule_id):
    return f"x_{rule_id}"


class MonthlyEntryForm(forms.Form):
    """One field per indicator (two for ratios), optional area breakdowns and explanations."""

    default_renderer = entry_form_renderer
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    opened_at = forms.DateTimeField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args,
        rows,
        areas,
        area_initial,
        warning_rules,
        explained,
        read_only,
        ratings=(),
        editable_codes=None,
        **kwargs,
    ):
        """`editable_codes`: an organisation officer's page, where only these indicators can
        be typed and everything else (areas, ratings, explanations) is shown read-only."""
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.areas = areas
        self.ratings = ratings
        partial = editable_codes is not None
        for row in rows:
            indicator = row.indicator
            locked = (
                read_only
                or bool(indicator.source)
                or (partial and indicator.code not in editable_codes)
            )
            self.fields[value_field(indicator.code)] = self._number(
                indicator.name, locked, row.current.value
            )
            if indicator.kind == Indicator.Kind.RATIO:
                self.fields[denominator_field(indicator.code)] = self._number(
                    "Mẫu số", locked, row.current.denominator
                )
            if indicator.by_area:
                for area in areas:
                    self.fields[area_field(indicator.code, area.pk)] = self._number(
                        area.name, read_only or partial, area_initial.get((indicator.pk, area.pk))
                    )
        # A rating: one count per category (how many were rated so), typed once a year.
        for rating in ratings:
            for line in rating.lines:
                self.fields[rating_field(rating.indicator.code, line.category.pk)] = self._number(
                    line.category.name, read_only or partial, line.current.value
                )
        for rule in warning_rules:
            self.fields[explanation_field(rule.pk)] = ReasonField(
                label=f"Giải trình: {rule.message}",
                max_length=500,
                required=False,
                disabled=read_only or partial,
                initial=explained.get(rule.pk, ""),
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )

    @staticmethod
    def _number(label, disabled, initial):
        field = WholeNumberField(label=label, disabled=disabled, initial=initial)
        field.widget.attrs.update({"class": "form-control text-end", "autocomplete": "off"})
        return field

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            indicator = row.indicator
            if indicator.kind != Indicator.Kind.RATIO or indicator.source:
                continue
            value = cleaned.get(value_field(indicator.code))
            denominator = cleaned.get(denominator_field(indicator.code))
            if value is not None and denominator is None:
                self.add_error(denominator_field(indicator.code), "Nhập cả mẫu số của tỷ lệ.")
            elif value is None and denominator is not None:
                self.add_error(value_field(indicator.code), "Nhập cả tử số của tỷ lệ.")
            elif value is not None and value > denominator:
                self.add_error(value_field(indicator.code), "Tử số không được lớn hơn mẫu số.")
        return cleaned

    def _posted(self, *names) -> bool:
        """A figure missing from the POST (not sent, unlike sent empty) is left as saved."""
        return any(name in self.data for name in names)

    def entries(self):
        """{code: (value, denominator)} of the fields an officer may type and the POST sent."""
        result = {}
        for row in self.rows:
            code = row.indicator.code
            if row.indicator.source or not self._posted(value_field(code), denominator_field(code)):
                continue
            result[code] = (
                self.cleaned_data.get(value_field(code)),
                self.cleaned_data.get(denominator_field(code)),
            )
        return result

    def area_entries(self):
        return {
            (row.indicator.code, area.pk): self.cleaned_data.get(
                area_field(row.indicator.code, area.pk)
            )
            for row in self.rows
            if row.indicator.by_area
            for area in self.areas
            if self._posted(area_field(row.indicator.code, area.pk))
        }

    def rating_entries(self):
        """{(code, category id): count or None} of the rating counts the POST sent."""
        return {
            (rating.indicator.code, line.category.pk): self.cleaned_data.get(name)
            for rating in self.ratings
            for line in rating.lines
            if self._posted(name := rating_field(rating.indicator.code, line.category.pk))
        }

    def explanations(self):
        return {
            int(name[2:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("x_") and not self.fields[name].disabled
        }


class CommentForm(forms.Form):
    comment = ReasonField(
        label="Ý kiến",
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        max_length=2000,
        error_messages={"required": "Hãy ghi ý kiến hoặc lý do."},
    )
