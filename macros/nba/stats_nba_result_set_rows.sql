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
