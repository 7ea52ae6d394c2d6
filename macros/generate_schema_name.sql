{#- Custom schemas are used as given (staging, intermediate, marts) instead of dbt's
    default "<target_schema>_<custom>", so analysts query marts.player_game_summary on
    every target. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema | trim }}
    {%- else -%}{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
