"""YAML with bounded alias expansion: a few hundred bytes of nested aliases (&a / *a) can stand for billions of
values (an "alias bomb").

Aliases themselves are fine (PyYAML writes them for repeated values), so the composed document is measured as
it would be once expanded, counting each shared part as often as it is used, before anything is built or
checked from it. A document larger than MAX_EXPANDED_NODES, or one that contains itself, is refused.
"""

from __future__ import annotations

import yaml

MAX_EXPANDED_NODES = 200_000
"""Largest YAML document we expand, in values. The shipped exercise library and protocols are a few thousand;
a document a hundred times larger is a mistake or an attack, and expanding it would exhaust memory."""


class AliasBombError(ValueError):
    """The document expands too far, or refers to itself; `line` is 1-based."""

    def __init__(self, line: int, what: str):
        self.line = line
        super().__init__(f"line {line}: {what}")


def check_expansion(node: yaml.Node | None, limit: int = MAX_EXPANDED_NODES) -> None:
    """Raise AliasBombError when the expanded document would hold more than `limit` values or contain itself."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(n: yaml.Node) -> int:
        key = id(n)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise AliasBombError(n.start_mark.line + 1, "this value contains itself through an alias")
        active.add(key)
        total = 1
        if isinstance(n, yaml.SequenceNode):
            total += sum(size(c) for c in n.value)
        elif isinstance(n, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in n.value)
        active.discard(key)
        if total > limit:
            raise AliasBombError(n.start_mark.line + 1,
                                 f"the aliases here expand to more than {limit:,} values; write the values out "
                                 "instead of repeating aliases")
        sizes[key] = total
        return total

    if node is not None:
        size(node)


def load_checked(text: str, loader: type):
    """Compose, check the expansion, then build: the data of one YAML document (None for an empty one)."""
    ld = loader(text)
    try:
        node = ld.get_single_node()
        check_expansion(node)
        return None if node is None else ld.construct_document(node)
    finally:
        ld.dispose()
