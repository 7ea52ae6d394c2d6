{#-
    dq_regexp_matches(expression, regex, flags=""): a boolean SQL expression, true when
    the string `expression` contains a match of `regex` anywhere (search, not full match;
    anchor with ^ and $ for a full match). NULL input gives NULL.

    The pattern is passed to the engine exactly as written in YAML on every target, so
    one pattern means the same on DuckDB and BigQuery (both use RE2 syntax):
      - duckdb:   regexp_matches(expr, '<pattern>')   standard literal, no escape processing
      - bigquery: regexp_contains(expr, r'<pattern>') raw literal, backslashes kept as is
      - default:  expr ~ '<pattern>'                   POSIX operator (Postgres, Redshift)
    `flags` are RE2 inline flags (any of i, m, s, U) prepended as `(?flags)`, which both
    DuckDB and BigQuery understand, instead of DuckDB's differently-defined options argument.
-#}
{% macro dq_regexp_matches(expression, regex, flags="") -%}
    {{ return(adapter.dispatch("dq_regexp_matches", "nba_props_warehouse")(expression, dq_regex_with_flags(regex, flags))) }}
{%- endmacro %}


{% macro dq_regex_with_flags(regex, flags="") -%}
    {%- set flags = (flags or "") | string -%}
    {%- for flag in flags -%}
        {%- if flag not in ["i", "m", "s", "U"] -%}
            {{ dq_raise("expect_column_values_to_match_regex", "unsupported regex flag '" ~ flag ~ "' (use any of i, m, s, U)") }}
        {%- endif -%}
    {%- endfor -%}
    {%- if flags -%}
        {{ return("(?" ~ flags ~ ")" ~ regex) }}
    {%- else -%}
        {{ return(regex | string) }}
    {%- endif -%}
{%- endmacro %}


{% macro default__dq_regexp_matches(expression, pattern) -%}
    ({{ expression }} ~ '{{ pattern | replace("'", "''") }}')
{%- endmacro %}


{% macro duckdb__dq_regexp_matches(expression, pattern) -%}
    regexp_matches({{ expression }}, '{{ pattern | replace("'", "''") }}')
{%- endmacro %}


{#- In a BigQuery raw string a quote cannot appear bare; \' keeps the backslash, and RE2
    reads \' as a literal quote, so the pattern still means the same. -#}
{% macro bigquery__dq_regexp_matches(expression, pattern) -%}
    regexp_contains({{ expression }}, r'{{ pattern | replace("'", "\\'") }}')
{%- endmacro %}
