"""Strict YAML reading: SafeLoader's parser, no anchors, no tags, every scalar a string.

YAML's implicit typing turns `03001234567` into a number, `12:30` into 750 and `NO` into
False. Here no scalar is typed at all: each stays the exact text written (or None for an
empty value) and the schema that reads it decides what it means. Every value remembers its
line so an error can say `file:12: attendees[3].gender: ...`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from convener.storage import lazy
from convener.storage.errors import ValidationError

if TYPE_CHECKING:
    import yaml

MAX_YAML_BYTES = 5 * 1024 * 1024
_NULLS = {"", "~", "null", "Null", "NULL"}
_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}

Path_ = tuple[str | int, ...]


@dataclass
class LoadedYaml:
    """Plain data (dicts, lists, strings, None) plus the line of every value."""

    data: Any
    source: str
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_) -> int:
        """The line of `path`, or of its nearest parent that has one."""
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)

    def where(self, path: Path_) -> str:
        """`file:line: attendees[3].gender` for an error message."""
        return f"{self.source}:{self.line(path)}: {dotted(path)}"


def dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top level)"


def load_yaml_file(path: Path, max_bytes: int = MAX_YAML_BYTES) -> LoadedYaml:
    """Read `path` strictly; a ValidationError names the file and line of any problem."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ValidationError(str(path), [f"cannot read the file ({exc.strerror})"]) from exc
    if size > max_bytes:
        raise ValidationError(
            str(path), [f"file is {size:,} bytes; the limit is {max_bytes:,} bytes"]
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(str(path), [f"byte {exc.start}: not UTF-8 text"]) from exc
    return load_yaml_text(text, str(path))


def load_yaml_text(text: str, source: str = "<text>") -> LoadedYaml:
    """Strictly parse YAML text (see the module docstring)."""
    pyyaml = lazy.yaml()
    # libyaml's parser when PyYAML was built with it: same events and marks, ~15x faster,
    # which matters for a file near the size limit (the pure-Python one takes minutes on 5 MB).
    loader = getattr(pyyaml, "CSafeLoader", pyyaml.SafeLoader)
    try:
        for event in pyyaml.parse(text, Loader=loader):
            if isinstance(event, pyyaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + 1 if event.start_mark is not None else 1
                raise ValidationError(
                    source, [f"line {line}: anchors and aliases (& and *) are not allowed"]
                )
        node = pyyaml.compose(text, Loader=loader)
    except pyyaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise ValidationError(source, [f"line {line}: {exc.problem or exc}"]) from exc
    except pyyaml.YAMLError as exc:
        raise ValidationError(source, [f"not valid YAML ({exc})"]) from exc
    loaded = LoadedYaml(None, source)
    loaded.data = None if node is None else _build(node, (), loaded, pyyaml)
    return loaded


def _build(node: yaml.Node, path: Path_, loaded: LoadedYaml, pyyaml: Any) -> Any:
    loaded.lines[path] = node.start_mark.line + 1
    if node.tag not in _STANDARD_TAGS:
        raise ValidationError(
            loaded.source,
            [f"line {node.start_mark.line + 1}: {dotted(path)}: tag {node.tag} is not allowed"],
        )
    if isinstance(node, pyyaml.ScalarNode):
        if not node.style and node.value in _NULLS:  # plain: None (Python) or "" (libyaml)
            return None
        return node.value
    if isinstance(node, pyyaml.SequenceNode):
        return [_build(item, (*path, i), loaded, pyyaml) for i, item in enumerate(node.value)]
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, pyyaml.ScalarNode):
            raise ValidationError(
                loaded.source, [f"line {key_node.start_mark.line + 1}: keys must be plain text"]
            )
        key = str(key_node.value)
        if key in result:
            raise ValidationError(
                loaded.source,
                [f"line {key_node.start_mark.line + 1}: {dotted((*path, key))}: duplicate key"],
            )
        result[key] = _build(value_node, (*path, key), loaded, pyyaml)
    return result
