{#-
  For every team-game of the feature population (each side of each game), the team's form as
  it stood before the game's date, found the same way as the player's: one timeline per team
  and season, targets sorted before games of the same date, the highest games-played ordinal
  strictly before each target.
-#}

with

population as (
    select distinct
        team_abbr,
        game_id,
        game_date,
        season
    from {{ ref('int_player_game_population') }}
    union distinct
    select distinct
        opponent_team_abbr as team_abbr,
        game_id,
        game_date,
        season
    from {{ ref('int_player_game_population') }}
),

form as (
    select * from {{ ref('int_team_games_rolled_to_form') }}
),

timeline as (
    select
        team_abbr,
        season,
        game_date,
        game_id,
        0 as row_kind,
        cast(null as {{ dbt.type_bigint() }}) as games_played_season
    from population
    union all
    select
        team_abbr,
        season,
        game_date,
        game_id,
        1 as row_kind,
        games_played_season
    from form
),

targets as (
    select
        team_abbr,
        season,
        game_id,
        game_date,
        row_kind,
        max(games_played_season) over (
            partition by team_abbr, season
            order by game_date, row_kind, game_id
            rows between unbounded preceding and 1 preceding
        ) as prior_games_played_season
    from timeline
)

select
    targets.team_abbr,
    targets.game_id,
    coalesce(targets.prior_games_played_season, 0) as team_games_played_season_before,
    form.pace_avg_last_10,
    form.offensive_rating_avg_last_10,
    form.win_pct_season,
    form.defensive_rating_avg_last_15,
    form.pace_avg_last_15,
    form.blowout_share_last_10,
    form.game_date as form_as_of_game_date,
    targets.game_date
from targets
left join form
    on targets.team_abbr = form.team_abbr
        and targets.season = form.season
        and targets.prior_games_played_season = form.games_played_season
where targets.row_kind = 0
