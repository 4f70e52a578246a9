#!/usr/bin/env python3
"""(The workplace's shared layers tool, kept here so `make lint` can run it on any clone.)

Which top-level modules of a Rust crate use which, and where that goes against the layers.

    layers.py CRATE_SRC [LAYERS_FILE]

CRATE_SRC is a crate's src/ folder (e.g. app/src). A module is a top-level file or folder there
(`forms/`, `clock.rs`). A use of another module is any `crate::name` path, including the names
inside `use crate::{a::x, b}`; `super::` paths stay inside a module and are not counted.

LAYERS_FILE (optional) lists the modules from the ground up, one layer per line, names separated
by spaces; `#` starts a comment. A module may use modules of its own layer or below. The report:
  - the use graph, one line per module: what it uses (and how many files do);
  - cycles: groups of modules that reach each other (each is one knot to untie);
  - with a layers file: every use that climbs to a higher layer, with the files that make it,
    and modules that the file does not place.
Exit status: 0 when there is no cycle and (with a layers file) nothing climbs; 1 otherwise.
"""
import re
import sys
from collections import defaultdict
from pathlib import Path

IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def module_of(path: Path, src: Path) -> str:
    rel = path.relative_to(src)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def crate_uses(text: str) -> set:
    """Top-level module names that a file reaches through `crate::`."""
    names = set()
    i = 0
    while True:
        i = text.find("crate::", i)
        if i < 0:
            return names
        j = i + len("crate::")
        if text.startswith("{", j):
            depth, k, expect = 0, j, True
            while k < len(text):
                c = text[k]
                if c == "{":
                    depth += 1
                    expect = depth == 1
                elif c == "}":
                    depth -= 1
                    if depth == 0:
                        break
                elif c == "," and depth == 1:
                    expect = True
                elif expect and depth == 1 and (c.isalpha() or c == "_"):
                    m = IDENT.match(text, k)
                    names.add(m.group(0))
                    k = m.end() - 1
                    expect = False
                k += 1
            i = k
        else:
            m = IDENT.match(text, j)
            if m:
                names.add(m.group(0))
            i = j


def sccs(graph: dict) -> list:
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    src = Path(sys.argv[1])
    files = sorted(p for p in src.rglob("*.rs"))
    modules = {module_of(p, src) for p in files} - {"lib", "main"}
    uses = defaultdict(lambda: defaultdict(list))  # from -> to -> files
    for p in files:
        me = module_of(p, src)
        if me in ("lib", "main"):
            continue
        for name in crate_uses(strip_comments(p.read_text(encoding="utf-8"))):
            if name in modules and name != me:
                uses[me][name].append(str(p.relative_to(src)))
    graph = {m: set(uses[m]) for m in modules}

    print(f"{len(modules)} modules, {sum(len(v) for v in graph.values())} module-to-module uses")
    for m in sorted(modules):
        if uses[m]:
            print(f"  {m} -> " + ", ".join(f"{t}({len(fs)})" for t, fs in sorted(uses[m].items())))
    bad = 0
    cycles = sccs(graph)
    for c in cycles:
        bad += 1
        print(f"cycle: {' <-> '.join(c)}")
    if not cycles:
        print("no cycles")

    if len(sys.argv) > 2:
        level = {}
        for n, line in enumerate(Path(sys.argv[2]).read_text().splitlines()):
            for name in line.split("#")[0].split():
                level[name] = n
        for m in sorted(modules - set(level)):
            bad += 1
            print(f"not placed in a layer: {m}")
        for m in sorted(modules):
            for t, fs in sorted(uses[m].items()):
                if m in level and t in level and level[t] > level[m]:
                    bad += 1
                    print(f"climbs: {m} (layer {level[m]}) uses {t} (layer {level[t]}) in {', '.join(sorted(set(fs)))}")
    print(f"{bad} problem(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
