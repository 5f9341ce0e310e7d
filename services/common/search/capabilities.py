"""What an engine can do, asked of the engine itself before indices are created.

Every Elasticsearch and OpenSearch node has the Dutch stemmer built in. An engine that lacks
it (osmem, the embedded stack's OpenSearch-API server, answers 400 for it — and a field
analysed with an unknown stemmer gets no terms at all) must get the `.nl` fields without
stemming rather than fields that match nothing or everything.
"""

from __future__ import annotations

from .engine import EngineRejected, SearchEngine


def has_dutch_stemmer(engine: SearchEngine) -> bool:
    try:
        tokens = engine.analyze(
            tokenizer="standard", filters=[{"type": "stemmer", "language": "dutch"}], text="fietsen"
        )
    except EngineRejected:
        return False
    return len(tokens) == 1 and tokens[0] != "fietsen"  # it stemmed (Snowball: "fiets")
