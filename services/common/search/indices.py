"""Versioned indices behind aliases, and the migration that creates or upgrades them.

An `IndexSpec` names an index (`vacancies`), its version, mappings and settings. The data
lives in `<prefix>-<name>-v<version>`; code only ever talks to the alias `<prefix>-<name>`.
Migration, per spec, is decided by the pure `plan_migration` and carried out by `migrate`:
- no alias yet: create the versioned index with the alias (write index);
- alias on the current version: put the mapping again (additive changes only; idempotent);
- alias on an older version: create the new index, reindex old -> new, then swap the alias
  in one atomic `update_aliases` call. The old index is kept (roll back = swap back) until an
  operator deletes it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from .engine import SearchEngine, SearchEngineStartupError

StepKind = Literal["create", "put_mapping", "reindex", "swap_alias"]
_VERSIONED = re.compile(r"^(?P<base>.+)-v(?P<version>\d+)$")


@dataclass(frozen=True)
class IndexSpec:
    name: str  # without prefix, e.g. "vacancies"
    version: int
    mappings: dict[str, Any]
    settings: dict[str, Any] = field(default_factory=dict)

    def alias(self, prefix: str) -> str:
        return f"{prefix}-{self.name}"

    def index(self, prefix: str) -> str:
        return f"{prefix}-{self.name}-v{self.version}"

    def mappings_with_meta(self) -> dict[str, Any]:
        meta = dict(self.mappings.get("_meta", {}))
        meta["jobmatch_version"] = self.version
        return {**self.mappings, "_meta": meta}


@dataclass(frozen=True)
class Step:
    kind: StepKind
    index: str
    source: str = ""  # reindex: from; swap_alias: the index the alias leaves


def version_of(index: str) -> int | None:
    match = _VERSIONED.match(index)
    return int(match.group("version")) if match else None


def plan_migration(spec: IndexSpec, prefix: str, current_indices: list[str]) -> list[Step]:
    """What to do for `spec`, given the indices the alias points at now (empty: no alias)."""
    target = spec.index(prefix)
    if not current_indices:
        return [Step("create", target)]
    if len(current_indices) != 1:
        raise ValueError(f"alias {spec.alias(prefix)} points at several indices: {sorted(current_indices)}")
    (current,) = current_indices
    version = version_of(current)
    if version is None:
        raise ValueError(f"alias {spec.alias(prefix)} points at {current}, which has no -v<N> suffix")
    if version == spec.version:
        return [Step("put_mapping", target)]
    if version > spec.version:
        raise ValueError(f"{current} is newer than this code knows (v{spec.version}); upgrade the code first")
    return [Step("create", target), Step("reindex", target, source=current), Step("swap_alias", target, source=current)]


def create_body(spec: IndexSpec, prefix: str, *, with_alias: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "index": spec.index(prefix),
        "mappings": spec.mappings_with_meta(),
        "settings": spec.settings,
    }
    if with_alias:
        body["aliases"] = {spec.alias(prefix): {"is_write_index": True}}
    return body


def swap_alias_actions(alias: str, old: str, new: str) -> list[dict[str, Any]]:
    """One atomic alias move: readers and writers never see zero or two indices."""
    return [{"remove": {"index": old, "alias": alias}}, {"add": {"index": new, "alias": alias, "is_write_index": True}}]


def current_indices(engine: SearchEngine, alias: str) -> list[str]:
    return engine.alias_targets(alias)


@dataclass
class ReindexWatch:
    """How `migrate` waits for a reindex task: polled, never re-sent."""

    poll_seconds: float = 0.2
    timeout_seconds: float = 3600.0
    sleep: Callable[[float], None] = time.sleep
    progress: Callable[[str], None] = lambda line: None


def migrate(engine: SearchEngine, specs: list[IndexSpec], prefix: str, watch: ReindexWatch | None = None) -> list[str]:
    """Create or upgrade every spec; returns one line per action taken (for the CLI)."""
    watch = watch or ReindexWatch()
    done: list[str] = []
    for spec in specs:
        alias = spec.alias(prefix)
        steps = plan_migration(spec, prefix, current_indices(engine, alias))
        fresh = steps[0].kind == "create" and len(steps) == 1
        if steps[0].kind == "create" and not fresh:
            done += _upgrade(engine, spec, prefix, steps[1].source, watch)
            continue
        for step in steps:
            if step.kind == "create":
                if not engine.index_exists(step.index):
                    engine.create_index(**create_body(spec, prefix, with_alias=fresh))
                elif fresh:  # created before but the alias step did not happen
                    engine.update_aliases([{"add": {"index": step.index, "alias": alias, "is_write_index": True}}])
                done.append(f"created {step.index}" + (f" (alias {alias})" if fresh else ""))
            else:
                mappings = spec.mappings_with_meta()
                engine.put_mapping(index=step.index, properties=mappings["properties"], meta=mappings["_meta"])
                done.append(f"{step.index} is current (mapping applied)")
    return done


def _upgrade(engine: SearchEngine, spec: IndexSpec, prefix: str, source: str, watch: ReindexWatch) -> list[str]:
    """New index, copy, atomic alias swap — with the old index closed for writes meanwhile.

    Writes that arrive while the copy runs are refused by the engine (a write block, answered
    as a retryable "unavailable": RPCs say try again, consumers retry the event), so nothing
    written during the copy can be left behind in the old index. The block is lifted again
    afterwards, whether the copy succeeded or not; the old index is kept for a roll-back.
    """
    target, alias = spec.index(prefix), spec.alias(prefix)
    if engine.index_exists(target):  # an earlier attempt stopped half-way: start the copy afresh
        engine.delete_indices([target])
    engine.create_index(**create_body(spec, prefix, with_alias=False))
    engine.put_settings(index=source, settings={"index.blocks.write": True})
    try:
        expected = engine.count(index=source)
        task = engine.start_reindex(source=source, dest=target)
        watch.progress(f"reindex {source} -> {target}: task {task}, {expected} documents")
        copied = _wait_for_copy(engine, task, target, expected, watch)
        engine.update_aliases(swap_alias_actions(alias, source, target))
    finally:
        engine.put_settings(index=source, settings={"index.blocks.write": False})
    return [
        f"created {target}",
        f"reindexed {source} -> {target} ({copied} documents)",
        f"alias {alias}: {source} -> {target}",
    ]


def _wait_for_copy(engine: SearchEngine, task: str, target: str, expected: int, watch: ReindexWatch) -> int:
    """Poll until the task has left the task list and the copy holds every document.

    The source is write-blocked, so its count is final: equal counts after the task ended
    mean the copy is complete (the task list works on every engine; `GET _tasks/<id>` does not).
    """
    waited = 0.0
    while waited <= watch.timeout_seconds:
        running = task in engine.running_tasks("*reindex")
        if not running:
            engine.refresh(index=target)
            copied = engine.count(index=target)
            if copied == expected:
                return copied
        watch.sleep(watch.poll_seconds)
        waited += watch.poll_seconds
    raise RuntimeError(
        f"reindex task {task} into {target} did not finish within {watch.timeout_seconds:.0f} s "
        f"({expected} documents expected); the old index stays in use"
    )


def require_current(engine: SearchEngine, specs: list[IndexSpec], prefix: str) -> None:
    """At service start: every alias must point at the version this code expects.

    Services never create or upgrade indices themselves (several instances would race);
    `jobmatch es migrate` does, once, before they start.
    """
    wrong = []
    for spec in specs:
        found = current_indices(engine, spec.alias(prefix))
        if found != [spec.index(prefix)]:
            wrong.append(f"{spec.alias(prefix)} -> {', '.join(found) or 'missing'} (expected {spec.index(prefix)})")
    if wrong:
        raise SearchEngineStartupError(
            "De indexen van de zoekmachine zijn niet bijgewerkt; voer `jobmatch search migrate` uit. / "
            "The search engine's indices are not up to date; run `jobmatch search migrate`: " + "; ".join(wrong)
        )
