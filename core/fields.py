"""The form fields every portal form shares, and the model form that gives them to model fields.

- numbers (core/numbers.py): WholeNumberField, DecimalNumberField, YearField. "3.000" is three
  thousand, "2,5" two and a half, in every form; a text input with a phone keypad that has
  "." and ",", Vietnamese messages, what was typed kept when refused;
- dates (core/dates.py): DateField, dd/mm/yyyy between 1900 and 2100;
- ReasonField: a reason made only of invisible characters is no reason.

PortalModelForm builds its model fields with portal_formfield, so a new model form cannot
forget them; tests/core/test_form_fields.py walks every form of the portal to keep it so.
"""

from django import forms
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.forms.models import ModelFormMetaclass

from core.dates import DateField
from core.numbers import DecimalNumberField, WholeNumberField, YearField
from core.text import visible_text


def portal_formfield(db_field, **kwargs):
    """formfield_callback of model forms: the portal's field for numbers and dates."""
    if db_field.choices or isinstance(db_field, models.AutoField):
        return db_field.formfield(**kwargs)
    if isinstance(db_field, models.IntegerField):
        # The column's own range (the same on every database the portal runs on), never
        # below zero: no count, amount or year of the portal is negative.
        low, high = BaseDatabaseOperations.integer_field_ranges[db_field.get_internal_type()]
        form_class = YearField if db_field.name.endswith("year") else WholeNumberField
        return db_field.formfield(
            **{"form_class": form_class, "min_value": max(low, 0), "max_value": high, **kwargs}
        )
    if isinstance(db_field, models.DecimalField):
        return db_field.formfield(**{"form_class": DecimalNumberField, **kwargs})
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        return db_field.formfield(**{"form_class": DateField, **kwargs})
    return db_field.formfield(**kwargs)


class _PortalModelFormMetaclass(ModelFormMetaclass):
    def __new__(mcs, name, bases, attrs):
        meta = attrs.get("Meta")
        if meta is not None and getattr(meta, "formfield_callback", None) is None:
            meta.formfield_callback = staticmethod(portal_formfield)
        return super().__new__(mcs, name, bases, attrs)


class PortalModelForm(forms.ModelForm, metaclass=_PortalModelFormMetaclass):
    """A model form whose number and date fields are the portal's (portal_formfield)."""


class ReasonField(forms.CharField):
    """A required explanation (a return, a reopening, a reversal): it must show something."""

    def to_python(self, value):
        return visible_text(super().to_python(value)) or self.empty_value


__all__ = [
    "DateField",
    "DecimalNumberField",
    "PortalModelForm",
    "ReasonField",
    "WholeNumberField",
    "YearField",
    "portal_formfield",
]
