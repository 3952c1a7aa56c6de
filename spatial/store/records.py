"""Plain records the store returns (all have ``to_dict()`` for JSON APIs)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass
class Version:
    """One version of a world. ``num`` is its number within the world (0 = imported)."""

    world: str
    num: int
    parent: int | None
    kind: str  # import | edit | duplicate
    author: str
    created: str  # ISO 8601 UTC
    op: dict | None
    summary: dict | None
    n_splats: int
    n_faces: int
    tags: list[str] = field(default_factory=list)
    is_head: bool = False
    has_snapshot: bool = False
    delta_bytes: int = 0

    def to_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        """One line: what this version did."""
        if self.kind != "edit" or not self.op:
            return self.kind if not self.op else f"{self.kind} {json.dumps(self.op, sort_keys=True)[:80]}"
        s = self.summary or {}
        parts = []
        for k, label in (("removed", "removed"), ("added", "added"), ("modified", "changed")):
            if s.get(k):
                parts.append(f"{label} {s[k]}")
        if s.get("collider_faces_removed") or s.get("collider_faces_added"):
            parts.append(f"collider -{s.get('collider_faces_removed', 0)}/+{s.get('collider_faces_added', 0)}")
        if s.get("meta"):
            parts.append("set " + ",".join(s["meta"]))
        note = f' "{self.op["note"]}"' if self.op.get("note") else ""
        return f"{self.op.get('op')}{note}: " + (", ".join(parts) or "no change")


@dataclass
class WorldInfo:
    """What ``Store.list()`` / ``Store.info()`` report about a world."""

    name: str
    head: int
    versions: int
    n_splats: int
    n_faces: int
    created: str
    updated: str
    tags: dict[str, int] = field(default_factory=dict)
    can_undo: bool = False
    can_redo: bool = False
    has_preview: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Commit:
    """The result of ``WorldHandle.apply``: the new version, what changed, whether it was merged."""

    version: Version
    summary: dict
    merged: bool = False
    merged_over: list[int] = field(default_factory=list)  # versions the edit was rebased over

    def to_dict(self) -> dict:
        return {"version": self.version.to_dict(), "summary": self.summary, "merged": self.merged,
                "merged_over": self.merged_over}


@dataclass
class Event:
    at: str
    author: str
    action: str
    version: int | None
    detail: dict | None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class CheckReport:
    """``Store.check()``: ``clean`` is True when every committed version is intact."""

    clean: bool
    problems: list[str]
    worlds: int
    versions: int
    objects_checked: int
    bytes_checked: int
    garbage_objects: int
    temp_files: int

    def to_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        head = "clean" if self.clean else f"DIRTY: {len(self.problems)} problem(s)"
        lines = [f"{head}: {self.worlds} worlds, {self.versions} versions, {self.objects_checked} objects "
                 f"({self.bytes_checked} bytes) verified"]
        if self.garbage_objects or self.temp_files:
            lines.append(f"garbage (invisible, removed by `spatial worlds gc`): {self.garbage_objects} unreferenced "
                         f"objects, {self.temp_files} temporary files")
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)
