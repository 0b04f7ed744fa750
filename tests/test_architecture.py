"""The layout of the portal (ARCHITECTURE.md), proved from the source files with ast.

Dependencies point one way: reports -> campaigns -> wards -> core; accounts -> wards, core;
portability may read every app and nobody imports it; mttq_portal is configuration that only
the web server and Django load. Imports inside functions count as much as those at the top.
"""

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PORTAL_APPS = ("core", "accounts", "wards", "campaigns", "reports", "portability", "mttq_portal")

# The portal apps each app may import, besides itself (Django and third parties are free).
MAY_IMPORT = {
    "core": set(),
    "accounts": {"core", "wards"},
    "wards": {"core"},
    "campaigns": {"core", "wards"},
    "reports": {"core", "wards", "campaigns"},
    "portability": {"core", "accounts", "wards", "campaigns", "reports"},
    "mttq_portal": {"core", "accounts", "wards", "campaigns", "reports"},
}
APPS_WITHOUT_MODELS = ("core", "accounts", "portability")
# Left out of the one-way rule: the tests and the benchmarks drive everything.
NOT_PORTAL_CODE = ("tests", "bench")
NOT_SOURCE = (".venv", ".git", "__pycache__", "node_modules", "static", "media")
# Who may load the gunicorn warm-up (mttq_portal/warmup.py) from outside mttq_portal.
WARMUP_IMPORTERS = {"deploy/gunicorn.conf.py", "tests/test_warmup.py"}


def _python_files(top: Path):
    for path in sorted(top.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if not any(part in NOT_SOURCE for part in relative.parts):
            yield relative


def _module_name(relative: Path) -> str:
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def imported_modules(relative: Path) -> tuple[tuple[str, int], ...]:
    """Every module one file imports, anywhere in it, with its line; relative imports resolved."""
    tree = ast.parse((ROOT / relative).read_text(encoding="utf-8"), filename=str(relative))
    package = _module_name(relative).split(".")
    if relative.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module
            found.append((module, node.lineno))
            # `from wards import models` imports wards.models, `from wards.x import y` maybe y.
            found.extend((f"{module}.{alias.name}", node.lineno) for alias in node.names)
    return tuple(found)


def portal_app_of(module: str) -> str | None:
    top = module.split(".")[0]
    return top if top in PORTAL_APPS else None


def portal_imports(path: Path):
    """(module, line, app) for each line of one file that imports a portal app, once a line."""
    seen = set()
    for module, line in imported_modules(path):
        app = portal_app_of(module)
        if app and line not in seen:
            seen.add(line)
            yield module, line, app


def portal_code():
    """Every Python file outside the tests and the benchmarks, by path from the checkout."""
    return [path for path in _python_files(ROOT) if path.parts[0] not in NOT_PORTAL_CODE]


def app_files(app: str):
    return list(_python_files(ROOT / app))


@pytest.mark.parametrize("app", sorted(MAY_IMPORT))
def test_each_app_imports_only_the_apps_below_it(app):
    allowed = ", ".join(sorted(MAY_IMPORT[app])) or "no portal app"
    broken = [
        f"{path}:{line} imports {module}: {app} may not import {imported} "
        f"({app} may import {allowed})"
        for path in app_files(app)
        for module, line, imported in portal_imports(path)
        if imported not in (app, *MAY_IMPORT[app])
    ]
    assert not broken, "\n".join(broken)


def test_nothing_outside_mttq_portal_imports_it():
    broken = [
        f"{path}:{line} imports {module}: mttq_portal is configuration, no app imports it"
        for path in portal_code()
        if path.parts[0] != "mttq_portal" and str(path) not in WARMUP_IMPORTERS
        for module, line, imported in portal_imports(path)
        if imported == "mttq_portal"
    ]
    assert not broken, "\n".join(broken)


def test_only_gunicorn_and_its_test_load_the_warmup():
    everywhere = [p for p in _python_files(ROOT) if p.parts[0] not in ("mttq_portal", "bench")]
    importers = {
        str(path)
        for path in everywhere
        for module, _line in imported_modules(path)
        if module.startswith("mttq_portal.warmup")
    }
    assert importers <= WARMUP_IMPORTERS, (
        f"{sorted(importers - WARMUP_IMPORTERS)} import mttq_portal.warmup, "
        "which only deploy/gunicorn.conf.py loads (and tests/test_warmup.py checks)"
    )
    assert "deploy/gunicorn.conf.py" in importers, "gunicorn no longer warms the templates up"


def test_nobody_imports_portability():
    broken = [
        f"{path}:{line} imports {module}: portability reads every app, nothing may import it"
        for path in portal_code()
        if path.parts[0] != "portability"
        for module, line, imported in portal_imports(path)
        if imported == "portability"
    ]
    assert not broken, "\n".join(broken)


def _model_classes(path: Path):
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                name = ast.unparse(base)
                if name.split(".")[-1] == "Model" or name.endswith("models.Model"):
                    yield node.name, node.lineno


@pytest.mark.parametrize("app", APPS_WITHOUT_MODELS)
def test_infrastructure_apps_define_no_models(app):
    from django.apps import apps

    problems = [
        f"{app}/{name} exists: {app} may not hold models"
        for name in ("models.py", "models", "migrations")
        if (ROOT / app / name).exists()
    ]
    problems += [
        f"{path}:{line} defines the model {name}: {app} may not hold models"
        for path in app_files(app)
        for name, line in _model_classes(path)
    ]
    problems += [
        f"{model._meta.label} is registered in the app {app}, which may not hold models"
        for model in apps.get_app_config(app).get_models()
    ]
    assert not problems, "\n".join(problems)


def test_no_flat_views_or_urls_modules_remain():
    flat = [
        f"{path}: a flat {path.name.split('_')[0]}_*.py module; use a subpackage with its own "
        "views.py and urls.py"
        for app in PORTAL_APPS
        for path in app_files(app)
        if path.name.startswith(("views_", "urls_"))
    ]
    assert not flat, "\n".join(flat)


def test_every_test_package_names_a_code_package():
    tests = ROOT / "tests"
    orphans = [
        f"{package.relative_to(ROOT)} mirrors no code package ({package.relative_to(tests)}/"
        "__init__.py does not exist)"
        for package in sorted(tests.rglob("*"))
        if package.is_dir()
        and package.name != "__pycache__"
        and package.relative_to(tests).parts[0] != "e2e"
        and not (ROOT / package.relative_to(tests) / "__init__.py").is_file()
    ]
    assert not orphans, "\n".join(orphans)


def test_the_scan_sees_the_whole_portal():
    """Guard for the tests above: a path typo would let every rule pass on no files."""
    for app in PORTAL_APPS:
        assert len(app_files(app)) >= 3, f"found almost no files in {app}/"
    assert any(
        module.startswith("wards") for module, _ in imported_modules(Path("campaigns/models.py"))
    ), "the import scan misses campaigns/models.py -> wards"
