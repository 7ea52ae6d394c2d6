"""Orchestration of the warehouse: ingest, load, dbt build, and (as it lands) the ML step."""
