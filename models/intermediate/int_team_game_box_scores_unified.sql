{{ config(materialized='table') }}

{#-
  One box score per team and game, chosen per game: the official team log when that game
  has one, else the team's player rows summed. The choice is recorded in team_stats_source.
  Summed rows miss team turnovers (not credited to any player), so their possessions run a
  little low; that is why the source travels with every row.
-#}

with

official as (
    select
        game_id,
        team_id,
        team_abbr,
        opponent_team_abbr,
        season,
        season_type,
        season_start_year,
        game_date,
        is_home,
        team_minutes as team_minutes_reported,
        points,
        fg_makes,
        fg_attempts,
        three_pt_makes,
        three_pt_attempts,
        ft_makes,
        ft_attempts,
        offensive_rebounds,
        defensive_rebounds,
        rebounds,
        assists,
        steals,
        blocks,
        turnovers,
        personal_fouls,
        source_fetched_at,
        'nba_stats_team_log' as team_stats_source
    from {{ ref('stg_nba_stats__team_game_logs') }}
),

summed_from_players as (
    select
        game_id,
        team_id,
        max(team_abbr) as team_abbr,
        max(opponent_team_abbr) as opponent_team_abbr,
        max(season) as season,
        max(season_type) as season_type,
        max(season_start_year) as season_start_year,
        max(game_date) as game_date,
        {{ dbt.bool_or('is_home') }} as is_home,
        sum(minutes) as team_minutes_reported,
        sum(points) as points,
        sum(fg_makes) as fg_makes,
        sum(fg_attempts) as fg_attempts,
        sum(three_pt_makes) as three_pt_makes,
        sum(three_pt_attempts) as three_pt_attempts,
        sum(ft_makes) as ft_makes,
        sum(ft_attempts) as ft_attempts,
        sum(offensive_rebounds) as offensive_rebounds,
        sum(defensive_rebounds) as defensive_rebounds,
        sum(rebounds) as rebounds,
        sum(assists) as assists,
        sum(steals) as steals,
        sum(blocks) as blocks,
        sum(turnovers) as turnovers,
        sum(personal_fouls) as personal_fouls,
        max(source_fetched_at) as source_fetched_at,
        'summed_player_logs' as team_stats_source
    from {{ ref('stg_nba_stats__player_game_logs') }}
    group by game_id, team_id
),

unified as (
    select
        official.*,
        -- Player rows feed usage rate even where the team log wins, so a re-scraped player
        -- log must mark the game as changed too.
        greatest(official.source_fetched_at, coalesce(
            summed_from_players.source_fetched_at, official.source_fetched_at
        )) as last_changed_at
    from official
    left join summed_from_players
        on official.game_id = summed_from_players.game_id
            and official.team_id = summed_from_players.team_id
    union all
    select
        summed_from_players.*,
        summed_from_players.source_fetched_at as last_changed_at
    from summed_from_players
    left join official
        on summed_from_players.game_id = official.game_id
            and summed_from_players.team_id = official.team_id
    where official.game_id is null
)

select
    game_id,
    team_id,
    team_abbr,
    opponent_team_abbr,
    season,
    season_type,
    season_start_year,
    is_home,
    team_stats_source,
    -- Regulation is 240 team-minutes and each overtime 25. Player logs report whole
    -- minutes, so their sum can be off by a minute or two; rounding to the nearest
    -- period recovers the exact count from either source.
    greatest(cast(round((team_minutes_reported - 240) / 25) as {{ dbt.type_int() }}), 0)
        as overtime_periods,
    240 + 25 * greatest(cast(round((team_minutes_reported - 240) / 25) as {{ dbt.type_int() }}), 0)
        as team_minutes,
    points,
    fg_makes,
    fg_attempts,
    three_pt_makes,
    three_pt_attempts,
    ft_makes,
    ft_attempts,
    offensive_rebounds,
    defensive_rebounds,
    rebounds,
    assists,
    steals,
    blocks,
    turnovers,
    personal_fouls,
    -- Possessions (simple estimate, as in the original system and most box-score work):
    -- FGA + 0.44 * FTA - OREB + TOV.
    fg_attempts + 0.44 * ft_attempts - offensive_rebounds + turnovers as possessions,
    game_date,
    last_changed_at
from unified
