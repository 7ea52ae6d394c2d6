{#-
  Every row of every landed pick'em line file, as text, each file parsed once: landed files
  never change, so an incremental run parses only the files loaded since the last one (as
  staging/nba_stats/base). Every landing has rows here: the loader quarantines a file with
  none. stg_pickem_lines__player_points ranks the landings of each file name (the latest
  wins) and types and shapes the rows.

  row_problem says what is wrong with a row that staging cannot use (a line, price or
  commence time sent but unreadable, no player name); staging leaves such rows out and
  ops.held_back_rows lists them with their file. Checked once per file, when it is parsed.
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
    {{ row_problems(
        unreadable_value_checks([
            ['line', 'parsed.line', dbt.safe_cast('parsed.line', dbt.type_float())],
            ['price', 'parsed.price', dbt.safe_cast('parsed.price', dbt.type_float())],
            ['commence_time', 'parsed.commence_time', parse_utc_timestamp('parsed.commence_time')]
        ])
        + [["parsed.market = 'player_points' and coalesce(trim(parsed.player), '') = ''",
            "'player missing'"]]
    ) }} as row_problem,
    new_files.landed_path as source_landed_path,
    new_files.fetched_at as source_fetched_at
from new_files
inner join parsed
    on new_files.landed_path = parsed.landed_path
