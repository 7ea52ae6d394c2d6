{#-
  Every game of every landed NBA.com scheduleLeagueV2 payload
  (leagueSchedule.gameDates[].games[]), typed, all fetches kept; stg_nba_schedule__games
  serves the latest readable fetch of each game. A table (dbt_project.yml): a season payload
  is ~3 MB of JSON, read once here for staging, ops.held_back_rows and the ledger.

  row_problem says what makes a game row unusable (a value sent but unreadable, no game id,
  date, tip-off or teams, a game id that is not an NBA one, an unknown status); staging skips
  such a row, so the previous fetch of the game stands, and ops.held_back_rows lists it.
-#}
{#- Each value as sent (its JSON path) and the column it becomes. -#}
{%- set sent_as = [
    ['game_status', '$.gameStatus', 'game_status'],
    ['game_date_est', '$.gameDateEst', 'game_date'],
    ['game_date_time_utc', '$.gameDateTimeUTC', 'tip_off_at'],
    ['home_team_id', '$.homeTeam.teamId', 'home_team_id'],
    ['away_team_id', '$.awayTeam.teamId', 'away_team_id'],
    ['home_score', '$.homeTeam.score', 'home_score'],
    ['away_score', '$.awayTeam.score', 'away_score']
] -%}

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
        game_date_json,
        game_date_index
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
        game,
        game_date_index * 1000 + game_index as game_index
    from (
        {{ unnest_json_array('game_dates', 'game_date_json', '$.games', 'game', 'game_index') }}
    ) as unnested
),

parsed as (
    select
        {{ json_text('game', '$.gameId') }} as game_id,
        {{ json_text('game', '$.gameCode') }} as game_code,
        {{ text_to_integer(json_text('game', '$.gameStatus')) }} as game_status,
        {{ json_text('game', '$.gameStatusText') }} as game_status_text,
        -- gameDateEst is the US Eastern calendar date written as midnight 'Z'; its date part
        -- is the NBA game date (the one stats.nba.com logs carry).
        {{ dbt.safe_cast(
            "substr(" ~ json_text('game', '$.gameDateEst') ~ ", 1, 10)", "date"
        ) }} as game_date,
        {{ parse_utc_timestamp(json_text('game', '$.gameDateTimeUTC')) }} as tip_off_at,
        {{ text_to_integer(json_text('game', '$.homeTeam.teamId'), dbt.type_bigint()) }}
            as home_team_id,
        {{ json_text('game', '$.homeTeam.teamTricode') }} as home_team_abbr,
        {{ text_to_integer(json_text('game', '$.awayTeam.teamId'), dbt.type_bigint()) }}
            as away_team_id,
        {{ json_text('game', '$.awayTeam.teamTricode') }} as away_team_abbr,
        {{ text_to_integer(json_text('game', '$.homeTeam.score')) }} as home_score,
        {{ text_to_integer(json_text('game', '$.awayTeam.score')) }} as away_score,
        {{ json_text('game', '$.postponedStatus') }} as postponed_status,
        {{ json_text('game', '$.isNeutral') }} = 'true' as is_neutral,
        {{ json_text('game', '$.gameLabel') }} as game_label,
        {%- for name, path, typed in sent_as %}
            {{ json_text('game', path) }} as sent_{{ name }},
        {%- endfor %}
        game_index,
        season,
        landed_path,
        fetched_at
    from games
)

select
    game_id,
    game_code,
    game_status,
    game_status_text,
    game_date,
    tip_off_at,
    home_team_id,
    home_team_abbr,
    away_team_id,
    away_team_abbr,
    home_score,
    away_score,
    postponed_status,
    is_neutral,
    game_label,
    season,
    game_index as row_number_in_payload,
    {%- set sent_pairs = [] -%}
    {%- for name, path, typed in sent_as -%}
        {%- do sent_pairs.append([name, typed]) -%}
    {%- endfor %}
    {{ row_problems(
        unreadable_value_checks(sent_pairs)
        + required_value_checks([
            'game_id', 'game_date', 'tip_off_at', 'home_team_abbr', 'away_team_abbr',
            'game_status'
        ])
        + [
            ['not ' ~ regex_matches('game_id', '^00[1-6][0-9]{7}$'), "'game_id not an NBA game id'"],
            ['game_status not in (1, 2, 3)', "'gameStatus not 1, 2 or 3'"]
        ]
    ) }} as row_problem,
    landed_path as source_landed_path,
    fetched_at as source_fetched_at
from parsed
