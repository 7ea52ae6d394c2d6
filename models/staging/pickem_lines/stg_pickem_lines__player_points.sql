{#-
  Pick'em points lines: one row per file, event, book and player (market = player_points).

  Snapshot time. The files record none. Every game in a file tips off at or after 00:00 UTC
  of the date in the file's name, so the file was captured on that UTC date at the earliest:
  snapshot_at is that instant, a lower bound, and snapshot_precision says 'file_date'. It
  orders files correctly (a later file is a later capture) and ranks below any exact sportsbook
  snapshot of the same day.

  In-game listings. The Odds API replaces a game's scheduled commence_time with the actual
  tip-off once the game is live (NBA.com scheduled DET-BKN 2024-11-03 for 20:30 UTC; the
  11_03_2024 file lists it at 20:41:00, ORL-UTA 2025-01-05 at 23:40:53, MIN-PHX 2024-11-17 at
  20:42:04). Scheduled times sit on the five-minute grid; a commence_time off it marks a line
  captured after tip-off, and is_in_game_listing keeps it out of every feature.

  A book listing two points lines for a player in one file (19 of about 12,000 player-book-file
  groups, e.g. Anthony Edwards 0.5 and 26.5 on 2024-10-22) keeps the higher, with the count in
  distinct_points. When a file is landed again with other bytes, the latest landing wins.
-#}

with

rows_parsed as (
    select
        market,
        bookmaker,
        player,
        side,
        line,
        price,
        home_team,
        away_team,
        game_id,
        commence_time,
        source_landed_path as landed_path
    from {{ ref('base_pickem_lines__player_props') }}
    -- Held back (ops.held_back_rows): a row whose line cannot be read.
    where row_problem is null
),

-- One row per landing of a file name.
files as (
    select
        landed_path,
        request_key,
        fetched_at,
        {{ dbt.safe_cast(
            regex_capture('request_key', '^lines_([0-9]{4}-[0-9]{2}-[0-9]{2})$'), 'date'
        ) }} as file_date,
        row_number() over (
            partition by request_key
            order by fetched_at desc, landed_path desc
        ) as landing_rank
    from (
        select distinct
            source_landed_path as landed_path,
            request_key,
            source_fetched_at as fetched_at
        from {{ ref('base_pickem_lines__player_props') }}
    ) as landings
),

points as (
    select
        files.landed_path,
        files.fetched_at,
        files.file_date,
        rows_parsed.game_id as event_id,
        {{ parse_utc_timestamp('rows_parsed.commence_time') }} as commence_at,
        rows_parsed.home_team as home_team_name,
        rows_parsed.away_team as away_team_name,
        rows_parsed.bookmaker as book_title,
        lower({{ regex_replace('rows_parsed.bookmaker', '[^A-Za-z0-9_]', '') }}) as book_key,
        trim(rows_parsed.player) as player_name,
        rows_parsed.side,
        {{ dbt.safe_cast('rows_parsed.line', dbt.type_float()) }} as point,
        {{ dbt.safe_cast('rows_parsed.price', dbt.type_float()) }} as price
    from rows_parsed
    inner join files
        on rows_parsed.landed_path = files.landed_path
    where files.landing_rank = 1
        and rows_parsed.market = 'player_points'
),

per_player as (
    select
        landed_path,
        event_id,
        book_key,
        player_name,
        max(fetched_at) as fetched_at,
        max(file_date) as file_date,
        max(commence_at) as commence_at,
        max(home_team_name) as home_team_name,
        max(away_team_name) as away_team_name,
        max(book_title) as book_title,
        max(case when side = 'Over' then point end) as over_line,
        max(case when side = 'Under' then point end) as under_line,
        max(case when side = 'Over' then price end) as over_price,
        max(case when side = 'Under' then price end) as under_price,
        count(distinct point) as distinct_points
    from points
    where player_name is not null and player_name <> ''
    group by landed_path, event_id, book_key, player_name
)

select
    'pickem_lines' as feed,
    event_id,
    commence_at,
    home_team_name,
    away_team_name,
    book_key,
    book_title,
    player_name,
    coalesce(over_line, under_line) as line,
    over_line,
    under_line,
    over_price,
    under_price,
    'american' as price_format,
    distinct_points,
    {{ date_start_utc('file_date') }} as snapshot_at,
    'file_date' as snapshot_precision,
    file_date,
    -- Off the five-minute grid: the API had already replaced the scheduled time with the
    -- actual tip-off, i.e. the game was live when the file was captured.
    (
        extract(second from commence_at) <> 0
        or mod(cast(extract(minute from commence_at) as {{ dbt.type_int() }}), 5) <> 0
    ) as is_in_game_listing,
    landed_path as source_landed_path,
    fetched_at as source_fetched_at
from per_player
