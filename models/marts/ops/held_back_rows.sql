{#-
  One row per parsed payload row that staging held back, with why and the file it came
  from: a value sent but unreadable (points 'abc'), a required value missing, box-score
  arithmetic that does not add up, a game dated outside its season, a player-game listed
  twice in one payload with different numbers, a line that is not a number, a shot without
  a readable period, clock or side (its whole fetch of the game is held back), a schedule
  row without a readable date or status. The checks are
  the base models' row_problem; staging keeps only rows without one, so a bad value never
  stops the build or reaches a mart, and the rest of the night's data builds.

  A held-back row is replaced once a later readable fetch of the same record (or, for a
  pick'em file, a later landing of the same file) has been loaded: that fetch is what
  staging serves. Until then a named test fails; the way out is a corrected re-scrape
  (`python -m ingest fetch ...`, then `load`) or setting the file aside
  (`python -m ingest set-aside <landed path> --reason ...`): "When data goes wrong",
  docs/data-quality.md.
-#}

with

-- A player-game or team-game is served from its latest readable fetch.
{%- for staging_model, base_model, key_name, key_column in [
    ('stg_nba_stats__player_game_logs', 'base_nba_stats__player_game_logs', 'player', 'player_id'),
    ('stg_nba_stats__team_game_logs', 'base_nba_stats__team_game_logs', 'team', 'team_id')
] %}

    {{ staging_model }}_held as (
        select
            '{{ staging_model }}' as staging_model,
            held.source_landed_path as landed_path,
            held.source_fetched_at as fetched_at,
            held.row_number_in_payload,
            concat(
                'game ', coalesce(held.game_id, '?'), ' {{ key_name }} ',
                coalesce(cast(held.{{ key_column }} as {{ dbt.type_string() }}), '?')
            ) as record_key,
            held.row_problem,
            served.source_landed_path as replaced_by_landed_path
        from {{ ref(base_model) }} as held
        left join {{ ref(staging_model) }} as served
            on
                held.game_id = served.game_id
                and held.{{ key_column }} = served.{{ key_column }}
                and held.source_fetched_at < served.source_fetched_at
        where held.row_problem is not null
    ),
{%- endfor %}

-- A game's play-by-play is served whole from one fetch of each feed: a later readable fetch
-- of the game replaces a held-back shot.
{%- for staging_model, base_model, event_column in [
    ('stg_nba_stats__play_by_play_shots', 'base_nba_stats__play_by_play_shots', 'event_num'),
    ('stg_nba_cdn__shots', 'base_nba_cdn__shots', 'action_number'),
    ('stg_bigdataball__shots', 'base_bigdataball__shots', 'play_id')
] %}

    {{ staging_model }}_served as (
        select
            game_id,
            max(source_landed_path) as landed_path,
            max(source_fetched_at) as fetched_at
        from {{ ref(staging_model) }}
        group by game_id
    ),

    {{ staging_model }}_held as (
        select
            '{{ staging_model }}' as staging_model,
            held.source_landed_path as landed_path,
            held.source_fetched_at as fetched_at,
            held.row_number_in_payload,
            concat(
                'game ', coalesce(held.game_id, '?'),
                ' event ', coalesce(cast(held.{{ event_column }} as {{ dbt.type_string() }}), '?')
            ) as record_key,
            held.row_problem,
            served.landed_path as replaced_by_landed_path
        from {{ ref(base_model) }} as held
        left join {{ staging_model }}_served as served
            on
                held.game_id = served.game_id
                and held.source_fetched_at < served.fetched_at
        where held.row_problem is not null
    ),
{%- endfor %}

schedule_rows as (
    select
        'stg_nba_schedule__games' as staging_model,
        held.source_landed_path as landed_path,
        held.source_fetched_at as fetched_at,
        held.row_number_in_payload,
        concat('game ', coalesce(held.game_id, '?')) as record_key,
        held.row_problem,
        served.source_landed_path as replaced_by_landed_path
    from {{ ref('base_nba_schedule__games') }} as held
    left join {{ ref('stg_nba_schedule__games') }} as served
        on
            held.game_id = served.game_id
            and held.source_fetched_at < served.source_fetched_at
    where held.row_problem is not null
),

-- An event's odds are fetched whole per snapshot: a later snapshot of the event without a
-- held-back outcome replaces one with.
odds_landings as (
    select
        raw_table,
        event_id,
        source_landed_path as landed_path,
        max(source_fetched_at) as fetched_at,
        max(case when row_problem is not null then 1 else 0 end) = 0 as is_readable
    from {{ ref('base_odds_api__market_outcomes') }}
    group by raw_table, event_id, source_landed_path
),

odds_rows as (
    select
        concat('stg_odds_api__', case held.raw_table
            when 'player_props' then 'player_points' else held.raw_table
        end) as staging_model,
        held.source_landed_path as landed_path,
        held.source_fetched_at as fetched_at,
        held.book_position * 1000000 + held.market_position * 1000 + held.outcome_position
            as row_number_in_payload,
        concat(
            'event ', coalesce(held.event_id, '?'), ' ', coalesce(held.book_key, '?'), ' ',
            coalesce(held.market_key, '?'), ' ', coalesce(held.outcome_name, '?'), ' ',
            coalesce(held.outcome_description, '')
        ) as record_key,
        held.row_problem,
        (
            select max(later.landed_path) as landed_path
            from odds_landings as later
            where
                later.raw_table = held.raw_table
                and later.event_id = held.event_id
                and later.is_readable
                and later.fetched_at > held.source_fetched_at
        ) as replaced_by_landed_path
    from {{ ref('base_odds_api__market_outcomes') }} as held
    where held.row_problem is not null
),

-- A pick'em file is served whole from its latest landing, so a later landing of the same
-- file name replaces every row of an earlier one.
latest_pickem_landings as (
    select
        request_key,
        landed_path,
        fetched_at
    from (
        select
            request_key,
            source_landed_path as landed_path,
            source_fetched_at as fetched_at,
            row_number() over (
                partition by request_key
                order by source_fetched_at desc, source_landed_path desc
            ) as landing_rank
        from {{ ref('base_pickem_lines__player_props') }}
    ) as landings
    where landing_rank = 1
),

pickem_rows as (
    select
        'stg_pickem_lines__player_points' as staging_model,
        held.source_landed_path as landed_path,
        held.source_fetched_at as fetched_at,
        held.row_number_in_payload,
        concat(
            'file ', held.request_key, ' ', coalesce(held.bookmaker, '?'),
            ' ', coalesce(held.player, '?'), ' ', coalesce(held.side, '?')
        ) as record_key,
        held.row_problem,
        latest.landed_path as replaced_by_landed_path
    from {{ ref('base_pickem_lines__player_props') }} as held
    left join latest_pickem_landings as latest
        on held.request_key = latest.request_key
            and held.source_fetched_at < latest.fetched_at
    where held.row_problem is not null
),

held_back as (
    select * from stg_nba_stats__player_game_logs_held
    union all
    select * from stg_nba_stats__team_game_logs_held
    union all
    select * from stg_nba_stats__play_by_play_shots_held
    union all
    select * from stg_nba_cdn__shots_held
    union all
    select * from stg_bigdataball__shots_held
    union all
    select * from schedule_rows
    union all
    select * from odds_rows
    union all
    select * from pickem_rows
)

select
    staging_model,
    landed_path,
    fetched_at,
    row_number_in_payload,
    record_key,
    row_problem,
    replaced_by_landed_path,
    replaced_by_landed_path is not null as is_replaced
from held_back
