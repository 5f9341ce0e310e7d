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
from dataclasses import dataclass, field
from typing import Any, Literal

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
    body: dict[str, Any] = {"index": spec.index(prefix), "mappings": spec.mappings_with_meta(),
                            "settings": spec.settings}
    if with_alias:
        body["aliases"] = {spec.alias(prefix): {"is_write_index": True}}
    return body


def swap_alias_actions(alias: str, old: str, new: str) -> list[dict[str, Any]]:
    """One atomic alias move: readers and writers never see zero or two indices."""
    return [{"remove": {"index": old, "alias": alias}},
            {"add": {"index": new, "alias": alias, "is_write_index": True}}]


def current_indices(client: Any, alias: str) -> list[str]:
    from elasticsearch import NotFoundError

    try:
        return sorted(client.indices.get_alias(name=alias).body)
    except NotFoundError:
        return []


def migrate(client: Any, specs: list[IndexSpec], prefix: str) -> list[str]:
    """Create or upgrade every spec; returns one line per action taken (for the CLI)."""
    done: list[str] = []
    for spec in specs:
        alias = spec.alias(prefix)
        steps = plan_migration(spec, prefix, current_indices(client, alias))
        fresh = steps[0].kind == "create" and len(steps) == 1
        for step in steps:
            if step.kind == "create":
                if not client.indices.exists(index=step.index):
                    client.indices.create(**create_body(spec, prefix, with_alias=fresh))
                elif fresh:  # created before but the alias step did not happen
                    client.indices.update_aliases(actions=[{"add": {"index": step.index, "alias": alias,
                                                                    "is_write_index": True}}])
                done.append(f"created {step.index}" + (f" (alias {alias})" if fresh else ""))
            elif step.kind == "put_mapping":
                mappings = spec.mappings_with_meta()
                client.indices.put_mapping(index=step.index, properties=mappings["properties"],
                                           meta=mappings["_meta"])
                done.append(f"{step.index} is current (mapping applied)")
            elif step.kind == "reindex":
                result = client.reindex(source={"index": step.source}, dest={"index": step.index},
                                        wait_for_completion=True, refresh=True)
                if result.get("failures"):
                    raise RuntimeError(f"reindex {step.source} -> {step.index} failed: {result['failures'][:3]}")
                done.append(f"reindexed {step.source} -> {step.index} ({result.get('total', 0)} documents)")
            else:
                client.indices.update_aliases(actions=swap_alias_actions(alias, step.source, step.index))
                done.append(f"alias {alias}: {step.source} -> {step.index}")
    return done


def require_current(client: Any, specs: list[IndexSpec], prefix: str) -> None:
    """At service start: every alias must point at the version this code expects.

    Services never create or upgrade indices themselves (several instances would race);
    `jobmatch es migrate` does, once, before they start.
    """
    wrong = []
    for spec in specs:
        found = current_indices(client, spec.alias(prefix))
        if found != [spec.index(prefix)]:
            wrong.append(f"{spec.alias(prefix)} -> {', '.join(found) or 'missing'} (expected {spec.index(prefix)})")
    if wrong:
        raise RuntimeError("Elasticsearch-indexen zijn niet bijgewerkt; voer `jobmatch es migrate` uit. / "
                           "Elasticsearch indices are not up to date; run `jobmatch es migrate`: " + "; ".join(wrong))
