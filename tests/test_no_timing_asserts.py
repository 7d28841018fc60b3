"""No assert in a notebook depends on the speed of the machine.

A time, a speed-up, a throughput or an exponent fitted to times changes with the
device and with whatever else the machine is doing, so a chapter prints and plots
it but does not assert it (CONTRIBUTING.md, "Rules every chapter follows"). This
test parses every notebook's code cells and follows each value through the
assignments that compute it: a value is a timing when it comes from a clock
(``time.perf_counter()``, ``best_time(...)``, ``history.seconds``, ...), is named
like one (``seconds``, ``elapsed``, ``speedup``, ...) or is computed from one
(``np.polyfit(log_T, np.log(seconds), 1)[0]``). A check on a timing fails the test:
an ``assert``, a call such as ``torch.testing.assert_close`` or ``check_metric``, or
an ``if`` that raises. The one exception is a ratio whose margin holds on every CPU
and GPU (a Python loop against one vectorised call); its line carries the marker
``# any-device ratio: <why the margin holds everywhere>``.
"""

from __future__ import annotations

import ast
import json
import re
import textwrap
from pathlib import Path

import pytest
from book_toc import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

# Parts of a name (split at "_" and at lower-to-upper case changes) that mark a
# timing. "second" alone is not one (a second moment, the second layer).
TIMING_WORDS = frozenset(
    "time timing timings timed timer timeit elapsed seconds secs sec ms "
    "millis milliseconds latency duration runtime wallclock clock perf monotonic "
    "speedup speedups slowdown throughput gflops tflops fps".split()
)
MARKER = re.compile(r"#\s*any-device ratio:\s*\S")
APPENDERS = frozenset({"append", "extend", "insert", "add", "update", "setdefault"})


def name_words(name: str) -> set[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return {part for part in spaced.lower().split("_") if part}


def looks_like_timing(name: str) -> bool:
    return bool(name_words(name) & TIMING_WORDS)


def notebook_source(path: Path) -> tuple[str, list[int]]:
    """The code cells of a notebook as one module, and each line's cell index.

    IPython magics (``%time``, ``!pip``) become blank lines; a cell magic's cell
    is left out.
    """
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    lines, cell_of_line = [], []
    for index, cell in enumerate(cells):
        source = "".join(cell["source"])
        if cell["cell_type"] != "code" or source.lstrip().startswith("%%"):
            continue
        for line in [*source.splitlines(), ""]:
            lines.append("" if line.lstrip().startswith(("%", "!")) else line)
            cell_of_line.append(index)
    return "\n".join(lines) + "\n", cell_of_line


SCOPES = (
    ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
    ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp,
)  # fmt: skip


class _Scope:
    """A Python scope: the names it binds, and which of them hold timings."""

    def __init__(self, parent: _Scope | None = None) -> None:
        self.parent, self.local, self.tainted = parent, set(), set()

    def owner(self, name: str) -> _Scope:
        scope = self
        while scope.parent is not None and name not in scope.local:
            scope = scope.parent
        return scope


class _Taint:
    """Which names (and functions) hold a timing or a value computed from one.

    Each function, lambda, class and comprehension is its own scope, as in
    Python, so a loop variable in one cell does not spread to the whole notebook.
    """

    def __init__(self, tree: ast.AST) -> None:
        self.module = _Scope()
        self.scope_of: dict[int, _Scope] = {}
        self.inner: dict[int, _Scope] = {}  # a function node -> its body's scope
        self._index(tree, self.module)
        self.scopes = [self.module, *self.inner.values()]
        size = -1
        while size != self._size():  # propagate until nothing is added
            size = self._size()
            for node in ast.walk(tree):
                self._visit(node)

    def _size(self) -> int:
        return sum(len(scope.tainted) for scope in self.scopes)

    def _index(self, node: ast.AST, scope: _Scope) -> None:
        self.scope_of[id(node)] = scope
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            scope.local.add(node.id)
        if isinstance(node, SCOPES):  # its body runs in a scope of its own
            inner = self.inner[id(node)] = _Scope(scope)
            if not isinstance(node, ast.Lambda) and hasattr(node, "name"):
                scope.local.add(node.name)
            if isinstance(getattr(node, "args", None), ast.arguments):
                a = node.args
                for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]:
                    if arg is not None:
                        inner.local.add(arg.arg)
            scope = inner
        for child in ast.iter_child_nodes(node):
            self._index(child, scope)

    def expr(self, node: ast.AST | None) -> bool:
        """Whether an expression reads a timing.

        A literal container (a tuple, a list, a dict) counts only when all its
        items are timings: a record such as ``{"loss": loss, "seconds": s}`` is
        not, so its other fields stay clean.
        """
        if node is None or isinstance(node, ast.Lambda):
            return False  # a lambda is code to run later, not a value
        if isinstance(node, ast.Name):
            scope = self.scope_of[id(node)].owner(node.id)
            return looks_like_timing(node.id) or node.id in scope.tainted
        if isinstance(node, ast.Attribute):
            return looks_like_timing(node.attr) or self.expr(node.value)
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return bool(node.elts) and all(map(self.expr, node.elts))
        if isinstance(node, ast.Dict):
            return bool(node.values) and all(map(self.expr, node.values))
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp):
            return self.expr(node.elt)
        if isinstance(node, ast.DictComp):
            return self.expr(node.value)
        return any(map(self.expr, ast.iter_child_nodes(node)))

    def _mark(self, target: ast.AST) -> None:
        if isinstance(target, ast.Name):
            self.scope_of[id(target)].owner(target.id).tainted.add(target.id)
        elif isinstance(target, ast.Tuple | ast.List):
            for item in target.elts:
                self._mark(item)
        elif isinstance(target, ast.Starred | ast.Subscript | ast.Attribute):
            self._mark(target.value)  # d[k] = t: d holds timings, k does not

    @staticmethod
    def _sources(target: ast.AST, value: ast.AST | None) -> list | None:
        """Per-item sources when both sides can be paired, else None."""
        if not isinstance(target, ast.Tuple | ast.List):
            return None
        if isinstance(value, ast.Tuple | ast.List):
            items = value.elts  # a, b = x, y
        elif isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
            if value.func.id == "zip":
                items = value.args  # for a, b in zip(x, y)
            elif value.func.id == "enumerate" and value.args:
                items = [None, value.args[0]]  # the counter is not a timing
            else:
                return None
        elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
            if value.func.attr != "items":
                return None
            items = [None, value.func.value]  # for key, value in d.items()
        else:
            return None
        return items if len(items) == len(target.elts) else None

    def _assign(self, target: ast.AST, value: ast.AST | None) -> None:
        pairs = self._sources(target, value)
        if pairs is not None:
            for t, v in zip(target.elts, pairs, strict=True):
                self._assign(t, v)
        elif self.expr(value):
            self._mark(target)

    def _visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                self._assign(target, node.value)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign | ast.NamedExpr):
            self._assign(node.target, node.value)
        elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
            self._assign(node.target, node.iter)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            self._assign(node.optional_vars, node.context_expr)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value  # seconds.append(t): the list holds timings
            if node.func.attr in APPENDERS and isinstance(owner, ast.Name):
                if any(self.expr(a) for a in node.args):
                    self._mark(owner)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            returns = [
                sub.value
                for stmt in node.body
                for sub in ast.walk(stmt)
                if isinstance(sub, ast.Return)
            ]
            if any(map(self.expr, returns)):  # calling it yields a timing
                self.scope_of[id(node)].owner(node.name).tainted.add(node.name)


def _is_check_call(node: ast.Call) -> bool:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name.startswith("assert") or name == "check_metric"


def _raises(body: list[ast.stmt]) -> bool:
    return any(isinstance(sub, ast.Raise) for stmt in body for sub in ast.walk(stmt))


def timing_asserts(source: str) -> list[tuple[int, str]]:
    """Checks in ``source`` that read a timing and carry no any-device marker,
    as ``(line number, first line)``."""
    tree = ast.parse(source)
    taint = _Taint(tree)

    lines = source.splitlines()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            checked = [node.test]
        elif isinstance(node, ast.Call) and _is_check_call(node):
            checked = [*node.args, *(k.value for k in node.keywords)]
        elif isinstance(node, ast.If) and _raises(node.body):
            checked = [node.test]
        else:
            continue
        if not any(map(taint.expr, checked)):
            continue
        span = lines[node.lineno - 1 : node.end_lineno]
        if isinstance(node, ast.If):  # the marker goes on the condition's line
            span = lines[node.lineno - 1 : node.test.end_lineno]
        if not any(MARKER.search(line) for line in span):
            found.append((node.lineno, span[0].strip()))
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_assert_depends_on_the_speed_of_the_machine(path: Path) -> None:
    source, cell_of_line = notebook_source(path)
    found = [
        f"cell {cell_of_line[line - 1]}: {text}"
        for line, text in timing_asserts(source)
    ]
    assert not found, (
        f"{path.name} checks a timing, which a GPU or a busy machine breaks: "
        f"{found}. Assert FLOPs or bytes instead and plot the times; a ratio "
        "whose margin holds on any CPU and GPU carries "
        "'# any-device ratio: <reason>' on its line (CONTRIBUTING.md)."
    )


CHAPTER_08_BEFORE = """
seconds, memory = [], []
for T in Ts:
    Q, K, V = torch.randn(3, T, d_cost, device=device)
    seconds.append(best_time(lambda: attention(Q, K, V), device=device))
    scores = Q @ K.T
    memory.append(scores.element_size() * scores.nelement())
log_T = np.log(Ts)
time_exponent = np.polyfit(log_T, np.log(seconds), 1)[0]
memory_exponent = np.polyfit(log_T, np.log(memory), 1)[0]
assert 1.5 < time_exponent < 2.5, time_exponent
assert abs(memory_exponent - 2) < 0.1, memory_exponent
"""


def test_chapter_08s_old_exponent_assert_is_caught() -> None:
    found = timing_asserts(CHAPTER_08_BEFORE)
    assert found == [(11, "assert 1.5 < time_exponent < 2.5, time_exponent")]


@pytest.mark.parametrize(
    "source",
    [
        "t = best_time(f)\nassert t < 0.5",
        "start = time.perf_counter()\nf()\nassert time.perf_counter() - start < 1",
        "start = time.perf_counter()\nf()\nd = time.perf_counter() - start\n"
        "assert d < 1",
        "assert history.seconds < 60",
        "a, b = best_time(f), best_time(g)\nratio = a / b\nassert ratio > 2",
        "out = [best_time(f) for f in fs]\np = np.polyfit(x, np.log(out), 1)[0]\n"
        "assert p < 2.5",
        "xs = []\nfor n in ns:\n    xs.append(best_time(f))\nassert xs[-1] > xs[0]",
        "def measure():\n    s = perf_counter()\n    f()\n"
        "    return perf_counter() - s\nassert measure() < 1",
        "speedup = a / b\ncheck_metric('speed-up', speedup, full=5, smoke=2)",
        "elapsed = t1 - t0\nif elapsed > 5:\n    raise AssertionError('too slow')",
        "speedup = a / b\nassert speedup > 10  # any-device ratio:",  # no reason
    ],
)
def test_timing_checks_are_found(source: str) -> None:
    assert len(timing_asserts(source)) == 1, source


@pytest.mark.parametrize(
    "source",
    [
        "assert flops == [4 * T * T * d for T in Ts]",
        "scores = Q @ K.T\nassert scores.element_size() * scores.numel() == 4 * T * T",
        "second = variance.mean()\nassert second >= floor",  # a second moment
        "seconds = best_time(f)\nprint(f'{seconds:.2f} s')\nassert n_layers == 2",
        "t, s = best_time(f), torch.arange(3)\nassert s.sum() == 3",
        "for s, n in zip(seconds, sizes):\n    assert n > 0",
        "speedup = a / b\n"
        "assert speedup > 10  # any-device ratio: Python loop vs one BLAS call",
        "if speedup > 10:  # any-device ratio: Python loop vs one call\n"
        "    raise AssertionError",
    ],
)
def test_exact_checks_and_marked_ratios_pass(source: str) -> None:
    assert timing_asserts(textwrap.dedent(source)) == [], source
