"""An in-process imitation of the part of the Elasticsearch 8/9 client API the adapters use.

For tests only, and honest about it: it runs the adapters' *code paths* (request shapes,
response parsing, concurrency control, paging, per-item bulk errors) without a cluster. It
does not reproduce Elasticsearch's text analysis or BM25 scoring: text is lower-cased,
accent-folded and split on non-word characters; a phrase scores boost x occurrences. The
contract suites' real `elasticsearch` leg is the proof on a cluster; this `es-fake` leg is
the one that runs everywhere.
"""

from __future__ import annotations

import copy
import fnmatch
import math
import re
import threading
import unicodedata
from datetime import UTC, date, datetime
from typing import Any

from elastic_transport import ApiResponseMeta, HttpHeaders

EARTH_RADIUS_M = 6371008.7714  # as Elasticsearch's GeoUtils.EARTH_MEAN_RADIUS
_WORD = re.compile(r"\w+")


class Response(dict):  # type: ignore[type-arg]
    @property
    def body(self) -> dict[str, Any]:
        return self


def _error(kind: str, status: int, message: str) -> Exception:
    import elasticsearch

    meta = ApiResponseMeta(status=status, http_version="1.1", headers=HttpHeaders(), duration=0.0, node=None)  # type: ignore[arg-type]
    return getattr(elasticsearch, kind)(message, meta, {"error": {"reason": message}, "status": status})


def _fold(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return _WORD.findall("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def _values(doc: dict[str, Any], field: str) -> list[Any]:
    value: Any = doc
    for part in field.split("."):
        if not isinstance(value, dict) or part not in value:
            return []
        value = value[part]
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _millis(value: Any) -> Any:
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value):
        moment = datetime.fromisoformat(value) if "T" in value else datetime.combine(date.fromisoformat(value), datetime.min.time())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return int(moment.timestamp() * 1000)
    return value


def _haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _in_polygon(lon: float, lat: float, ring: list[list[float]]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


class _Index:
    def __init__(self, mappings: dict[str, Any], settings: dict[str, Any]) -> None:
        self.mappings = copy.deepcopy(mappings)
        self.settings = settings
        self.docs: dict[str, tuple[dict[str, Any], int]] = {}
        self.seq = -1

    def field_type(self, field: str) -> str:
        return str(self.mappings.get("properties", {}).get(field, {}).get("type", ""))


class FakeIndices:
    def __init__(self, es: FakeElasticsearch) -> None:
        self._es = es

    def create(self, index: str, mappings: dict[str, Any] | None = None, settings: dict[str, Any] | None = None,
               aliases: dict[str, Any] | None = None) -> Response:
        if index in self._es.store:
            raise _error("BadRequestError", 400, f"index {index} exists")
        self._es.store[index] = _Index(mappings or {}, settings or {})
        for alias in aliases or {}:
            self._es.aliases.setdefault(alias, set()).add(index)
        return Response(acknowledged=True)

    def get(self, index: str) -> Response:
        return Response({name: {} for name in self._es.store if fnmatch.fnmatch(name, index)})

    def exists(self, index: str) -> bool:
        return index in self._es.store

    def get_alias(self, name: str) -> Response:
        if name not in self._es.aliases or not self._es.aliases[name]:
            raise _error("NotFoundError", 404, f"alias {name} missing")
        return Response({index: {"aliases": {name: {}}} for index in self._es.aliases[name]})

    def put_mapping(self, index: str, properties: dict[str, Any], meta: dict[str, Any] | None = None) -> Response:
        self._es.store[index].mappings.setdefault("properties", {}).update(properties)
        return Response(acknowledged=True)

    def update_aliases(self, actions: list[dict[str, Any]]) -> Response:
        for action in actions:
            ((kind, spec),) = action.items()
            members = self._es.aliases.setdefault(spec["alias"], set())
            (members.add if kind == "add" else members.discard)(spec["index"])
        return Response(acknowledged=True)

    def refresh(self, index: str) -> Response:
        return Response()

    def delete(self, index: str, ignore_unavailable: bool = False) -> Response:
        if "*" in index:
            raise _error("BadRequestError", 400, "Wildcard expressions or all indices are not allowed")
        for name in [n for n in index.split(",") if n in self._es.store]:
            del self._es.store[name]
            for members in self._es.aliases.values():
                members.discard(name)
        return Response(acknowledged=True)


class FakeElasticsearch:
    def __init__(self) -> None:
        self.store: dict[str, _Index] = {}
        self.aliases: dict[str, set[str]] = {}
        self.indices = FakeIndices(self)
        self.lock = threading.RLock()
        self.requests: list[tuple[str, dict[str, Any]]] = []  # what was sent (for tests)

    def close(self) -> None:
        pass

    # -- documents -----------------------------------------------------------------
    def _resolve(self, name: str) -> str:
        if name in self.store:
            return name
        members = self.aliases.get(name, set())
        if len(members) != 1:
            raise _error("NotFoundError", 404, f"no such index [{name}]")
        return next(iter(members))

    def _hit(self, index: str, doc_id: str) -> dict[str, Any] | None:
        stored = self.store[index].docs.get(doc_id)
        if stored is None:
            return None
        return {"_index": index, "_id": doc_id, "_source": copy.deepcopy(stored[0]), "_seq_no": stored[1],
                "_primary_term": 1, "found": True}

    def _write(self, index: str, doc_id: str, source: dict[str, Any], *, op_type: str = "index",
               if_seq_no: int | None = None, if_primary_term: int | None = None) -> dict[str, Any]:
        name = self._resolve(index)
        target = self.store[name]
        existing = target.docs.get(doc_id)
        if op_type == "create" and existing is not None:
            raise _error("ConflictError", 409, f"[{doc_id}]: version conflict, document already exists")
        if if_seq_no is not None and (existing is None or existing[1] != if_seq_no or if_primary_term != 1):
            raise _error("ConflictError", 409, f"[{doc_id}]: version conflict, required seqNo [{if_seq_no}]")
        self._check_strict(target, source)
        target.seq += 1
        target.docs[doc_id] = (copy.deepcopy(source), target.seq)
        return {"_index": name, "_id": doc_id, "_seq_no": target.seq, "_primary_term": 1,
                "result": "updated" if existing else "created"}

    @staticmethod
    def _check_strict(target: _Index, source: dict[str, Any]) -> None:
        if target.mappings.get("dynamic") == "strict":
            unknown = set(source) - set(target.mappings.get("properties", {}))
            if unknown:
                raise _error("BadRequestError", 400, f"strict_dynamic_mapping_exception: {sorted(unknown)}")

    def index(self, index: str, document: dict[str, Any], id: str, op_type: str = "index",
              if_seq_no: int | None = None, if_primary_term: int | None = None, refresh: Any = None) -> Response:
        with self.lock:
            return Response(self._write(index, id, document, op_type=op_type, if_seq_no=if_seq_no,
                                        if_primary_term=if_primary_term))

    def get(self, index: str, id: str) -> Response:
        with self.lock:
            hit = self._hit(self._resolve(index), id)
        if hit is None:
            raise _error("NotFoundError", 404, f"{id} not found")
        return Response(hit)

    def mget(self, index: str, ids: list[str]) -> Response:
        with self.lock:
            name = self._resolve(index)
            return Response(docs=[self._hit(name, i) or {"_index": name, "_id": i, "found": False} for i in ids])

    def delete(self, index: str, id: str, refresh: Any = None) -> Response:
        with self.lock:
            name = self._resolve(index)
            if self.store[name].docs.pop(id, None) is None:
                raise _error("NotFoundError", 404, f"{id} not found")
        return Response(result="deleted")

    def update(self, index: str, id: str, doc: dict[str, Any], refresh: Any = None, if_seq_no: int | None = None,
               if_primary_term: int | None = None, retry_on_conflict: int = 0) -> Response:
        with self.lock:
            hit = self._hit(self._resolve(index), id)
            if hit is None:
                raise _error("NotFoundError", 404, f"{id} not found")
            return Response(self._write(index, id, {**hit["_source"], **doc}, if_seq_no=if_seq_no,
                                        if_primary_term=if_primary_term))

    def bulk(self, operations: list[dict[str, Any]], refresh: Any = None) -> Response:
        items, errors, ops = [], False, list(operations)
        with self.lock:
            while ops:
                ((action, meta),) = ops.pop(0).items()
                body = ops.pop(0) if action != "delete" else None
                try:
                    if action in ("index", "create"):
                        result = self._write(meta["_index"], meta["_id"], body or {}, op_type=action,
                                             if_seq_no=meta.get("if_seq_no"), if_primary_term=meta.get("if_primary_term"))
                    elif action == "update":
                        hit = self._hit(self._resolve(meta["_index"]), meta["_id"])
                        if hit is None and "upsert" not in (body or {}):
                            raise _error("NotFoundError", 404, "document missing")
                        source = body["upsert"] if hit is None else {**hit["_source"], **body["doc"]}  # type: ignore[index]
                        result = self._write(meta["_index"], meta["_id"], source)
                    else:
                        name = self._resolve(meta["_index"])
                        if self.store[name].docs.pop(meta["_id"], None) is None:
                            raise _error("NotFoundError", 404, "not found")
                        result = {"_index": name, "_id": meta["_id"]}
                    items.append({action: {**result, "status": 201 if action == "create" else 200}})
                except Exception as error:  # noqa: BLE001 - per item, as the real _bulk
                    status = int(getattr(error, "status_code", 500))
                    errors = True
                    items.append({action: {"_index": meta["_index"], "_id": meta["_id"], "status": status,
                                           "error": {"reason": str(error)}}})
        return Response(errors=errors, items=items)

    def delete_by_query(self, index: str, query: dict[str, Any], refresh: Any = None, conflicts: str = "abort") -> Response:
        with self.lock:
            name = self._resolve(index)
            doomed = [i for i, (src, _) in self.store[name].docs.items() if self._matches(name, query, src)[0]]
            for doc_id in doomed:
                del self.store[name].docs[doc_id]
        return Response(deleted=len(doomed))

    def count(self, index: str, query: dict[str, Any]) -> Response:
        with self.lock:
            name = self._resolve(index)
            return Response(count=sum(1 for src, _ in self.store[name].docs.values() if self._matches(name, query, src)[0]))

    def reindex(self, source: dict[str, Any], dest: dict[str, Any], **_: Any) -> Response:
        with self.lock:
            docs = list(self.store[self._resolve(source["index"])].docs.items())
            for doc_id, (src, _) in docs:
                self._write(dest["index"], doc_id, src)
        return Response(total=len(docs), failures=[])

    # -- queries ---------------------------------------------------------------------
    def _matches(self, index: str, query: dict[str, Any], doc: dict[str, Any]) -> tuple[bool, float]:
        ((kind, spec),) = query.items()
        if kind == "match_all":
            return True, 1.0
        if kind == "bool":
            score = 0.0
            for clause in spec.get("filter", []):
                if not self._matches(index, clause, doc)[0]:
                    return False, 0.0
            for clause in spec.get("must", []):
                ok, part = self._matches(index, clause, doc)
                if not ok:
                    return False, 0.0
                score += part
            for clause in spec.get("must_not", []):
                if self._matches(index, clause, doc)[0]:
                    return False, 0.0
            should = [self._matches(index, clause, doc) for clause in spec.get("should", [])]
            needed = spec.get("minimum_should_match", 0 if ("filter" in spec or "must" in spec) else 1)
            if spec.get("should") and sum(1 for ok, _ in should if ok) < needed:
                return False, 0.0
            return True, score + sum(part for ok, part in should if ok)
        if kind == "geo_distance":
            limit = float(str(spec["distance"]).removesuffix("km")) * 1000
            point_field = next(k for k in spec if k not in ("distance", "distance_type"))
            centre = spec[point_field]
            return any(_haversine_m(centre["lat"], centre["lon"], v["lat"], v["lon"]) <= limit
                       for v in _values(doc, point_field)), 0.0
        ((field, value),) = spec.items() if kind != "exists" else ((spec["field"], None),)
        values = _values(doc, field)
        if kind == "exists":
            return bool(values), 0.0
        if kind == "term":
            wanted = value["value"] if isinstance(value, dict) else value
            return wanted in values, 0.0
        if kind == "terms":
            return any(v in value for v in values), 0.0
        if kind == "prefix":
            wanted = value["value"] if isinstance(value, dict) else value
            return any(isinstance(v, str) and v.startswith(wanted) for v in values), 0.0
        if kind == "range":
            return any(self._in_range(index, field, v, value) for v in values), 0.0
        if kind == "geo_shape":
            lon, lat = value["shape"]["coordinates"]
            return any(_in_polygon(lon, lat, v["coordinates"][0]) for v in values), 0.0
        if kind in ("match_phrase", "match_phrase_prefix"):
            wanted = _fold(value["query"])
            boost = float(value.get("boost", 1.0))
            hits = sum(self._phrase_count(_fold(str(v)), wanted, kind == "match_phrase_prefix") for v in values)
            return hits > 0, boost * hits
        raise NotImplementedError(f"fake Elasticsearch has no {kind} query")

    def _in_range(self, index: str, field: str, v: Any, bounds: dict[str, Any]) -> bool:
        if isinstance(v, dict):  # a range field: intersects
            low, high = v.get("gte", -math.inf), v.get("lte", math.inf)
            return bool(bounds.get("gte", -math.inf) <= high and bounds.get("lte", math.inf) >= low)
        if self.store[index].field_type(field) == "date":
            v = _millis(v)
            bounds = {k: _millis(b) for k, b in bounds.items()}
        checks = {"gt": lambda b: v > b, "gte": lambda b: v >= b, "lt": lambda b: v < b, "lte": lambda b: v <= b}
        return all(checks[k](b) for k, b in bounds.items() if k in checks)

    @staticmethod
    def _phrase_count(tokens: list[str], wanted: list[str], prefix: bool) -> int:
        n, count = len(wanted), 0
        for start in range(len(tokens) - n + 1):
            window = tokens[start:start + n]
            if window[:-1] == wanted[:-1] and (window[-1].startswith(wanted[-1]) if prefix else window[-1] == wanted[-1]):
                count += 1
        return count

    # -- search ------------------------------------------------------------------------
    def _sort_values(self, index: str, sort: list[dict[str, Any]], doc: dict[str, Any], score: float) -> list[Any]:
        values = []
        for clause in sort:
            ((field, _),) = clause.items()
            if field == "_score":
                values.append(score)
                continue
            found = _values(doc, field)
            value = found[0] if found else None
            values.append(_millis(value) if self.store[index].field_type(field) == "date" else value)
        return values

    @staticmethod
    def _order_key(values: list[Any], sort: list[dict[str, Any]]) -> tuple[Any, ...]:
        key = []
        for value, clause in zip(values, sort, strict=True):
            ((field, order),) = clause.items()
            direction = order if isinstance(order, str) else order.get("order", "asc")
            if field == "_score" and not isinstance(order, (str, dict)):
                direction = "desc"
            missing = value is None
            if isinstance(value, (int, float)):
                part: Any = -value if direction == "desc" else value
            else:
                part = _Reversed(value) if direction == "desc" and not missing else value
            key.append((missing, part if not missing else 0))
        return tuple(key)

    def search(self, index: str, query: dict[str, Any] | None = None, sort: list[dict[str, Any]] | None = None,
               size: int = 10, from_: int = 0, search_after: list[Any] | None = None, source: Any = True,
               aggs: dict[str, Any] | None = None, track_total_hits: Any = None, track_scores: bool = False,
               **_: Any) -> Response:
        self.requests.append(("search", {"index": index, "query": query, "sort": sort, "aggs": aggs}))
        with self.lock:
            name = self._resolve(index)
            matched = []
            for doc_id, (doc, _) in self.store[name].docs.items():
                ok, score = self._matches(name, query or {"match_all": {}}, doc)
                if ok:
                    matched.append((doc_id, doc, score))
            sort = sort or [{"_score": "desc"}]
            rows = [(self._sort_values(name, sort, doc, score), doc_id, doc, score) for doc_id, doc, score in matched]
            rows.sort(key=lambda row: self._order_key(row[0], sort))
            if search_after is not None:
                after = self._order_key(list(search_after), sort)
                rows = [row for row in rows if self._order_key(row[0], sort) > after]
            page = rows[from_:from_ + size]
            hits = [{"_index": name, "_id": doc_id, "_score": score,
                     "_source": doc if source is True else {k: v for k, v in doc.items() if k in source},
                     "sort": values} for values, doc_id, doc, score in page]
            answer: dict[str, Any] = {"hits": {"total": {"value": len(matched), "relation": "eq"}, "hits": copy.deepcopy(hits)}}
            if aggs:
                answer["aggregations"] = {n: self._aggregate(name, spec, [d for _, d, _ in matched]) for n, spec in aggs.items()}
        return Response(answer)

    def _aggregate(self, index: str, spec: dict[str, Any], docs: list[dict[str, Any]]) -> dict[str, Any]:
        sub = spec.get("aggs", {})
        if "terms" in spec:
            groups: dict[Any, list[dict[str, Any]]] = {}
            for doc in docs:
                for value in set(map(str, _values(doc, spec["terms"]["field"]))):
                    groups.setdefault(value, []).append(doc)
            ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:spec["terms"].get("size", 10)]
            return {"buckets": [{"key": key, "doc_count": len(members),
                                 **{n: self._aggregate(index, s, members) for n, s in sub.items()}}
                                for key, members in ordered]}
        if "max" in spec:
            field = spec["max"]["field"]
            found = [_millis(v) if self.store[index].field_type(field) == "date" else v
                     for doc in docs for v in _values(doc, field)]
            if not found:
                return {"value": None}
            top = max(found)
            result: dict[str, Any] = {"value": float(top)}
            if self.store[index].field_type(field) == "date":
                result["value_as_string"] = datetime.fromtimestamp(top / 1000, UTC).date().isoformat()
            return result
        if "composite" in spec:
            composite = spec["composite"]
            ((key_name, source),) = composite["sources"][0].items()
            keys = sorted({v for doc in docs for v in _values(doc, source["terms"]["field"])})
            if "after" in composite:
                keys = [k for k in keys if k > composite["after"][key_name]]
            page = keys[:composite.get("size", 10)]
            buckets = [{"key": {key_name: k}, "doc_count": 0} for k in page]
            return {"buckets": buckets, **({"after_key": buckets[-1]["key"]} if buckets else {})}
        raise NotImplementedError(f"fake Elasticsearch has no aggregation {sorted(spec)}")


class _Reversed:
    """Descending order for strings inside an ascending sort key."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _Reversed) -> bool:
        return bool(self.value > other.value)

    def __gt__(self, other: _Reversed) -> bool:
        return bool(self.value < other.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and self.value == other.value
