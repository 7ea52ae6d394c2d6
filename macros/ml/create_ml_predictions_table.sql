{#-
    Creates the ML predictions source table (and its schema) when missing, from the columns and
    data_types declared in models/staging/ml_predictions/_ml_predictions__sources.yml, so a
    fresh warehouse (CI builds before any model has scored) has the source and the grading
    marts build empty instead of failing. Runs from `on-run-start` (dbt_project.yml); an
    existing table is left untouched. `python -m ml score` creates it the same way from the
    same YAML (ml/predictions.py), so the YAML stays the one definition.
-#}
{% macro create_ml_predictions_table() %}
    {%- if execute -%}
        {%- set node = graph.sources.get(
            'source.' ~ project_name ~ '.ml_predictions.player_points_predictions') -%}
        {%- if node is not none -%}
            {%- set relation = api.Relation.create(
                database=node.database, schema=node.schema, identifier=node.identifier) -%}
            {#- create_schema goes through the adapter, so BigQuery creates the dataset in the
                profile's location. -#}
            {%- do adapter.create_schema(relation) -%}
create table if not exists {{ relation }} (
            {%- for column in node.columns.values() %}
    {{ column.name }} {{ column.data_type }}{{ "," if not loop.last }}
            {%- endfor %}
)
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
