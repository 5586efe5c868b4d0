"""How the test suite is laid out: a test module imports helpers and fixtures from ``conftest.py``,
``factories.py``, ``url_walk.py`` or ``settings.py``, never from another test module (that would
run or break its tests through an unrelated file, and hide where shared helpers live)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def absolute(path: Path, node: ast.ImportFrom) -> str:
    """The module a ``from ... import`` names, relative ones (``from .test_views``) resolved."""
    if node.level == 0:
        return node.module or ""
    package = list(path.relative_to(TESTS.parent).parent.parts)
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def imported_modules(path: Path) -> list[str]:
    """Every module ``path`` imports, at any depth (also inside functions)."""
    modules: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = absolute(path, node)
            modules.append(module)
            # ``from tests.surveys import test_views`` imports a test module too.
            modules.extend(f"{module}.{alias.name}" for alias in node.names)
    return modules


def is_test_module(module: str) -> bool:
    parts = module.split(".")
    return parts[0] == "tests" and any(part.startswith("test_") for part in parts[1:])


def test_no_test_module_imports_another() -> None:
    offenders = [
        f"{path.relative_to(TESTS.parent)} imports {module}"
        for path in sorted(TESTS.rglob("test_*.py"))
        for module in imported_modules(path)
        if is_test_module(module)
    ]
    assert not offenders, "Move what is shared into a conftest.py: " + "; ".join(offenders)
