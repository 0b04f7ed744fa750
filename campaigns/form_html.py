"""A crispy form's HTML written out in Python, byte for byte what `{% crispy form %}` gives.

The donation form is the ward officer's most used form; through crispy's Bootstrap 5
templates (a field template, its includes and a widget template per field) it took two thirds
of the page's time. This writes the same HTML for the layouts and widgets it knows: a
Layout of field names and Fieldsets of field names; text-like inputs, selects and checkboxes
(any other widget renders through its own template, as before); Submit and Hidden inputs.
tests/campaigns/test_form_html.py compares it with crispy's output, unbound and with errors.

Whitespace: crispy collapses every run of three or more blanks between two tags into one
space (`remove_spaces`, its {% specialspaceless %}); the pieces below are written collapsed
and the whole is passed through the same function, so a widget's own template whitespace
(a select's options) comes out as crispy would make it.
"""

import re
from html import escape

from crispy_forms.layout import BaseInput, Fieldset, Layout
from crispy_forms.templatetags.crispy_forms_utils import remove_spaces
from crispy_forms.utils import flatatt
from django import forms
from django.conf import settings
from django.template.defaultfilters import slugify, unordered_list
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.safestring import SafeData, mark_safe

# Django's widget templates that are exactly django/forms/widgets/input.html.
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        *("checkbox", "color", "date", "datetime", "email", "hidden", "number"),
        *("password", "search", "tel", "text", "time", "url"),
    )
)
# Where crispy's templates have a line break and indent between two tags: crispy makes it one
# space (remove_spaces), and so does crispy_html at the end.
GAP = "\n    "
_SELECT_TEMPLATE = "django/forms/widgets/select.html"
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


class Unsupported(TypeError):
    """A layout object or field this module does not write; the form needs {% crispy %}."""


def _html(value) -> str:
    """{{ value }} in an autoescaped template (Django's escape without its lazy-argument
    wrapper, which cost more than the escaping)."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    if not isinstance(value, str):
        value = str(localize(value))
    return escape(value)


def _text(value) -> str:
    """{{ value|stringformat:'s' }} in an autoescaped template (the filter keeps safe text safe)."""
    text = f"{value}"
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs) -> str:
    """django/forms/widgets/attrs.html"""
    return "".join(
        f" {_html(name)}" if value is True else f' {_html(name)}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget) -> str:
    """django/forms/widgets/input.html, from a widget's context."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_text(value)}"'
    return (
        f'<input type="{_html(widget["type"])}" name="{_html(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>"
    )


def _select(widget) -> str | None:
    """django/forms/widgets/select.html, with select_option.html for its options (None
    when an option has a template of its own)."""
    html = [f'<select name="{_html(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            html.append(f'\n  <optgroup label="{_html(group_name)}">')
        for option in options:
            if option["template_name"] != _OPTION_TEMPLATE:
                return None
            html.append(
                f'\n  <option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_html(option['label'])}</option>\n"
            )
        if group_name:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return "".join(html)


class DirectTextarea(forms.Textarea):
    """forms.Textarea written without its template: the same HTML (textarea.html, stripped
    as the form renderer strips it)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        shown = _html(widget["value"]) if widget["value"] else ""
        opening = f'<textarea name="{_html(widget["name"])}"{_attrs(widget["attrs"])}>'
        return mark_safe(f"{opening}\n{shown}</textarea>")


def _widget(field, css: str) -> str:
    """{% crispy_field field 'class' css %}: the widget's class, its name in lower case
    (CRISPY_CLASS_CONVERTERS) and `css` added as crispy adds them, then what
    BoundField.as_widget renders; without the widget template where it is a plain input or
    select."""
    widget = field.field.widget
    if field.field.localize:
        widget.is_localized = True
    class_name = type(widget).__name__.lower()
    class_name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(class_name, class_name)
    classes = widget.attrs.get("class", "")
    if not classes:
        classes = class_name
    elif class_name not in classes:
        classes += f" {class_name}"
    for name in css.split():
        if name not in classes.split():
            classes += f" {name}"
    # Crispy writes the class into the widget's attrs; as extra attrs it lands in the same
    # place (after the widget's own, or where the widget had one) and leaves the form as it was.
    attrs = field.build_widget_attrs({"class": classes}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    template = widget.template_name
    if type(widget).render is forms.Widget.render and (
        template in _INPUT_TEMPLATES or template == _SELECT_TEMPLATE
    ):
        context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
        html = _input(context) if template in _INPUT_TEMPLATES else _select(context)
        if html is not None:
            return html
    return widget.render(field.html_name, field.value(), attrs, renderer=field.form.renderer)


def _errors(errors, auto_id) -> str:
    """bootstrap5/layout/field_errors.html (error_text_inline)."""
    if not errors:
        return ""
    spans = GAP.join(
        f'<span id="error_{number}_{auto_id}"><strong>{_html(error)}</strong></span>'
        for number, error in enumerate(errors, 1)
    )
    feedback = _html(errors.field_id)
    return f'<div id="{feedback}_error" class="invalid-feedback">{GAP}{spans}{GAP}</div>'


def _help(field, auto_id) -> str:
    """bootstrap5/layout/help_text.html (help text as a block, marked safe as crispy does)."""
    if not field.help_text:
        return ""
    identifier = f'id="{auto_id}_helptext" ' if auto_id else ""
    return f'<div {identifier}class="form-text">{field.help_text}</div>'


def _field(form, name) -> str:
    """bootstrap5/field.html with the helper's defaults (labels and errors shown, no label or
    field classes, not horizontal)."""
    field = form[name]
    if field.is_hidden:
        return f"{GAP}{field}{GAP}"
    widget = field.field.widget
    if field.use_fieldset or isinstance(
        widget, forms.FileInput | forms.RadioSelect | forms.CheckboxSelectMultiple
    ):
        raise Unsupported(f"{name}: {type(widget).__name__}")
    auto_id = _html(field.auto_id)
    errors = field.errors
    required = field.field.required
    required_class = " requiredField" if required else ""
    asterisk = '<span class="asteriskField">*</span>' if required else ""
    extra = _html(field.css_classes())
    label = _html(field.label) if field.label else ""
    target = _html(field.id_for_label) if field.id_for_label else ""
    after = f"{GAP}{_errors(errors, auto_id)}{GAP}{_help(field, auto_id)}{GAP}"
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input is-invalid" if errors else "form-check-input"
        classes = f"form-check {extra}" if extra else "form-check"
        return (
            f'{GAP}<div class="mb-3">{GAP}<div id="div_{auto_id}" class="{classes}">{GAP}'
            f"{_widget(field, css)}{GAP}"
            f'<label for="{target}" class="form-check-label{required_class}">'
            f"\n                    {label}{asterisk}\n                </label>"
            f"{after}</div>{GAP}</div>{GAP}"
        )
    classes = f"mb-3 {extra}" if extra else "mb-3"
    html = [f'{GAP}<div id="div_{auto_id}" class="{classes}">{GAP}']
    if label:
        target = f'for="{target}"' if target else ""
        html.append(
            f'<label\n                {target} class="form-label{required_class}">'
            f"\n                {label}{asterisk}\n            </label>{GAP}"
        )
    if isinstance(widget, forms.Select):
        css = "form-select is-invalid" if errors else "form-select"
    else:
        css = "form-control is-invalid" if errors else "form-control"
    html.append(f"{_widget(field, css)}{after}</div>{GAP}")
    return "".join(html)


def _fieldset(form, fieldset: Fieldset) -> str:
    """bootstrap5/layout/fieldset.html; the legend as crispy gives it (crispy renders it as a
    template of its own: here plain text, and a legend with template syntax is refused)."""
    if "{" in str(fieldset.legend):
        raise Unsupported(f"legend {fieldset.legend!r}")
    css_id = f'id="{_html(fieldset.css_id)}"' if fieldset.css_id else ""
    css_class = f'class="{_html(fieldset.css_class)}"' if fieldset.css_class else ""
    legend = f"<legend>{fieldset.legend}</legend>" if fieldset.legend else ""
    fields = "".join(_item(form, item) for item in fieldset.fields)
    # The template file's last newline: two fieldsets in a row are "</fieldset>\n<fieldset".
    return (
        f"<fieldset {css_id} \n    {css_class}\n    {fieldset.flat_attrs}>{GAP}{legend}{GAP}"
        f"{fields} \n</fieldset>\n"
    )


def _item(form, item) -> str:
    if isinstance(item, str):
        return _field(form, item)
    if type(item) is Fieldset:
        return _fieldset(form, item)
    raise Unsupported(type(item).__name__)


def _inputs(inputs, values) -> str:
    """bootstrap5/inputs.html with layout/baseinput.html; `values` the inputs' values, as
    written (escaped)."""
    if not inputs:
        return ""
    html = []
    for button, value in zip(inputs, values, strict=True):
        if not isinstance(button, BaseInput) or button.template != "%s/layout/baseinput.html":
            raise Unsupported(type(button).__name__)
        name = slugify(button.name) if len(str(button.name).split()) > 1 else button.name
        shown = ""
        if button.input_type != "hidden":
            shown = (
                f'\n        class="{_html(button.field_classes)}"\n'
                f'        id="{_html(button.id)}"\n    '
            )
        html.append(
            f'<input type="{_html(button.input_type)}"\n    name="{_html(name)}"\n'
            f'    value="{value}"\n    {shown}\n    {button.flat_attrs}\n    />'
        )
    return f'<div class="mb-3">{GAP}<div class="">{GAP}{GAP.join(html)}{GAP}</div>{GAP}</div>'


def _non_field_errors(form) -> str:
    """bootstrap5/errors.html (no error title)."""
    errors = form.non_field_errors()
    if not errors:
        return ""
    return (
        f'<div class="alert alert-block alert-danger">{GAP}<ul class="m-0">{GAP}'
        f"{unordered_list(errors, autoescape=True)}{GAP}</ul>{GAP}</div>"
    )


_media = {}


def _media_html(form) -> str:
    """{{ form.media }}: its widgets' (none for the portal's), worked out once per form class
    and set of widget classes; Media is declared on classes."""
    key = (type(form), *(type(field.widget) for field in form.fields.values()))
    if key not in _media:
        _media[key] = str(form.media)
    return _media[key]


def _render(form, token: str, values) -> str:
    """The form's HTML with `token` (the CSRF input's value, escaped; "" for none) and the
    inputs' `values`."""
    helper = form.helper
    # Crispy's defaults for everything but the form's attributes, inputs and layout.
    if (
        set(vars(helper)) - {"attrs", "inputs", "layout"}
        or not isinstance(helper.layout, Layout)
        or "form-horizontal" in helper.attrs.get("class", "")
        or form.is_multipart()
    ):
        raise Unsupported("helper settings")
    method = _html(helper.form_method)
    csrf = ""
    if method.lower() == "post" and token:
        csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
    body = "".join(_item(form, item) for item in helper.layout.fields)
    html = (
        f'<form {flatatt(helper.attrs)} method="{method}" >{GAP}{csrf}{GAP}{_media_html(form)}'
        f"{GAP}{_non_field_errors(form)}{GAP}{body}{GAP}{_inputs(helper.inputs, values)}{GAP}"
        "</form>"
    )
    return f"\n\n{remove_spaces(html)}\n"


# Fresh forms of the classes that set `direct_html_fresh` (their unbound HTML depends only on
# their initial values): written once per process and initial values, in pieces between the
# places of each request's tokens (the CSRF token, the hidden inputs' values).
_fresh: dict = {}
FRESH_KEPT = 32  # a new day's date is a new entry
_MARK = re.compile("\0([0-9]+|c)\0")


def crispy_html(form, csrf_token=None) -> str:
    """What `{% crispy form %}` renders for `form` (its `helper`, with a Layout) in a template
    whose context has `csrf_token`."""
    if csrf_token == "NOTPROVIDED":
        csrf_token = None
    token = _html(str(csrf_token)) if csrf_token else ""
    inputs = form.helper.inputs
    if form.is_bound or not getattr(form, "direct_html_fresh", False):
        return mark_safe(_render(form, token, [_html(button.value) for button in inputs]))
    hidden = [button.input_type == "hidden" for button in inputs]
    key = (
        type(form),
        form.prefix,
        form.auto_id,
        repr(form.initial),
        bool(token),
        *(
            (type(b), b.name, b.input_type, None if secret else b.value)
            + (b.id, b.field_classes, b.flat_attrs)
            for b, secret in zip(inputs, hidden, strict=True)
        ),
    )
    pieces = _fresh.get(key)
    if pieces is None:
        marks = [
            f"\0{n}\0" if secret else _html(b.value)
            for n, (b, secret) in enumerate(zip(inputs, hidden, strict=True))
        ]
        pieces = _MARK.split(_render(form, "\0c\0" if token else "", marks))
        if len(_fresh) >= FRESH_KEPT:
            _fresh.clear()
        _fresh[key] = pieces
    html = [pieces[0]]
    for index in range(1, len(pieces), 2):
        mark = pieces[index]
        html.append(token if mark == "c" else _html(inputs[int(mark)].value))
        html.append(pieces[index + 1])
    return mark_safe("".join(html))


__all__ = ["DirectTextarea", "Unsupported", "crispy_html"]
