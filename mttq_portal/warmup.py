"""Work done once in the gunicorn master, before it forks the workers.

Workers are recycled every GUNICORN_MAX_REQUESTS requests; a fresh worker would otherwise
compile the portal's templates again on its first pages, a latency spike that `make loadtest`
showed in its p95 every time a worker was replaced under load. Done in the master
(preload_app), the compiled templates are inherited by every worker.
"""

from pathlib import Path

# The widgets the portal's forms use, as Django's form renderer names their templates.
WIDGET_TEMPLATES = [
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "attrs",
        "text",
        "number",
        "hidden",
        "email",
        "password",
        "date",
        "textarea",
        "select",
        "select_option",
        "checkbox",
        "clearable_file_input",
        "file",
    )
]


def compile_templates() -> int:
    """Load the project's own templates (both engines) and the widget templates."""
    from django.forms.renderers import get_default_renderer
    from django.template import engines
    from django.urls import get_resolver

    loaded = 0
    for engine in engines.all():
        for directory in engine.dirs:
            root = Path(directory)
            for path in sorted(root.rglob("*.html")):
                name = path.relative_to(root).as_posix()
                if engine.name != "jinja2" and name.startswith("jinja2/"):
                    continue
                engine.get_template(name)
                loaded += 1
    from reports.templating import entry_form_renderer

    # Django's default renderer for every form, the monthly entry form's own Jinja2 one.
    for renderer in (get_default_renderer(), entry_form_renderer):
        for name in WIDGET_TEMPLATES:
            renderer.get_template(name)
    get_resolver().reverse_dict  # noqa: B018 — builds the URL resolver's tables
    return loaded
