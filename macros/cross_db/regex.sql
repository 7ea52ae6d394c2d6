{#- Regular expressions. Patterns must stay within what both RE2 (BigQuery) and DuckDB's
    engine accept: no look-arounds, no backreferences. -#}

{#- True when `expr` contains a match of `pattern` (anchor with ^...$ for a full match). -#}
{% macro regex_matches(expr, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'nba_props_warehouse')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches(expr, pattern) -%}
    regexp_contains({{ expr }}, r'{{ pattern }}')
{%- endmacro %}

{% macro duckdb__regex_matches(expr, pattern) -%}
    regexp_matches({{ expr }}, '{{ pattern }}')
{%- endmacro %}


{#- The text of the single capturing group of `pattern` in `expr`; NULL when no match.
    BigQuery's REGEXP_EXTRACT returns the group and DuckDB's the whole match unless told,
    so `pattern` must have exactly one capturing group. -#}
{% macro regex_capture(expr, pattern) -%}
    {{ return(adapter.dispatch('regex_capture', 'nba_props_warehouse')(expr, pattern)) }}
{%- endmacro %}

{% macro default__regex_capture(expr, pattern) -%}
    regexp_extract({{ expr }}, r'{{ pattern }}')
{%- endmacro %}

{% macro duckdb__regex_capture(expr, pattern) -%}
    nullif(regexp_extract({{ expr }}, '{{ pattern }}', 1), '')
{%- endmacro %}


{#- Every match of `pattern` in `expr` replaced by `replacement` (no backreferences). -#}
{% macro regex_replace(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('regex_replace', 'nba_props_warehouse')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regex_replace(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, r'{{ pattern }}', '{{ replacement }}')
{%- endmacro %}

{% macro duckdb__regex_replace(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}
