{#-
  Rows of a stats.nba.com result set, one row per rowSet entry, every value as text in a
  column named after its header (lower case), plus the payload's load metadata.

  stats.nba.com answers {"resultSets": [{"name", "headers": [...], "rowSet": [[...], ...]}]}.
  Values are looked up by header name, not by position, so a reordered response still
  parses; a renamed or missing header yields NULL in that column, which the staging
  not-null tests turn into a failing build that names the column.

  source_relation  a raw table: landed_path, fetched_at, loaded_at, payload (JSON text)
  result_set_name  e.g. 'LeagueGameLog'
  headers          the headers to extract
-#}
{% macro stats_nba_result_set_rows(source_relation, result_set_name, headers) -%}
    {{ return(adapter.dispatch('stats_nba_result_set_rows', 'nba_props_warehouse')(
        source_relation, result_set_name, headers)) }}
{%- endmacro %}

{% macro default__stats_nba_result_set_rows(source_relation, result_set_name, headers) -%}
with

payloads as (
    select landed_path, fetched_at, payload
    from {{ source_relation }}
),

result_sets as (
    select landed_path, fetched_at, result_set
    from (
        {{ unnest_json_array('payloads', 'payload', '$.resultSets', 'result_set', 'result_set_index') }}
    ) as unnested
    where {{ json_text('result_set', '$.name') }} = '{{ result_set_name }}'
),

header_positions as (
    select
        landed_path,
        {%- for header in headers %}
        max(case when header_name = '{{ header }}' then header_position end)
            as {{ header | lower }}__position{{ "," if not loop.last }}
        {%- endfor %}
    from (
        {{ unnest_json_array('result_sets', 'result_set', '$.headers', 'header_name', 'header_position', as_text=true) }}
    ) as unnested_headers
    group by landed_path
),

result_rows as (
    select
        landed_path,
        fetched_at,
        row_number_in_payload,
        {{ json_scalar_array('row_json') }} as row_values
    from (
        {{ unnest_json_array('result_sets', 'result_set', '$.rowSet', 'row_json', 'row_number_in_payload') }}
    ) as unnested_rows
)

select
    result_rows.landed_path,
    result_rows.fetched_at,
    result_rows.row_number_in_payload,
    {%- for header in headers %}
    {{ array_element('result_rows.row_values', 'header_positions.' ~ (header | lower) ~ '__position') }}
        as {{ header | lower }}{{ "," if not loop.last }}
    {%- endfor %}
from result_rows
inner join header_positions
    on result_rows.landed_path = header_positions.landed_path
{%- endmacro %}


{#- DuckDB: the same rows from one pass over each result set. Header positions are looked up
    in the result set's own header list (the last occurrence, as max() above), so the payload
    is not unnested a second time for its headers and joined back; about a third less time
    on ten seasons of game logs (docs/benchmark.md). -#}
{% macro duckdb__stats_nba_result_set_rows(source_relation, result_set_name, headers) -%}
with

result_sets as (
    select
        landed_path,
        fetched_at,
        unnest(json_extract(payload, '$.resultSets[*]')) as result_set
    from {{ source_relation }}
),

named as (
    select
        landed_path,
        fetched_at,
        json_extract_string(result_set, '$.headers[*]') as header_names,
        json_extract(result_set, '$.rowSet[*]') as row_list
    from result_sets
    where json_extract_string(result_set, '$.name') = '{{ result_set_name }}'
),

positioned as (
    select
        landed_path,
        fetched_at,
        row_list,
        {%- for header in headers %}
        len(header_names) + 1 - list_position(list_reverse(header_names), '{{ header }}')
            as {{ header | lower }}__position{{ "," if not loop.last }}
        {%- endfor %}
    from named
),

result_rows as (
    select
        positioned.* exclude (row_list),
        unnest(row_list) as row_json,
        unnest(range(1, len(row_list) + 1)) as row_number_in_payload
    from positioned
)

select
    landed_path,
    fetched_at,
    row_number_in_payload,
    {%- for header in headers %}
    row_values[{{ header | lower }}__position] as {{ header | lower }}{{ "," if not loop.last }}
    {%- endfor %}
from (
    select
        *,
        json_extract_string(row_json, '$[*]') as row_values
    from result_rows
) as result_values
{%- endmacro %}
