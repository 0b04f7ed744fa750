"""{% direct_crispy form %}: the HTML {% crispy form %} gives, written by campaigns.form_html
without crispy's templates (for the forms that set `direct_html`)."""

from django import template

from campaigns.form_html import crispy_html

register = template.Library()


@register.simple_tag(takes_context=True)
def direct_crispy(context, form):
    return crispy_html(form, context.get("csrf_token"))
