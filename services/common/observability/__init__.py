"""Operability: Prometheus metrics (`metrics`), OpenTelemetry traces (`tracing`) and the gRPC
interceptors that feed both (`grpc_interceptors`)."""
