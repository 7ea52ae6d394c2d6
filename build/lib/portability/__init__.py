"""Offline checks that the dbt project stays portable between DuckDB and BigQuery."""
