"""Shared service kit: settings base, Kafka helpers, OpenTelemetry setup, health endpoints."""
