{#-
  The Odds API event odds of both raw tables parsed one way: one row per landed payload, book,
  market and outcome, the event's id, tip-off and teams beside it. Live responses hold the
  event at the root, historical ones wrap it under `data` with the snapshot's `timestamp`:
  each payload has bookmakers at exactly one of the two paths. The staging models above keep
  their own table's markets and shape them (a line per player, spreads and totals per game).

  row_problem says what makes an outcome unusable (a point, price or update time sent but
  unreadable, no event, tip-off, book, market, name or price); the staging models leave such
  outcomes out, and ops.held_back_rows lists them.
-#}

with

payloads as (
    select
        'player_props' as raw_table,
        landed_path,
        fetched_at,
        payload
    from {{ source('odds_api', 'player_props') }}
    union all
    select
        'game_lines' as raw_table,
        landed_path,
        fetched_at,
        payload
    from {{ source('odds_api', 'game_lines') }}
),

events as (
    select
        raw_table,
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
    from payloads
),

bookmakers as (
    select
        raw_table,
        landed_path,
        fetched_at,
        history_snapshot_at,
        event_id,
        commence_at,
        home_team_name,
        away_team_name,
        bookmaker,
        bookmaker_index
    from (
        {{ unnest_json_array(
            'events', 'payload', '$.data.bookmakers', 'bookmaker', 'bookmaker_index'
        ) }}
    ) as historical
    union all
    select
        raw_table,
        landed_path,
        fetched_at,
        history_snapshot_at,
        event_id,
        commence_at,
        home_team_name,
        away_team_name,
        bookmaker,
        bookmaker_index
    from (
        {{ unnest_json_array(
            'events', 'payload', '$.bookmakers', 'bookmaker', 'bookmaker_index'
        ) }}
    ) as live
),

markets as (
    select
        raw_table,
        landed_path,
        fetched_at,
        history_snapshot_at,
        event_id,
        commence_at,
        home_team_name,
        away_team_name,
        bookmaker,
        bookmaker_index,
        market,
        market_index
    from (
        {{ unnest_json_array('bookmakers', 'bookmaker', '$.markets', 'market', 'market_index') }}
    ) as unnested
),

outcomes as (
    select
        raw_table,
        event_id,
        commence_at,
        home_team_name,
        away_team_name,
        {{ json_text('bookmaker', '$.key') }} as book_key,
        {{ json_text('bookmaker', '$.title') }} as book_title,
        {{ json_text('market', '$.key') }} as market_key,
        {{ json_text('market', '$.last_update') }} as sent_last_update,
        {{ parse_utc_timestamp(json_text('market', '$.last_update')) }} as market_updated_at,
        {{ json_text('outcome', '$.name') }} as outcome_name,
        {{ json_text('outcome', '$.description') }} as outcome_description,
        {{ json_text('outcome', '$.point') }} as sent_point,
        {{ dbt.safe_cast(json_text('outcome', '$.point'), dbt.type_float()) }} as point,
        {{ json_text('outcome', '$.price') }} as sent_price,
        {{ dbt.safe_cast(json_text('outcome', '$.price'), dbt.type_float()) }} as price,
        bookmaker_index as book_position,
        market_index as market_position,
        outcome_index as outcome_position,
        history_snapshot_at,
        landed_path as source_landed_path,
        fetched_at as source_fetched_at
    from (
        {{ unnest_json_array('markets', 'market', '$.outcomes', 'outcome', 'outcome_index') }}
    ) as unnested
)

select
    raw_table,
    event_id,
    commence_at,
    home_team_name,
    away_team_name,
    book_key,
    book_title,
    market_key,
    market_updated_at,
    outcome_name,
    outcome_description,
    point,
    price,
    book_position,
    market_position,
    outcome_position,
    history_snapshot_at,
    {{ row_problems(
        unreadable_value_checks([
            ['point', 'point'], ['price', 'price'], ['last_update', 'market_updated_at']
        ])
        + required_value_checks([
            'event_id', 'commence_at', 'book_key', 'market_key', 'outcome_name', 'price'
        ])
        + [
            ["market_key in ('player_points', 'spreads', 'totals') and point is null",
                "'point missing'"],
            ["market_key = 'player_points' and outcome_description is null", "'player missing'"]
        ]
    ) }} as row_problem,
    source_landed_path,
    source_fetched_at
from outcomes
