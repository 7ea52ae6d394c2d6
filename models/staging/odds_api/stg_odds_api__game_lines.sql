{#-
  The Odds API game lines: one row per snapshot, event and book with each team's spread (the
  outcome named after the team) and the game total (the Over point). Timed like the props:
  the historical wrapper's `timestamp`, else the fetch time.
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
    from {{ source('odds_api', 'game_lines') }}
),

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
    where {{ json_text('market', '$.key') }} in ('spreads', 'totals')
),

outcomes as (
    select
        landed_path,
        fetched_at,
        coalesce(history_snapshot_at, fetched_at) as snapshot_at,
        event_id,
        commence_at,
        home_team_name,
        away_team_name,
        {{ json_text('bookmaker', '$.key') }} as book_key,
        {{ json_text('bookmaker', '$.title') }} as book_title,
        {{ json_text('market', '$.key') }} as market_key,
        {{ json_text('outcome', '$.name') }} as outcome_name,
        {{ dbt.safe_cast(json_text('outcome', '$.point'), dbt.type_float()) }} as point,
        {{ dbt.safe_cast(json_text('outcome', '$.price'), dbt.type_float()) }} as price
    from (
        {{ unnest_json_array('markets', 'market', '$.outcomes', 'outcome', 'outcome_index') }}
    ) as unnested
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
