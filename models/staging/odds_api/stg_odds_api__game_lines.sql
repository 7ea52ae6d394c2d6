{#-
  The Odds API game lines: one row per snapshot, event and book with each team's spread (the
  outcome named after the team) and the game total (the Over point). Timed like the props:
  the historical wrapper's `timestamp`, else the fetch time.
-#}

with

outcomes as (
    select
        source_landed_path as landed_path,
        source_fetched_at as fetched_at,
        coalesce(history_snapshot_at, source_fetched_at) as snapshot_at,
        event_id,
        commence_at,
        home_team_name,
        away_team_name,
        book_key,
        book_title,
        market_key,
        outcome_name,
        point,
        price
    from {{ ref('base_odds_api__market_outcomes') }}
    where raw_table = 'game_lines' and market_key in ('spreads', 'totals')
        -- Held back (ops.held_back_rows): an outcome whose values cannot be read.
        and row_problem is null
),

per_book as (
    select
        event_id,
        book_key,
        snapshot_at,
        landed_path,
        max(fetched_at) as fetched_at,
        max(commence_at) as commence_at,
        max(home_team_name) as home_team_name,
        max(away_team_name) as away_team_name,
        max(book_title) as book_title,
        max(case when market_key = 'spreads' and outcome_name = home_team_name then point end)
            as home_spread,
        max(case when market_key = 'spreads' and outcome_name = away_team_name then point end)
            as away_spread,
        max(case when market_key = 'spreads' and outcome_name = home_team_name then price end)
            as home_spread_price,
        max(case when market_key = 'spreads' and outcome_name = away_team_name then price end)
            as away_spread_price,
        max(case when market_key = 'totals' and outcome_name = 'Over' then point end) as over_total,
        max(case when market_key = 'totals' and outcome_name = 'Under' then point end)
            as under_total
    from outcomes
    group by event_id, book_key, snapshot_at, landed_path
),

ranked as (
    select
        *,
        row_number() over (
            partition by event_id, book_key, snapshot_at
            order by fetched_at desc, landed_path desc
        ) as snapshot_rank
    from per_book
)

select
    'odds_api' as feed,
    event_id,
    commence_at,
    home_team_name,
    away_team_name,
    book_key,
    book_title,
    home_spread,
    away_spread,
    home_spread_price,
    away_spread_price,
    coalesce(over_total, under_total) as game_total,
    snapshot_at,
    landed_path as source_landed_path,
    fetched_at as source_fetched_at
from ranked
where snapshot_rank = 1
