{#-
  JSON helpers. The raw layer keeps payloads as JSON text; staging parses them with these,
  so the same model compiles for DuckDB and BigQuery.
  Paths are written BigQuery-style ('$.resultSets'); the DuckDB bodies add what DuckDB needs.
-#}

{#- One row per element of the JSON array at `path` in `json_column`, carrying every column
    of `from_relation`. `as_text=true` yields scalar elements as strings, otherwise each
    element stays JSON text. `index_alias` is 1-based. Used in a FROM position:
    select ... from ( {{ unnest_json_array(...) }} ) -#}
{% macro unnest_json_array(from_relation, json_column, path, value_alias, index_alias, as_text=false) -%}
    {{ return(adapter.dispatch('unnest_json_array', 'nba_props_warehouse')(
        from_relation, json_column, path, value_alias, index_alias, as_text)) }}
{%- endmacro %}

{% macro default__unnest_json_array(from_relation, json_column, path, value_alias, index_alias, as_text) -%}
    {{ exceptions.raise_compiler_error("unnest_json_array has no implementation for " ~ target.type) }}
{%- endmacro %}

{% macro duckdb__unnest_json_array(from_relation, json_column, path, value_alias, index_alias, as_text) -%}
    {%- set extract = 'json_extract_string' if as_text else 'json_extract' -%}
    select
        base.*,
        unnest(elements) as {{ value_alias }},
        unnest(range(1, len(elements) + 1)) as {{ index_alias }}
    from (
        select
            inner_base.*,
            {{ extract }}(inner_base.{{ json_column }}, '{{ path }}[*]') as elements
        from {{ from_relation }} as inner_base
    ) as base
{%- endmacro %}

{% macro bigquery__unnest_json_array(from_relation, json_column, path, value_alias, index_alias, as_text) -%}
    {%- set extract = 'json_value_array' if as_text else 'json_query_array' -%}
    select
        base.*,
        element as {{ value_alias }},
        element_offset + 1 as {{ index_alias }}
    from {{ from_relation }} as base
    cross join unnest({{ extract }}(base.{{ json_column }}, '{{ path }}')) as element
        with offset as element_offset
{%- endmacro %}


{#- A JSON array of scalars (text) as an array of strings; JSON null becomes SQL NULL. -#}
{% macro json_scalar_array(json_expr) -%}
    {{ return(adapter.dispatch('json_scalar_array', 'nba_props_warehouse')(json_expr)) }}
{%- endmacro %}

{% macro default__json_scalar_array(json_expr) -%}
    json_value_array({{ json_expr }}, '$')
{%- endmacro %}

{% macro duckdb__json_scalar_array(json_expr) -%}
    json_extract_string({{ json_expr }}, '$[*]')
{%- endmacro %}


{#- Element `position` (1-based) of an array, NULL when out of range. -#}
{% macro array_element(array_expr, position) -%}
    {{ return(adapter.dispatch('array_element', 'nba_props_warehouse')(array_expr, position)) }}
{%- endmacro %}

{% macro default__array_element(array_expr, position) -%}
    {{ array_expr }}[safe_ordinal({{ position }})]
{%- endmacro %}

{% macro duckdb__array_element(array_expr, position) -%}
    {{ array_expr }}[{{ position }}]
{%- endmacro %}


{#- A scalar at a JSON path of a JSON text value, as a string. -#}
{% macro json_text(json_expr, path) -%}
    {{ return(adapter.dispatch('json_text', 'nba_props_warehouse')(json_expr, path)) }}
{%- endmacro %}

{% macro default__json_text(json_expr, path) -%}
    json_value({{ json_expr }}, '{{ path }}')
{%- endmacro %}

{% macro duckdb__json_text(json_expr, path) -%}
    json_extract_string({{ json_expr }}, '{{ path }}')
{%- endmacro %}
