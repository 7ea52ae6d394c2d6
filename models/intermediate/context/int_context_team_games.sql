{#-
  One row per team and game the context marts describe (played games, and the scheduled games
  of the next game day), with the team's and the opponent's schedule as it stood before the
  game's date. Only played games (in the logs) count as earlier games; the game itself and
  anything on or after its date never do.

    days rest        game_date - date of the previous played game: 1 = back-to-back (played
                     yesterday), 2 = one day off; NULL before the first game in the data
    games_last_N     played games dated in [game_date - N, game_date - 1] (the N calendar
                     days before the game)
    population_window_start_date
                     the date of the 10th most recent played game before this one
                     (var context_population_team_games); players who appeared for the team
                     since then make up the player population (int_context_player_games)
-#}

{%- set population_games = var('context_population_team_games', 10) -%}

with

games as (
    select
        game_key,
        game_id,
        game_date,
        tip_off_at,
        season,
        season_type,
        status,
        home_team_abbr,
        away_team_abbr
    from {{ ref('game_schedule') }}
    where status = 'final' or is_upcoming
),

team_games as (
    select
        game_key,
        game_id,
        game_date,
        tip_off_at,
        season,
        season_type,
        status,
        home_team_abbr as team_abbr,
        away_team_abbr as opponent_team_abbr,
        true as is_home
    from games
    union all
    select
        game_key,
        game_id,
        game_date,
        tip_off_at,
        season,
        season_type,
        status,
        away_team_abbr as team_abbr,
        home_team_abbr as opponent_team_abbr,
        false as is_home
    from games
),

played as (
    select
        team_abbr,
        game_key,
        game_date,
        -- For the team's next game: the start of its last-N-played-games window, which then
        -- includes this game and the N - 1 before it.
        lag(game_date, {{ population_games - 1 }}) over (
            partition by team_abbr order by game_date, game_key
        ) as next_population_window_start_date
    from team_games
    where status = 'final'
),

timeline as (
    select
        team_games.*,
        played.next_population_window_start_date
    from team_games
    left join played
        on team_games.team_abbr = played.team_abbr
            and team_games.game_key = played.game_key
),

sequenced as (
    select
        *,
        -- Latest values over the team's earlier rows that are played games. Dates only grow
        -- along a team's timeline, so max() over the preceding rows is the latest one.
        max(case when status = 'final' then game_date end) over (
            partition by team_abbr order by game_date, game_key
            rows between unbounded preceding and 1 preceding
        ) as previous_game_date,
        max(next_population_window_start_date) over (
            partition by team_abbr order by game_date, game_key
            rows between unbounded preceding and 1 preceding
        ) as population_window_start_date
    from timeline
),

recent as (
    select
        sequenced.game_key,
        sequenced.team_abbr,
        count(earlier.game_key) as games_last_14_days,
        cast(coalesce(sum(
            case
                when earlier.game_date >= {{ add_days('sequenced.game_date', -7) }} then 1 else 0
            end
        ), 0) as {{ dbt.type_bigint() }}) as games_last_7_days
    from sequenced
    left join team_games as earlier
        on sequenced.team_abbr = earlier.team_abbr
            and earlier.status = 'final'
            and earlier.game_date >= {{ add_days('sequenced.game_date', -14) }}
            and sequenced.game_date > earlier.game_date
    group by sequenced.game_key, sequenced.team_abbr
),

team_context as (
    select
        sequenced.game_key,
        sequenced.game_id,
        sequenced.game_date,
        sequenced.tip_off_at,
        sequenced.season,
        sequenced.season_type,
        sequenced.status,
        sequenced.team_abbr,
        sequenced.opponent_team_abbr,
        sequenced.is_home,
        sequenced.previous_game_date,
        {{ days_between('sequenced.previous_game_date', 'sequenced.game_date') }} as days_rest,
        recent.games_last_7_days,
        recent.games_last_14_days,
        sequenced.population_window_start_date
    from sequenced
    inner join recent
        on sequenced.game_key = recent.game_key
            and sequenced.team_abbr = recent.team_abbr
)

select
    team.game_key,
    team.game_id,
    team.game_date,
    team.tip_off_at,
    team.season,
    team.season_type,
    team.status,
    team.team_abbr,
    team.opponent_team_abbr,
    team.is_home,
    team.previous_game_date,
    team.days_rest,
    team.days_rest = 1 as is_back_to_back,
    team.games_last_7_days,
    team.games_last_14_days,
    team.population_window_start_date,
    opponent.previous_game_date as opponent_previous_game_date,
    opponent.days_rest as opponent_days_rest,
    opponent.days_rest = 1 as opponent_is_back_to_back,
    opponent.games_last_7_days as opponent_games_last_7_days,
    opponent.games_last_14_days as opponent_games_last_14_days
from team_context as team
inner join team_context as opponent
    on team.game_key = opponent.game_key
        and team.opponent_team_abbr = opponent.team_abbr
