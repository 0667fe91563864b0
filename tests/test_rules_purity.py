"""ejamkesda/rules must stay pure Python: no Django import anywhere in it."""

from __future__ import annotations

import ast
import pathlib
import subprocess
import sys

RULES = pathlib.Path(__file__).resolve().parent.parent / "ejamkesda" / "rules"


def test_no_module_in_rules_imports_django():
    offenders = []
    for path in RULES.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {name}" for name in names if name.split(".")[0] == "django"]
    assert offenders == []


def test_rules_import_without_django_loaded():
    code = (
        "import sys, pkgutil, importlib, ejamkesda.rules as r\n"
        "for m in pkgutil.walk_packages(r.__path__, 'ejamkesda.rules.'): importlib.import_module(m.name)\n"
        "assert 'django' not in sys.modules, 'django was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
