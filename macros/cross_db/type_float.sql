{#- dbt's type_float() is `float` on DuckDB, which is 32-bit there (REAL): minutes, rates and
    features would lose precision. Both targets get a 64-bit float: DOUBLE here, FLOAT64 on
    BigQuery (dbt-bigquery's own body). Picked up through the dispatch search order in
    dbt_project.yml. -#}
{% macro duckdb__type_float() -%}
    double
{%- endmacro %}
