{#-
  The Odds API player points props: one row per snapshot, event, book and player, with the
  over and under lines and decimal prices. A historical payload is timed by its wrapper's
  `timestamp` (the snapshot the API served), a live one by its fetch time. The same snapshot
  landed twice counts once (latest fetch).
-#}

with

outcomes as (
    select
        source_landed_path as landed_path,
        source_fetched_at as fetched_at,
        coalesce(history_snapshot_at, source_fetched_at) as snapshot_at,
        history_snapshot_at is not null as is_history_snapshot,
        event_id,
        commence_at,
        home_team_name,
        away_team_name,
        book_key,
        book_title,
        market_updated_at as book_updated_at,
        outcome_name as side,
        outcome_description as player_name,
        point,
        price
    from {{ ref('base_odds_api__market_outcomes') }}
    where raw_table = 'player_props' and market_key = 'player_points'
        -- Held back (ops.held_back_rows): an outcome whose values cannot be read.
        and row_problem is null
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
