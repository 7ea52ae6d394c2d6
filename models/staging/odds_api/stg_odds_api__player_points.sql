{#-
  The Odds API player points props: one row per snapshot, event, book and player, with the
  over and under lines and decimal prices. A historical payload is timed by its wrapper's
  `timestamp` (the snapshot the API served), a live one by its fetch time. The same snapshot
  landed twice counts once (latest fetch).
-#}

with

payloads as (
    select
        landed_path,
        fetched_at,
        payload,
        {{ parse_utc_timestamp(json_text('payload', '$.timestamp')) }} as history_snapshot_at,
        coalesce({{ json_text('payload', '$.data.id') }}, {{ json_text('payload', '$.id') }})
            as event_id,
        {{ parse_utc_timestamp(
            'coalesce(' ~ json_text('payload', '$.data.commence_time') ~ ', '
            ~ json_text('payload', '$.commence_time') ~ ')') }} as commence_at,
        coalesce(
            {{ json_text('payload', '$.data.home_team') }},
            {{ json_text('payload', '$.home_team') }}
        ) as home_team_name,
        coalesce(
            {{ json_text('payload', '$.data.away_team') }},
            {{ json_text('payload', '$.away_team') }}
        ) as away_team_name
    from {{ source('odds_api', 'player_props') }}
),

-- Live responses hold the event at the root, historical ones under `data`: each payload has
-- bookmakers at exactly one of the two paths.
bookmakers as (
    select
        landed_path,
        fetched_at,
        history_snapshot_at,
        event_id,
        commence_at,
        home_team_name,
        away_team_name,
        bookmaker
    from (
        {{ unnest_json_array(
            'payloads', 'payload', '$.data.bookmakers', 'bookmaker', 'bookmaker_index'
        ) }}
    ) as historical
    union all
    select
        landed_path,
        fetched_at,
        history_snapshot_at,
        event_id,
        commence_at,
        home_team_name,
        away_team_name,
        bookmaker
    from (
        {{ unnest_json_array(
            'payloads', 'payload', '$.bookmakers', 'bookmaker', 'bookmaker_index'
        ) }}
    ) as live
),

markets as (
    select
        landed_path,
        fetched_at,
        history_snapshot_at,
        event_id,
        commence_at,
        home_team_name,
        away_team_name,
        bookmaker,
        market
    from (
        {{ unnest_json_array('bookmakers', 'bookmaker', '$.markets', 'market', 'market_index') }}
    ) as unnested
    where {{ json_text('market', '$.key') }} = 'player_points'
),

outcomes as (
    select
        landed_path,
        fetched_at,
        coalesce(history_snapshot_at, fetched_at) as snapshot_at,
        history_snapshot_at is not null as is_history_snapshot,
        event_id,
        commence_at,
        home_team_name,
        away_team_name,
        {{ json_text('bookmaker', '$.key') }} as book_key,
        {{ json_text('bookmaker', '$.title') }} as book_title,
        {{ parse_utc_timestamp(json_text('market', '$.last_update')) }} as book_updated_at,
        {{ json_text('outcome', '$.name') }} as side,
        {{ json_text('outcome', '$.description') }} as player_name,
        {{ dbt.safe_cast(json_text('outcome', '$.point'), dbt.type_float()) }} as point,
        {{ dbt.safe_cast(json_text('outcome', '$.price'), dbt.type_float()) }} as price
    from (
        {{ unnest_json_array('markets', 'market', '$.outcomes', 'outcome', 'outcome_index') }}
    ) as unnested
),

per_player as (
    select
        event_id,
        book_key,
        player_name,
        snapshot_at,
        landed_path,
        max(fetched_at) as fetched_at,
        {{ dbt.bool_or('is_history_snapshot') }} as is_history_snapshot,
        max(commence_at) as commence_at,
        max(home_team_name) as home_team_name,
        max(away_team_name) as away_team_name,
        max(book_title) as book_title,
        max(book_updated_at) as book_updated_at,
        max(case when side = 'Over' then point end) as over_line,
        max(case when side = 'Under' then point end) as under_line,
        max(case when side = 'Over' then price end) as over_price,
        max(case when side = 'Under' then price end) as under_price,
        count(distinct point) as distinct_points
    from outcomes
    where player_name is not null
    group by event_id, book_key, player_name, snapshot_at, landed_path
),

ranked as (
    select
        *,
        row_number() over (
            partition by event_id, book_key, player_name, snapshot_at
            order by fetched_at desc, landed_path desc
        ) as snapshot_rank
    from per_player
)

select
    'odds_api' as feed,
    event_id,
    commence_at,
    home_team_name,
    away_team_name,
    book_key,
    book_title,
    player_name,
    -- The over side's point is the line; books quote one point for both sides of the main
    -- market (alternates are another market), so the under only fills a missing over.
    coalesce(over_line, under_line) as line,
    over_line,
    under_line,
    over_price,
    under_price,
    'decimal' as price_format,
    distinct_points,
    snapshot_at,
    'exact' as snapshot_precision,
    is_history_snapshot,
    book_updated_at,
    landed_path as source_landed_path,
    fetched_at as source_fetched_at
from ranked
where snapshot_rank = 1
