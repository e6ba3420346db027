#!/usr/bin/env python3
"""Checks that docs/reference.md documents exactly the problem types the server can answer.

A problem type is named in the sources in one of two ways: a `kind: "..."` argument where a
Problem is made, or the raw value of a case of an error enum whose cases are problem types
(`enum Refusal` / `enum Conflict` in a `*Error.swift` file). The reference lists each kind as a
table row starting with `` | `kind` | ``. Exits 1 naming what is missing on either side.
"""

import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
named = set()
for path in (root / "Sources").rglob("*.swift"):
    text = path.read_text()
    named.update(re.findall(r'\bkind: "([a-z]+(?:-[a-z]+)*)"', text))
    if path.name.endswith("Error.swift"):
        for block in re.findall(r"enum (?:Refusal|Conflict)\b[^{]*\{(.*?)\n    \}", text, re.S):
            named.update(re.findall(r'case \w+ = "([a-z-]+)"', block))
documented = set(re.findall(r"^\| `([a-z-]+)` \|", (root / "docs/reference.md").read_text(), re.M))

missing = sorted(named - documented)
stale = sorted(documented - named)
for kind in missing:
    print(f"reference: docs/reference.md does not document the problem type {kind}", file=sys.stderr)
for kind in stale:
    print(f"reference: docs/reference.md documents {kind}, which the server never answers", file=sys.stderr)
sys.exit(1 if missing or stale else 0)
