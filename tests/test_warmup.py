"""The gunicorn master compiles every project template before forking its workers."""

from pathlib import Path

from django.conf import settings

from mttq_portal.warmup import compile_templates


def test_every_project_template_compiles_in_the_master():
    root = Path(settings.BASE_DIR) / "templates"
    assert compile_templates() == len(list(root.rglob("*.html")))
