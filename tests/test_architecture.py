"""The house's import structure, pinned the way the access matrix pins routes.

Every ``import`` in ``gongfa/`` (migrations aside) is read with ``ast``. Imports between packages run one way
(no package cycles); inside the layers they run views → forms, services → models, never back; the core
(clock, errors, db, i18n, web, audit …) imports no domain; and nothing but the app factory imports a views
module. The checks are run first on a small made-up package with each defect in it, so they are known to
fail when they should."""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "gongfa"

# Pieces every domain may use and which themselves use no domain.
CORE = {"clock", "config", "db", "errors", "extensions", "i18n", "web", "audit"}
# The app factory and the command line sit above everything and may import anything.
TOP = {"", "cli", "demo", "gunicorn_conf"}
# The .xlsx import checks each row with the same form a person filling the page in would meet.
FORM_READERS = {"gongfa.admin.importer"}


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_views(tree: ast.Module) -> bool:
    """A module that makes a blueprint or puts routes on one is a views module, whatever its file name."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "Blueprint":
            return True
        if isinstance(node, ast.FunctionDef):
            for dec in node.decorator_list:
                target = dec.func if isinstance(dec, ast.Call) else dec
                if isinstance(target, ast.Attribute) and target.attr == "route":
                    return True
    return False


def _layer(name: str, tree: ast.Module) -> str:
    last = name.rsplit(".", 1)[-1]
    if _is_views(tree):
        return "views"
    if last in ("models", "categories", "hours"):  # hours: the value type behind a column (gongfa.org.hours)
        return "models"
    if last == "forms":
        return "forms"
    return "services"  # services.py and the modules beside it that do a service's work (exports, scope, …)


class Module:
    def __init__(self, name: str, layer: str, is_package_init: bool, imports: list[tuple[str, int]]):
        self.name, self.layer, self.is_package_init, self.imports = name, layer, is_package_init, imports

    @property
    def package(self) -> str:
        parts = self.name.split(".")
        return parts[1] if len(parts) > 1 else ""


def read_modules(root: Path) -> dict[str, Module]:
    """Every module under ``root`` with the gongfa modules it imports (and the line of each import)."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.relative_to(root).parts:
            continue
        name = _module_name(path, root)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        imports = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imports += [(alias.name, node.lineno) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                    base = ".".join(here[: len(here) - node.level + 1] + ([node.module] if node.module else []))
                # "from gongfa.org import services" imports the module gongfa.org.services
                imports += [(f"{base}.{alias.name}", node.lineno) for alias in node.names]
        top = root.name
        modules[name] = Module(name, _layer(name, tree), path.name == "__init__.py",
                               [(i, line) for i, line in imports if i == top or i.startswith(top + ".")])
    return modules


def _resolve(target: str, modules: dict[str, Module]) -> str | None:
    """The module an import names: ``gongfa.org.services.ServiceError`` → ``gongfa.org.services``."""
    while target and target not in modules:
        target = target.rpartition(".")[0]
    return target or None


def package_edges(modules: dict[str, Module]) -> dict[tuple[str, str], list[str]]:
    edges = defaultdict(list)
    for mod in modules.values():
        for target, line in mod.imports:
            other = _resolve(target, modules)
            if other is None:
                continue
            a, b = mod.package, modules[other].package
            if a != b and a not in TOP and b not in TOP:
                edges[(a, b)].append(f"{mod.name}:{line} imports {target}")
    return edges


def package_cycles(modules: dict[str, Module]) -> list[list[str]]:
    """Strongly connected groups of more than one package (Tarjan)."""
    edges = package_edges(modules)
    graph = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(set(graph) | {b for _a, b in edges}):
        if v not in index:
            visit(v)
    return found


def cycle_detail(modules, group) -> list[str]:
    edges = package_edges(modules)
    return [line for (a, b), lines in sorted(edges.items()) if a in group and b in group for line in lines]


def wrong_way_imports(modules: dict[str, Module]) -> list[str]:
    """Imports that run against views → forms, services → models, into a views module, or out of the core."""
    problems = []
    for mod in modules.values():
        for target, line in mod.imports:
            other_name = _resolve(target, modules)
            if other_name is None or other_name == mod.name:
                continue
            other = modules[other_name]
            where = f"{mod.name}:{line} ({mod.layer}) imports {target} ({other.layer})"
            if other.is_package_init and not mod.is_package_init and other.name != target:
                other_layer = None  # "from gongfa.duty import bp": the package itself, no layer
            else:
                other_layer = other.layer
            if mod.package in TOP:
                continue
            if other.package in CORE and other.package != mod.package:
                continue  # anyone may use the core
            if mod.package in CORE and other.package not in CORE:
                problems.append(f"{where}: the core imports a domain")
                continue
            if other_layer == "views" and not other.is_package_init:
                problems.append(f"{where}: only the app factory imports views")
            elif mod.layer == "models" and other_layer in ("forms", "services"):
                problems.append(f"{where}: models import only models")
            elif mod.layer == "services" and other_layer == "forms" and mod.name not in FORM_READERS:
                problems.append(f"{where}: services do not import forms")
    return problems


# --- the checks fail when they should --------------------------------------------------------------


def _write(root: Path, files: dict[str, str]) -> Path:
    pkg = root / "gongfa"
    for rel, text in files.items():
        path = pkg / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return pkg


def test_the_checks_find_a_package_cycle_and_each_kind_of_wrong_way_import(tmp_path):
    pkg = _write(tmp_path, {
        "__init__.py": "from gongfa.duty import views\n",
        "clock.py": "",
        "web/__init__.py": "",
        "web/rendering.py": "from gongfa.people.models import User\n",  # the core reaching into a domain
        "org/__init__.py": "",
        "org/models.py": "from gongfa.org import services\n",  # models importing services
        "org/services.py": "from gongfa.people import services as people\n",
        "people/__init__.py": "",
        "people/models.py": "",
        "people/services.py": "from gongfa.org.services import something\nfrom gongfa.people.forms import F\n",
        "people/forms.py": "",
        "duty/__init__.py": "from flask import Blueprint\nbp = Blueprint('duty', __name__)\n",
        "duty/views.py": "from gongfa.duty import bp\n\n@bp.route('/')\ndef index():\n    pass\n",
        "ledger/__init__.py": "",
        "ledger/views.py": "from gongfa.duty.views import index\n",  # a view borrowing another domain's view
    })
    modules = read_modules(pkg)
    assert package_cycles(modules) == [["org", "people"]]
    assert any("org/services" in line or "gongfa.org.services:1 imports gongfa.people.services" in line
               for line in cycle_detail(modules, ["org", "people"]))
    problems = "\n".join(wrong_way_imports(modules))
    assert "gongfa.web.rendering:1" in problems and "the core imports a domain" in problems
    assert "gongfa.org.models:1" in problems and "models import only models" in problems
    assert "gongfa.ledger.views:1" in problems and "only the app factory imports views" in problems
    assert "gongfa.people.services:2" in problems and "services do not import forms" in problems
    assert "gongfa.duty.views:" not in problems  # "from gongfa.duty import bp" is the package, not a layer
    assert "gongfa:1" not in problems  # the app factory registers the views


def test_a_module_is_a_views_module_by_what_it_does_not_its_name(tmp_path):
    pkg = _write(tmp_path, {
        "__init__.py": "",
        "public/__init__.py": "",
        "public/village.py": "from flask import Blueprint\nbp = Blueprint('public', __name__)\n",
        "public/helpers.py": "x = 1\n",
    })
    modules = read_modules(pkg)
    assert modules["gongfa.public.village"].layer == "views"
    assert modules["gongfa.public.helpers"].layer == "services"


# --- the house itself ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def house():
    return read_modules(ROOT)


def test_imports_between_packages_run_one_way(house):
    cycles = package_cycles(house)
    assert not cycles, "\n".join(f"{group}:\n  " + "\n  ".join(cycle_detail(house, group)) for group in cycles)


def test_imports_run_views_to_services_to_models_and_the_core_imports_no_domain(house):
    assert wrong_way_imports(house) == []


def test_the_walk_sees_the_whole_house(house):
    """A walk that read nothing would pass the two tests above: it must see every domain and its layers."""
    layers = defaultdict(set)
    for mod in house.values():
        layers[mod.package].add(mod.layer)
    for domain in ("duty", "signup", "mediation", "worklog", "ledger", "org", "people", "auth"):
        assert {"models", "services"} <= layers[domain], domain
    assert sum(len(m.imports) for m in house.values()) > 300
