"""In-memory fakes of the store ports, for unit tests of the handlers. Each also runs as the
"memory" leg of its port's contract suite (tests/integration/*/test_*_store_contract.py), so a
fake that drifts from the adapters fails there."""
