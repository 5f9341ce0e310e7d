"""The search-engine port and what every store adapter shares on it.

`engine.SearchEngine` is the port (Elasticsearch and OpenSearch implementations in
`engines.py`, built from settings in `client.py`); versioned indices behind aliases and the
migration that creates or upgrades them (`indices.py`); bulk writes with per-item errors
(`bulk.py`); reading every hit (`reading.py`); counters; the processing log on the engine.
Each store port's search adapter lives next to its SQLite adapter in the service's
`adapters/` package and lists its `IndexSpec`s in `INDEX_SPECS`."""
