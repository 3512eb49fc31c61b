"""The project's import graph has no cycles (type-checking-only imports count too: a cycle there
is still two modules that cannot be understood apart)."""

from __future__ import annotations

import grimp

PACKAGES = ("core", "exchanges", "trading", "strategies", "alerts", "bot", "peers", "bench")

# Cycles tolerated for a stated reason (none today). Each entry needs a comment saying why.
ALLOWED: set[frozenset[str]] = set()


def import_cycles(graph: grimp.ImportGraph) -> list[frozenset[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[frozenset[str]] = []
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if i < len(edges[node]):
                work.append((node, i + 1))
                nxt = edges[node][i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(frozenset(component))
    return cycles


def test_cycle_finder_sees_a_cycle_and_ignores_a_chain() -> None:
    graph = grimp.ImportGraph()
    for name in ("a", "a.x", "a.y", "a.z"):
        graph.add_module(name)
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.x")
    graph.add_import(importer="a.z", imported="a.x")
    graph.add_import(importer="a", imported="a.z")  # a package importing its submodule: fine
    assert import_cycles(graph) == [frozenset({"a.x", "a.y"})]


def test_no_import_cycles() -> None:
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    cycles = [sorted(c) for c in import_cycles(graph) if c not in ALLOWED]
    assert cycles == [], f"import cycles: {cycles}"
