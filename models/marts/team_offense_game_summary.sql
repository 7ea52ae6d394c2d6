{{ incremental_mart_config(unique_key=['game_id', 'team_id'], cluster_by=['team_id']) }}

with

box_scores as (
    select * from {{ ref('int_team_game_box_scores_unified') }}
    where {{ changed_games_predicate('game_id', ref('int_team_game_shot_zones')) }}
),

shot_zones as (
    select * from {{ ref('int_team_game_shot_zones') }}
    where {{ changed_games_predicate('game_id', ref('int_team_game_shot_zones')) }}
),

paired as (
    select
        team.*,
        opponent.team_id as opponent_team_id,
        opponent.points as opponent_points,
        opponent.possessions as opponent_possessions,
        opponent.team_stats_source as opponent_team_stats_source,
        greatest(team.last_changed_at, opponent.last_changed_at) as game_last_changed_at,
        shot_zones.paint_attempts,
        shot_zones.paint_makes,
        shot_zones.mid_range_attempts,
        shot_zones.mid_range_makes,
        shot_zones.three_attempts,
        shot_zones.three_makes,
        shot_zones.shot_zone_source,
        shot_zones.has_shot_zones,
        shot_zones.shot_zones_fetched_at
    from box_scores as team
    inner join box_scores as opponent
        on team.game_id = opponent.game_id
            and team.team_id <> opponent.team_id
    left join shot_zones
        on team.game_id = shot_zones.game_id
            and team.team_id = shot_zones.team_id
)

select
    game_id,
    team_id,
    opponent_team_id,
    team_abbr,
    opponent_team_abbr,
    season,
    season_type,
    team_stats_source,
    season_start_year,
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
    round(possessions, 2) as possessions,
    -- Pace per 48 minutes from both teams' possessions, scaled by the game's real length
    -- (team minutes / 5), so overtime games are not inflated.
    round(48 * ((possessions + opponent_possessions) / 2) / (team_minutes / 5), 2) as pace,
    round(100 * points / nullif(possessions, 0), 2) as offensive_rating,
    round(points / nullif(2 * (fg_attempts + 0.44 * ft_attempts), 0), 4) as ts_pct,
    round((fg_makes + 0.5 * three_pt_makes) / nullif(fg_attempts, 0), 4) as efg_pct,
    points - opponent_points as margin,
    overtime_periods,
    team_minutes,
    is_home,
    points > opponent_points as is_win,
    team_stats_source <> 'nba_stats_team_log' as is_team_stats_derived,
    -- The team's own shot zones, from the game's one play-by-play source.
    paint_attempts,
    paint_makes,
    mid_range_attempts,
    mid_range_makes,
    three_attempts,
    three_makes,
    shot_zone_source,
    has_shot_zones,
    game_date,
    -- Newest fetch among the rows this game is built from (its play-by-play included): the
    -- incremental watermark.
    greatest(game_last_changed_at, coalesce(shot_zones_fetched_at, game_last_changed_at))
        as source_fetched_at
from paired
