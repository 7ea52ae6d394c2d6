{#-
  Every game we know of, one row per game_key (YYYYMMDD_AWAY_HOME, the US Eastern date), from
  three sources merged by that key:
    nba_schedule  NBA.com scheduleLeagueV2 when landed: game id, tip-off (UTC), status,
                  postponements, and the games not played yet;
    game_logs     the games stats.nba.com logs hold: played, final;
    line_feeds    the games The Odds API and the pick'em files list, with their commence_time
                  (the tip-off they advertise) — the offline demo's only tip-off times, and
                  its only unplayed games when a season is replayed with --through.
  The status is decided once, here: final when the logs hold the game; postponed when the
  schedule says so; scheduled when it is after the last date the logs hold (the data
  horizon); otherwise not_in_logs (a game known to have been on the calendar whose box score we
  do not hold, e.g. the NBA Cup final, which leaguegamelog's regular season leaves out, or
  HOU at ATL on 2025-01-11, postponed for weather). The context marts describe final games
  (history) and the scheduled games of the next `upcoming_game_days` game dates (tonight).
-#}

with

teams as (
    select
        team_id,
        team_abbr,
        odds_api_team_name
    from {{ ref('nba_teams') }}
),

scheduled as (
    select
        game_id,
        game_date,
        tip_off_at,
        home_team_abbr,
        away_team_abbr,
        season,
        season_type,
        status as schedule_status,
        is_postponed
    from {{ ref('stg_nba_schedule__games') }}
),

-- Home and away from the matchup text, which stats.nba.com writes from each team's side
-- ('PHI vs. NYK' at home, 'NYK @ PHI' away) and, at neutral sites, as 'MIA @ WAS' for both.
log_rows as (
    select
        game_id,
        game_date,
        season,
        season_type,
        case
            when {{ regex_matches('matchup', ' @ ') }}
                then {{ regex_capture('matchup', ' @ ([A-Z]{2,4})$') }}
            else {{ regex_capture('matchup', '^([A-Z]{2,4}) vs[.] ') }}
        end as home_team_abbr,
        case
            when {{ regex_matches('matchup', ' @ ') }}
                then {{ regex_capture('matchup', '^([A-Z]{2,4}) @ ') }}
            else {{ regex_capture('matchup', ' vs[.] ([A-Z]{2,4})$') }}
        end as away_team_abbr
    from {{ ref('stg_nba_stats__player_game_logs') }}
),

played as (
    select
        game_id,
        max(game_date) as game_date,
        max(home_team_abbr) as home_team_abbr,
        max(away_team_abbr) as away_team_abbr,
        max(season) as season,
        max(season_type) as season_type
    from log_rows
    group by game_id
),

feed_events as (
    select
        commence_at,
        home_team_name,
        away_team_name,
        false as is_in_game_listing
    from {{ ref('stg_odds_api__player_points') }}
    union all
    select
        commence_at,
        home_team_name,
        away_team_name,
        false as is_in_game_listing
    from {{ ref('stg_odds_api__game_lines') }}
    union all
    select
        commence_at,
        home_team_name,
        away_team_name,
        is_in_game_listing
    from {{ ref('stg_pickem_lines__player_points') }}
),

feed_games as (
    select
        {{ utc_to_local_date('feed_events.commence_at', 'America/New_York') }} as game_date,
        home.team_abbr as home_team_abbr,
        away.team_abbr as away_team_abbr,
        -- The earliest time advertised before the game: books move a tip-off later as it
        -- nears, never earlier; the actual tip-off stamped on in-game listings only when
        -- nothing else is known.
        coalesce(
            min(case when not feed_events.is_in_game_listing then feed_events.commence_at end),
            min(feed_events.commence_at)
        ) as tip_off_at
    from feed_events
    inner join teams as home
        on feed_events.home_team_name = home.odds_api_team_name
    inner join teams as away
        on feed_events.away_team_name = away.odds_api_team_name
    where feed_events.commence_at is not null
    group by
        {{ utc_to_local_date('feed_events.commence_at', 'America/New_York') }},
        home.team_abbr,
        away.team_abbr
),

all_sources as (
    select
        'nba_schedule' as known_from,
        game_id,
        game_date,
        tip_off_at,
        home_team_abbr,
        away_team_abbr,
        season,
        season_type,
        schedule_status,
        is_postponed
    from scheduled
    union all
    select
        'game_logs' as known_from,
        game_id,
        game_date,
        cast(null as {{ dbt.type_timestamp() }}) as tip_off_at,
        home_team_abbr,
        away_team_abbr,
        season,
        season_type,
        cast(null as {{ dbt.type_string() }}) as schedule_status,
        false as is_postponed
    from played
    union all
    select
        'line_feeds' as known_from,
        cast(null as {{ dbt.type_string() }}) as game_id,
        game_date,
        tip_off_at,
        home_team_abbr,
        away_team_abbr,
        cast(null as {{ dbt.type_string() }}) as season,
        cast(null as {{ dbt.type_string() }}) as season_type,
        cast(null as {{ dbt.type_string() }}) as schedule_status,
        false as is_postponed
    from feed_games
),

keyed as (
    select
        replace(cast(game_date as {{ dbt.type_string() }}), '-', '') || '_' || away_team_abbr
        || '_' || home_team_abbr as game_key,
        *
    from all_sources
    where game_date is not null and home_team_abbr is not null and away_team_abbr is not null
),

merged as (
    select
        game_key,
        max(game_date) as game_date,
        max(home_team_abbr) as home_team_abbr,
        max(away_team_abbr) as away_team_abbr,
        max(case when known_from = 'game_logs' then game_id end) as log_game_id,
        max(case when known_from = 'nba_schedule' then game_id end) as schedule_game_id,
        max(case when known_from = 'nba_schedule' then tip_off_at end) as schedule_tip_off_at,
        min(case when known_from = 'line_feeds' then tip_off_at end) as feed_tip_off_at,
        max(case when known_from = 'game_logs' then season end) as log_season,
        max(case when known_from = 'nba_schedule' then season end) as schedule_season,
        max(case when known_from = 'game_logs' then season_type end) as log_season_type,
        max(case when known_from = 'nba_schedule' then season_type end) as schedule_season_type,
        max(schedule_status) as schedule_status,
        max(case when known_from = 'nba_schedule' and is_postponed then 1 else 0 end)
            as postponed_flag,
        max(case when known_from = 'nba_schedule' then 1 else 0 end) as in_schedule_flag,
        max(case when known_from = 'game_logs' then 1 else 0 end) as in_logs_flag,
        max(case when known_from = 'line_feeds' then 1 else 0 end) as in_feeds_flag
    from keyed
    group by game_key
),

horizon as (
    select max(game_date) as data_horizon_date
    from played
),

with_status as (
    select
        merged.*,
        horizon.data_horizon_date,
        case
            when merged.in_logs_flag = 1 then 'final'
            when merged.postponed_flag = 1 then 'postponed'
            when merged.game_date > coalesce(horizon.data_horizon_date, cast('1900-01-01' as date))
                then 'scheduled'
            else 'not_in_logs'
        end as status
    from merged
    cross join horizon
),

upcoming_dates as (
    select
        game_date,
        dense_rank() over (order by game_date) as game_day_number
    from (
        select distinct game_date from with_status
        where status = 'scheduled'
    ) as dates
)

select
    with_status.game_key,
    coalesce(with_status.log_game_id, with_status.schedule_game_id) as game_id,
    with_status.game_date,
    coalesce(with_status.schedule_tip_off_at, with_status.feed_tip_off_at) as tip_off_at,
    case
        when with_status.schedule_tip_off_at is not null then 'nba_schedule'
        when with_status.feed_tip_off_at is not null then 'line_feed_commence_time'
    end as tip_off_source,
    coalesce(
        with_status.log_season,
        with_status.schedule_season,
        {{ season_label(season_start_year_of('with_status.game_date')) }}
    ) as season,
    coalesce(with_status.log_season_type, with_status.schedule_season_type) as season_type,
    with_status.home_team_abbr,
    with_status.away_team_abbr,
    home.team_id as home_team_id,
    away.team_id as away_team_id,
    with_status.status,
    with_status.status = 'final' as is_played,
    with_status.postponed_flag = 1 as is_postponed,
    coalesce(upcoming_dates.game_day_number <= {{ var('upcoming_game_days', 1) }}, false)
        as is_upcoming,
    case
        when with_status.in_schedule_flag = 1 then 'nba_schedule'
        when with_status.in_logs_flag = 1 then 'game_logs'
        else 'line_feeds'
    end as game_source,
    with_status.in_schedule_flag = 1 as in_schedule,
    with_status.in_logs_flag = 1 as in_game_logs,
    with_status.in_feeds_flag = 1 as in_line_feeds,
    with_status.schedule_status,
    with_status.data_horizon_date
from with_status
left join upcoming_dates
    on with_status.game_date = upcoming_dates.game_date
        and with_status.status = 'scheduled'
left join teams as home
    on with_status.home_team_abbr = home.team_abbr
left join teams as away
    on with_status.away_team_abbr = away.team_abbr
