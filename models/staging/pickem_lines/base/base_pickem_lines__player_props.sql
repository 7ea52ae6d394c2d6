{#-
  Every row of every landed pick'em line file, as text, each file parsed once: landed files
  never change, so an incremental run parses only the files loaded since the last one (as
  staging/nba_stats/base). Every landing has rows here: the loader quarantines a file with
  none. stg_pickem_lines__player_points ranks the landings of each file name (the latest
  wins) and types and shapes the rows.
-#}
{%- set headers = [
    'market', 'bookmaker', 'player', 'side', 'line', 'price',
    'home_team', 'away_team', 'game_id', 'commence_time'
] -%}

with

new_files as (
    select
        landed_path,
        request_key,
        fetched_at,
        payload
    from {{ payloads_not_yet_parsed(source('pickem_lines', 'player_props')) }}
),

parsed as (
    {{ stats_nba_result_set_rows('new_files', 'PickemLines', headers) }}
)

select
    new_files.request_key,
    parsed.market,
    parsed.bookmaker,
    parsed.player,
    parsed.side,
    parsed.line,
    parsed.price,
    parsed.home_team,
    parsed.away_team,
    parsed.game_id,
    parsed.commence_time,
    parsed.row_number_in_payload,
    new_files.landed_path as source_landed_path,
    new_files.fetched_at as source_fetched_at
from new_files
inner join parsed
    on new_files.landed_path = parsed.landed_path
