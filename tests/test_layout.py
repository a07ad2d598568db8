"""The code's shape: imports point one way, forum reaches moderation only to register it, and
every module is short and opens with a one-line docstring.

The import graph is read from the source with `ast`, imports inside functions included, and
folded to units: each package of forum (forum.accounts, forum.policy, …), each top-level module
of forum (forum.cli, forum.limits, …), forum/__init__.py itself, and moderation.
"""

import ast
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("forum", "moderation")
MAX_LINES = 400

# Known breaches, each strict: fixing one turns its test red until its entry here goes.
TOO_LONG: dict[str, str] = {}  # module -> why it may not be split yet (a strict xfail)
SUMMARY_RUNS_ON: dict[str, str] = {}  # module -> why its summary may run on (a strict xfail)


@dataclass(frozen=True)
class Import:
    """One import statement: which module imports which, and where."""

    source: str
    target: str
    line: int

    def __str__(self) -> str:
        return f"{self.source} (line {self.line}) imports {self.target}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def source_files() -> dict[str, Path]:
    """Every module of the app's packages, by its dotted name."""
    return {
        module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def unit_of(module: str) -> str:
    """The unit a module belongs to: moderation, forum itself, or forum's package or module."""
    parts = module.split(".")
    if parts[0] == "moderation":
        return "moderation"
    return ".".join(parts[:2])


def _absolute(module: str, node: ast.ImportFrom) -> str:
    """The module an ImportFrom names, relative imports resolved against `module`."""
    if not node.level:
        return node.module or ""
    is_package = source_files()[module].name == "__init__.py"
    base = module.split(".")
    base = base[: len(base) - node.level + (1 if is_package else 0)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module: str, source: str | None = None) -> list[Import]:
    """Every import of one of the app's modules that `module` makes, wherever it stands."""
    known = source_files()
    tree = ast.parse(source if source is not None else known[module].read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            named = _absolute(module, node)
            # `from forum import policy` imports the module forum.policy, not forum itself.
            targets = [
                f"{named}.{alias.name}" if f"{named}.{alias.name}" in known else named
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]  # `import forum.models.user` and the like
            if target:
                found.append(Import(module, target, node.lineno))
    return found


def all_imports() -> list[Import]:
    return [found for module in source_files() for found in imports_of(module)]


def unit_edges() -> dict[tuple[str, str], list[Import]]:
    """Imports between different units, grouped by (importing unit, imported unit)."""
    edges = defaultdict(list)
    for found in all_imports():
        pair = (unit_of(found.source), unit_of(found.target))
        if pair[0] != pair[1]:
            edges[pair].append(found)
    return edges


def two_way_ties(edges) -> list[str]:
    """Each pair of units that import each other, with the imports that make the tie."""
    ties = []
    for (a, b), forward in sorted(edges.items()):
        if a < b and (b, a) in edges:
            lines = [str(found) for found in forward + edges[(b, a)]]
            ties.append(f"{a} <-> {b}:\n    " + "\n    ".join(lines))
    return ties


def find_cycle(edges) -> list[str] | None:
    """A cycle through the units' import graph (as a closed list of units), or None."""
    graph = defaultdict(set)
    for a, b in edges:
        graph[a].add(b)
    done, path = set(), []

    def visit(unit: str) -> list[str] | None:
        if unit in path:
            return path[path.index(unit) :] + [unit]
        if unit in done:
            return None
        path.append(unit)
        for successor in sorted(graph[unit]):
            if cycle := visit(successor):
                return cycle
        path.pop()
        done.add(unit)
        return None

    for unit in sorted(graph):
        if cycle := visit(unit):
            return cycle
    return None


# The reader itself


def test_the_reader_sees_every_package_and_resolves_imports():
    units = {unit_of(module) for module in source_files()}
    expected = {
        "forum",
        "forum.accounts",
        "forum.admin",
        "forum.identity",
        "forum.policy",
        "forum.models",
        "forum.spaces",
        "forum.threads",
        "forum.cli",
        "forum.limits",
        "moderation",
    }
    assert expected <= units
    assert ("forum", "moderation") in unit_edges()


def test_the_reader_resolves_every_form_of_import():
    source = (
        "import moderation.services\n"
        "from forum import identity, db_name_in_init\n"
        "from . import queries\n"
        "from ..models.post import Post\n"
        "import flask\n"
        "def later():\n"
        "    from forum.threads.trees import branch\n"
    )
    found = [(i.target, i.line) for i in imports_of("forum.spaces.views", source)]
    assert found == [
        ("moderation.services", 1),
        ("forum.identity", 2),
        ("forum", 2),
        ("forum.spaces.queries", 3),
        ("forum.models.post", 4),
        ("forum.threads.trees", 7),
    ]


def test_a_cycle_of_three_is_found():
    edges = {("a", "b"): [], ("b", "c"): [], ("c", "a"): [], ("c", "d"): []}
    assert find_cycle(edges) == ["a", "b", "c", "a"]
    assert find_cycle({("a", "b"): [], ("b", "c"): []}) is None


# The rules


def test_no_two_units_import_each_other():
    ties = two_way_ties(unit_edges())
    assert not ties, "Units that import each other:\n" + "\n".join(ties)


def test_the_units_import_graph_has_no_cycle():
    edges = unit_edges()
    cycle = find_cycle(edges)
    if cycle is None:
        return
    steps = [
        f"{a} -> {b}: {', '.join(str(found) for found in edges[(a, b)])}"
        for a, b in zip(cycle, cycle[1:], strict=False)
    ]
    pytest.fail("An import cycle between units:\n" + "\n".join(steps))


def test_forum_reaches_moderation_only_to_register_it():
    reaching = [
        str(found)
        for found in all_imports()
        if unit_of(found.target) == "moderation"
        and unit_of(found.source) != "moderation"
        and found.source != "forum"
    ]
    assert not reaching, "Only forum/__init__.py may import moderation:\n" + "\n".join(reaching)


def _modules_with(breaches: dict[str, str]) -> list:
    """Every module as a parameter; a known breach is expected to fail, strictly."""
    return [
        pytest.param(
            module,
            id=module,
            marks=[pytest.mark.xfail(strict=True, reason=breaches[module])]
            if module in breaches
            else [],
        )
        for module in sorted(source_files())
    ]


@pytest.mark.parametrize("module", _modules_with(TOO_LONG))
def test_module_stays_under_400_lines(module):
    lines = len(source_files()[module].read_text().splitlines())
    assert lines < MAX_LINES, f"{module} has {lines} lines: split it by noun"


@pytest.mark.parametrize("module", _modules_with(SUMMARY_RUNS_ON))
def test_module_opens_with_a_one_line_docstring(module):
    source = source_files()[module].read_text()
    tree = ast.parse(source)
    docstring = ast.get_docstring(tree, clean=False)
    assert docstring is not None, f"{module} has no docstring"
    assert tree.body[0].lineno == 1, f"{module}: the docstring is not the file's first line"
    summary, *rest = docstring.split("\n")
    assert source.startswith(('"""' + summary, "'''" + summary))
    assert summary.strip(), f"{module}: the docstring's first line is empty"
    assert not rest or not rest[0].strip(), (
        f"{module}: the docstring's summary runs past its first line: {summary!r}"
    )


def test_every_form_is_built_on_the_apps_form():
    """forum.forms.Form checks every text field for control characters; a form built on
    FlaskForm directly would let NUL through to the database."""
    built_on_flask_form = [
        f"{module}.{node.name}"
        for module, path in source_files().items()
        if module != "forum.forms"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ClassDef)
        and any(
            getattr(base, "id", getattr(base, "attr", None)) == "FlaskForm" for base in node.bases
        )
    ]
    assert built_on_flask_form == []
