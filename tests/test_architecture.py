"""The package's shape: no import cycles, each layer imports only from the layers below it, and the page
side loads without any backend library (SPEC §2, STYLE.md "The shape")."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cardgen"

#: Layers, lowest first: a module may import modules of its own layer or of lower ones. Modules are
#: matched by longest dotted prefix.
LAYERS: tuple[tuple[str, ...], ...] = (
    # cardgen.math is pure (LaTeX → MathML/SVG/OMML/Unicode, backend libraries imported on use): the
    # parser needs it to read a formula as text, the renderers to draw it. The bundled fonts, their
    # metrics, shaping and bidi classes know no page either: formulas set their text with them.
    (
        "cardgen.text.metrics",
        "cardgen.text.fonts",
        "cardgen.text.shaping",
        "cardgen.text.bidi",
        "cardgen.units",
        "cardgen.memo",
        "cardgen.errors",
        "cardgen.colors",
        "cardgen.safepath",
        "cardgen.stamps",
        "cardgen.output",
        "cardgen.i18n",
        "cardgen.math",
        "cardgen.pool",
        "cardgen.collector",
        "cardgen.qr",
    ),
    (
        "cardgen.document",
        "cardgen.limits",
        "cardgen.mathsyntax",
        "cardgen.page",
        "cardgen.frontmatter",
        "cardgen.markdown",
        "cardgen.shortcodes",
        "cardgen.slides",
        "cardgen.site",
        "cardgen.loader",
        "cardgen.fields",
        "cardgen.content",
        "cardgen.text.plain",
    ),
    ("cardgen.imaging", "cardgen.text"),
    ("cardgen.layouts", "cardgen.templates"),
    ("cardgen.layout",),
    ("cardgen.render",),
    ("cardgen.report", "cardgen.batch"),
    ("cardgen.cli", "cardgen.__main__", "cardgen"),
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, name: str, modules: set[str]) -> set[str]:
    """Every cardgen module `path` imports at run time (function-level imports included,
    `if TYPE_CHECKING:` blocks left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in modules else base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {m for m in found if m in modules and m != name}


def import_graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(files)
    return {name: _imports(path, name, modules) for name, path in files.items()}


def _layer(module: str) -> int:
    best, best_len = -1, -1
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_len:
                best, best_len = index, len(prefix)
    return best


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            # A package's __init__ re-exporting its submodules is not a cycle with them.
            if nxt == node.rsplit(".", 1)[0] and nxt in graph and node.startswith(nxt + "."):
                continue
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state:
                found = walk(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = walk(start)
            if found:
                return found
    return None


def test_graph_walker_sees_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_cardgen_has_no_import_cycle() -> None:
    cycle = _cycle(import_graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_every_module_has_a_layer() -> None:
    assert [m for m in import_graph() if _layer(m) < 0] == []


def test_no_module_imports_from_a_higher_layer() -> None:
    violations = [
        f"{module} (layer {_layer(module)}) imports {target} (layer {_layer(target)})"
        for module, targets in import_graph().items()
        for target in sorted(targets)
        # The root package (lazy public API and `__version__`) is imported by every submodule anyway.
        if _layer(target) > _layer(module) and target != "cardgen"
    ]
    assert violations == []


@pytest.mark.parametrize("package", ["cardgen.layout", "cardgen.layouts", "cardgen.templates"])
def test_layout_and_templates_never_import_a_backend_library(package: str) -> None:
    """Layout decides, backends translate: nothing in the layout stage knows python-pptx, fpdf2 or lxml."""
    backend = ("pptx", "fpdf", "lxml")
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        name = _module_name(path)
        if not (name == package or name.startswith(package + ".")):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            offenders += [f"{name}: {n}" for n in names if n.split(".")[0] in backend]
    assert offenders == []


def _imports_after(code: str, libraries: set[str]) -> tuple[list[str], set[str]]:
    """Run `code` in a fresh interpreter: (the words it printed, which of `libraries` it imported)."""
    script = code + f"\nimport sys\nprint('|', *sorted({{m.split('.')[0] for m in sys.modules}} & set({sorted(libraries)!r})))\n"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    printed, _, imported = out.stdout.rpartition("|")
    return printed.split(), set(imported.split())


def test_load_page_imports_no_backend_library() -> None:
    page = Path(__file__).resolve().parent.parent / "samples" / "site" / "content" / "project"
    code = (
        "import pathlib\n"
        "from cardgen import load_page\n"
        f"for p in sorted(pathlib.Path({str(page)!r}).glob('*/index.md')): load_page(p)\n"
    )
    assert _imports_after(code, {"pptx", "fpdf", "numpy", "lxml", "PIL"})[1] == set()


def test_a_deck_of_a_page_without_a_picture_imports_neither_numpy_nor_fpdf(tmp_path: Path) -> None:
    """A cold `cardgen deck` pays only for what a deck needs (numpy's import alone is ~80 ms): the
    language guess, the placeholder art and the slides use neither numpy nor the PDF library."""
    page = tmp_path / "index.md"
    page.write_text(
        "---\ntitle: Aprendizaje automático para la física de materiales\nsummary: Redes neuronales y fases.\n---\n\n"
        "## Método\n\nEntrenamos una red con configuraciones del modelo de Ising.\n",
        encoding="utf-8",
    )
    code = f"from cardgen.cli import main\nprint(main(['deck', {str(page)!r}, '-o', {str(tmp_path / 'deck.pptx')!r}]))\n"
    printed, imported = _imports_after(code, {"numpy", "fpdf", "fontTools"})
    assert printed[-1:] == ["0"] and imported == set() and (tmp_path / "deck.pptx").stat().st_size > 10_000
