"""The Jinja2 environment for the few templates rendered in a hot loop.

The monthly entry page repeats one table row per indicator (about 70, each with its inputs
and three earlier figures) and its month by member organisation; rendered by Jinja2 those
parts take a fraction of the time Django templates need. They call the same cell and number
functions as the Django templates' tags and filters.
"""

from django.forms.renderers import Jinja2
from jinja2 import Environment

from core.templatetags.numbers import dong, number, percent
from reports.templatetags.entry_cells import entry_field, figure

# The entry form's widgets (hidden fields, explanations, error lists) render by Jinja2 too;
# its ~70 number inputs need no template (core.numbers.DirectTextInput). One instance for
# the process: a renderer compiles its templates once. Every other form keeps Django's
# default renderer, whose templates cover the admin's widgets.
entry_form_renderer = Jinja2()


def environment(**options) -> Environment:
    env = Environment(**options)
    env.globals.update(
        entry_field=entry_field, figure=figure, number=number, percent=percent, dong=dong
    )
    return env
