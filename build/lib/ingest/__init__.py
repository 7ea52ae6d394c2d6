"""Ingestion layer: fetch or replay raw NBA payloads, land them unchanged, load them raw."""
