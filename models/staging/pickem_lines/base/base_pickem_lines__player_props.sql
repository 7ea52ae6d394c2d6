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
),

-- The values staging converts, converted here too, to name a row whose values do not.
checked as (
    select
        parsed.*,
        parsed.line as sent_line,
        parsed.price as sent_price,
        parsed.commence_time as sent_commence_time,
        {{ dbt.safe_cast('parsed.line', dbt.type_float()) }} as line_value,
        {{ dbt.safe_cast('parsed.price', dbt.type_float()) }} as price_value,
        {{ parse_utc_timestamp('parsed.commence_time') }} as commence_at
    from parsed
)

select
    new_files.request_key,
    checked.market,
    checked.bookmaker,
    checked.player,
    checked.side,
    checked.line,
    checked.price,
    checked.home_team,
    checked.away_team,
    checked.game_id,
    checked.commence_time,
    checked.row_number_in_payload,
    {{ row_problems(
        unreadable_value_checks([
            ['line', 'line_value'], ['price', 'price_value'], ['commence_time', 'commence_at']
        ])
        + [["checked.market = 'player_points' and coalesce(trim(checked.player), '') = ''",
            "'player missing'"]]
    ) }} as row_problem,
    new_files.landed_path as source_landed_path,
    new_files.fetched_at as source_fetched_at
from new_files
inner join checked
    on new_files.landed_path = checked.landed_path
