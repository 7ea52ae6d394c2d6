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


{#- The rows of each game's latest readable fetch, whole: for feeds whose fetch of a game is
    served as a whole (play-by-play), so a fetch with any row held back (row_problem) cannot
    win and the previous fetch stands. `relation` is a base model with game_id,
    source_landed_path, source_fetched_at and row_problem. Used in a FROM position. -#}
{% macro latest_readable_fetch(relation) -%}
    (
        select shots.*
        from (
            select
                base_rows.*,
                dense_rank() over (
                    partition by base_rows.game_id
                    order by base_rows.source_fetched_at desc, base_rows.source_landed_path desc
                ) as fetch_rank
            from {{ relation }} as base_rows
            left join (
                select distinct source_landed_path
                from {{ relation }}
                where row_problem is not null
            ) as held_back_fetches
                on base_rows.source_landed_path = held_back_fetches.source_landed_path
            where held_back_fetches.source_landed_path is null
        ) as shots
        where shots.fetch_rank = 1
    ) as latest_readable_fetch
{%- endmacro %}
