"""The house rules, read from the code's own imports: each layer imports only the layers
below it (docs/architecture.md draws them), nothing imports the CLI, only the CLI imports
the web front end (for ``archive serve``), and no module imports itself back through others."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

ALLOWED = {
    "archive.contract": {"archive.contract"},
    "archive.extraction": {"archive.contract", "archive.extraction"},
    "archive.storage": {"archive.contract", "archive.storage"},
    "index": {"archive.contract", "index"},
    "archive.operations": {"archive.contract", "archive.extraction", "archive.storage", "index",
                           "archive.operations"},
    "archive.cli": {"archive", "archive.contract", "archive.extraction", "archive.storage", "index",
                    "archive.operations", "archive.web", "archive.cli"},
    "archive.web": {"archive", "archive.contract", "archive.extraction", "archive.storage", "index",
                    "archive.operations", "archive.web"},
}
MAX_LINES = 450


def _modules() -> dict[str, Path]:
    found = {}
    for package in ("archive", "index"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


MODULES = _modules()


def _layer(module: str) -> str | None:
    for layer in sorted(ALLOWED, key=len, reverse=True):
        if module == layer or module.startswith(layer + "."):
            return layer
    return None


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(module: str, path: Path) -> set[str]:
    """Every project module ``module`` imports (at the top or inside functions), except
    under ``if TYPE_CHECKING``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    skipped = {id(n) for node in ast.walk(tree) if _type_checking(node) for n in ast.walk(node)}
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")
                parent = parent[: len(parent) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module:
                out.add(name)
    return out


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_each_module_imports_only_the_layers_below_it(module: str) -> None:
    layer = _layer(module)
    if layer is None:  # the top package itself: the version, nothing else
        assert GRAPH[module] == set(), GRAPH[module]
        return
    wrong = sorted(name for name in GRAPH[module] if _layer(name) not in ALLOWED[layer] and name != "archive")
    assert not wrong, f"{module} ({layer}) imports {wrong}"


def test_nothing_imports_the_command_line() -> None:
    offenders = sorted(m for m, imported in GRAPH.items() if _layer(m) != "archive.cli"
                       and any(_layer(i) == "archive.cli" for i in imported))
    assert not offenders


def test_only_the_command_line_imports_the_web_front_end() -> None:
    offenders = sorted(m for m, imported in GRAPH.items() if _layer(m) not in ("archive.web", "archive.cli")
                       and any(_layer(i) == "archive.web" for i in imported))
    assert not offenders


def test_no_import_cycles() -> None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for name in sorted(GRAPH[module]):
            if name.startswith(module + "."):
                continue  # a package importing its own modules in __init__ is not a cycle
            if state.get(name) == 1:
                cycle = path[path.index(name):] + [name]
                if not all(m.startswith(name + ".") or m == name for m in cycle[1:-1]):
                    pytest.fail(" -> ".join(cycle))
            elif name not in state:
                visit(name)
        path.pop()
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_small_enough_to_read_in_one_sitting(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module}: {lines} lines"


@pytest.mark.parametrize("package", sorted(m for m, p in MODULES.items() if p.name == "__init__.py"))
def test_every_package_lists_its_public_names(package: str) -> None:
    import importlib

    loaded = importlib.import_module(package)
    names = getattr(loaded, "__all__", None)
    assert names, f"{package} has no __all__"
    for name in names:
        assert getattr(loaded, name) is not None, f"{package}.{name}"


CLUSTER_LIBRARIES = {"dask", "distributed", "fsspec"}


def _third_party(path: Path) -> set[str]:
    """The top-level names of every module ``path`` imports, type-checking imports aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {id(n) for node in ast.walk(tree) if _type_checking(node) for n in ast.walk(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
    return found


def test_cluster_libraries_are_used_by_the_operations_only() -> None:
    """Cluster code is operations (an executor, inputs read on workers): nothing below them,
    nor a front end, imports Dask or fsspec."""
    offenders = sorted(m for m, path in MODULES.items() if _layer(m) != "archive.operations"
                       and _third_party(path) & CLUSTER_LIBRARIES)
    assert not offenders
    users = sorted(m for m, path in MODULES.items() if _third_party(path) & CLUSTER_LIBRARIES)
    assert users == ["archive.operations.cluster", "archive.operations.sources"]
