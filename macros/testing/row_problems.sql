{#-
  Row-level checks of parsed payload rows. A staging row that fails one is held back: the
  staging model keeps only rows whose problem is NULL, and ops.held_back_rows lists the
  others with the file they came from, so one bad value never stops the build or reaches a
  mart, and a named test fails until a later readable fetch of the same key replaces it or
  the file is set aside (`python -m ingest set-aside`).

  checks  a list of [condition, label]: condition is SQL true when the row has the problem,
          label a SQL text expression saying what it is. A NULL condition counts as no
          problem, so write conditions that are true exactly when something is wrong.
  Returns a text expression: the labels of every failing check joined by '; ', or NULL.
-#}
{% macro row_problems(checks) -%}
    {{ return(adapter.dispatch('row_problems', 'nba_props_warehouse')(checks)) }}
{%- endmacro %}

{% macro default__row_problems(checks) -%}
    nullif(array_to_string([
        {%- for condition, label in checks %}
        case when {{ condition }} then {{ label }} end{{ "," if not loop.last }}
        {%- endfor %}
    ], '; '), '')
{%- endmacro %}

{% macro duckdb__row_problems(checks) -%}
    nullif(concat_ws('; ',
        {%- for condition, label in checks %}
        case when {{ condition }} then {{ label }} end{{ "," if not loop.last }}
        {%- endfor %}
    ), '')
{%- endmacro %}


{#- [condition, label] pairs: a value sent (not NULL) that did not convert. sent_as is a
    list of [name, typed column]: the model carries the text as sent in `sent_<name>`. -#}
{% macro unreadable_value_checks(sent_as) -%}
    {%- set checks = [] -%}
    {%- for name, typed in sent_as -%}
        {%- do checks.append([
            'sent_' ~ name ~ ' is not null and ' ~ typed ~ ' is null',
            "'" ~ name ~ " unreadable: ' || substr(sent_" ~ name ~ ", 1, 40)"
        ]) -%}
    {%- endfor -%}
    {{ return(checks) }}
{%- endmacro %}


{#- [condition, label] pairs: a value every row needs is missing (after conversion). -#}
{% macro required_value_checks(columns, when=none) -%}
    {%- set checks = [] -%}
    {%- for column in columns -%}
        {%- do checks.append([
            ('(' ~ when ~ ') and ' if when else '') ~ column ~ ' is null',
            "'" ~ column ~ " missing'"
        ]) -%}
    {%- endfor -%}
    {{ return(checks) }}
{%- endmacro %}
