"""Shared Elasticsearch plumbing: client factory, versioned indices behind aliases, the
migration that creates/upgrades them, bulk writes with per-item errors, and the ES adapter of
the processing log. Every store port's ES adapter lives next to its SQLite adapter in the
service's `adapters/` package and registers its `IndexSpec`s in `services.common.elasticsearch.registry`."""
