{#-
  Points lines a user imported from their own CSV (columns: ingest/sources/user_lines.py): one
  row per file row. A file imported again under the same name replaces the earlier import.
  Without `snapshot_at` a line is timed by its import (fetch) time, so a line for a game that
  had already started when it was imported never reaches a feature.
-#}

{%- set headers = [
    'game_date', 'player_name', 'team_abbr', 'opponent_abbr', 'line', 'book', 'snapshot_at', 'player_id'
] -%}

with

rows_parsed as (
    {{ stats_nba_result_set_rows(
        source('user_lines', 'player_points'), 'UserPointsLines', headers
    ) }}
),

files as (
    select
        landed_path,
        request_key,
        fetched_at,
        row_number() over (
            partition by request_key
            order by fetched_at desc, landed_path desc
        ) as landing_rank
    from {{ source('user_lines', 'player_points') }}
),

typed as (
    select
        files.landed_path,
        files.request_key,
        files.fetched_at,
        rows_parsed.row_number_in_payload,
        {{ dbt.safe_cast('trim(rows_parsed.game_date)', 'date') }} as game_date,
        trim(rows_parsed.player_name) as player_name,
        upper(trim(rows_parsed.team_abbr)) as team_abbr,
        nullif(upper(trim(rows_parsed.opponent_abbr)), '') as opponent_abbr,
        {{ dbt.safe_cast('trim(rows_parsed.line)', dbt.type_float()) }} as line,
        coalesce(nullif(lower(trim(rows_parsed.book)), ''), 'user_csv') as book_key,
        {{ parse_utc_timestamp(
            "nullif(trim(rows_parsed.snapshot_at), '')"
        ) }} as stated_snapshot_at,
        {{ dbt.safe_cast(
            "nullif(trim(rows_parsed.player_id), '')", dbt.type_bigint()
        ) }} as player_id
    from rows_parsed
    inner join files
        on rows_parsed.landed_path = files.landed_path
    where files.landing_rank = 1
)

select
    'user_lines' as feed,
    request_key as import_key,
    row_number_in_payload as file_row,
    game_date,
    player_name,
    team_abbr,
    opponent_abbr,
    player_id,
    book_key,
    line,
    coalesce(stated_snapshot_at, fetched_at) as snapshot_at,
    case
        when stated_snapshot_at is not null then 'exact' else 'import_time'
    end as snapshot_precision,
    landed_path as source_landed_path,
    fetched_at as source_fetched_at
from typed
