{#-
  One row per game of NBA.com scheduleLeagueV2 (leagueSchedule.gameDates[].games[]), the
  latest fetch of each game winning (a later capture carries the final status and scores, or a
  new date for a rescheduled game).
-#}

with

payloads as (
    select
        landed_path,
        fetched_at,
        {{ json_text('payload', '$.leagueSchedule.seasonYear') }} as season,
        payload
    from {{ source('nba_schedule', 'league_schedule') }}
),

-- Each step keeps only what the next needs: a season payload is ~3 MB of JSON, and carrying
-- it on every game row would copy it 1,400 times.
game_dates as (
    select
        landed_path,
        fetched_at,
        season,
        game_date_json
    from (
        {{ unnest_json_array(
            'payloads', 'payload', '$.leagueSchedule.gameDates', 'game_date_json', 'game_date_index'
        ) }}
    ) as unnested
),

games as (
    select
        landed_path,
        fetched_at,
        season,
        game
    from (
        {{ unnest_json_array('game_dates', 'game_date_json', '$.games', 'game', 'game_index') }}
    ) as unnested
),

parsed as (
    select
        {{ json_text('game', '$.gameId') }} as game_id,
        {{ json_text('game', '$.gameCode') }} as game_code,
        {{ dbt.safe_cast(json_text('game', '$.gameStatus'), dbt.type_int()) }} as game_status,
        {{ json_text('game', '$.gameStatusText') }} as game_status_text,
        -- gameDateEst is the US Eastern calendar date written as midnight 'Z'; its date part
        -- is the NBA game date (the one stats.nba.com logs carry).
        {{ dbt.safe_cast(
            "substr(" ~ json_text('game', '$.gameDateEst') ~ ", 1, 10)", "date"
        ) }} as game_date,
        {{ parse_utc_timestamp(json_text('game', '$.gameDateTimeUTC')) }} as tip_off_at,
        {{ dbt.safe_cast(
            json_text('game', '$.homeTeam.teamId'), dbt.type_bigint()
        ) }} as home_team_id,
        {{ json_text('game', '$.homeTeam.teamTricode') }} as home_team_abbr,
        {{ dbt.safe_cast(
            json_text('game', '$.awayTeam.teamId'), dbt.type_bigint()
        ) }} as away_team_id,
        {{ json_text('game', '$.awayTeam.teamTricode') }} as away_team_abbr,
        {{ dbt.safe_cast(json_text('game', '$.homeTeam.score'), dbt.type_int()) }} as home_score,
        {{ dbt.safe_cast(json_text('game', '$.awayTeam.score'), dbt.type_int()) }} as away_score,
        {{ json_text('game', '$.postponedStatus') }} as postponed_status,
        {{ json_text('game', '$.isNeutral') }} = 'true' as is_neutral,
        {{ json_text('game', '$.gameLabel') }} as game_label,
        season,
        landed_path,
        fetched_at
    from games
),

ranked as (
    select
        *,
        row_number() over (
            partition by game_id
            order by fetched_at desc, landed_path desc
        ) as fetch_rank
    from parsed
)

select
    game_id,
    game_code,
    season,
    -- The third digit of the game id: 1 preseason, 2 regular season, 3 All-Star, 4 playoffs,
    -- 5 play-in, 6 the NBA Cup final (which does not count in the regular-season logs).
    case substr(game_id, 3, 1)
        when '1' then 'Pre Season'
        when '2' then 'Regular Season'
        when '3' then 'All Star'
        when '4' then 'Playoffs'
        when '5' then 'PlayIn'
        when '6' then 'NBA Cup Final'
    end as season_type,
    game_date,
    tip_off_at,
    home_team_id,
    home_team_abbr,
    away_team_id,
    away_team_abbr,
    game_status,
    game_status_text,
    case game_status when 1 then 'scheduled' when 2 then 'live' when 3 then 'final' end as status,
    -- Scores are 0 until a game is played.
    case when game_status = 3 then home_score end as home_score,
    case when game_status = 3 then away_score end as away_score,
    postponed_status,
    coalesce(postponed_status, 'N') <> 'N' as is_postponed,
    is_neutral,
    game_label,
    landed_path as source_landed_path,
    fetched_at as source_fetched_at
from ranked
where fetch_rank = 1
