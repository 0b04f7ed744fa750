from django import template

from wards import submissions

register = template.Library()


@register.simple_tag(takes_context=True)
def submission_input(context):
    """The create form's one-time token (wards/submissions.py) as a hidden input."""
    return submissions.hidden_input(context["request"])
