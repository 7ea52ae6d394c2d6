{{ incremental_mart_config(
    unique_key=['game_id', 'defending_team_id'],
    cluster_by=['defending_team_id'],
) }}

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
        defense.game_id,
        defense.team_id as defending_team_id,
        offense.team_id as opponent_team_id,
        defense.team_abbr as defending_team_abbr,
        offense.team_abbr as opponent_team_abbr,
        defense.season,
        defense.season_type,
        defense.season_start_year,
        offense.team_stats_source as opponent_team_stats_source,
        defense.team_stats_source,
        offense.points as points_allowed,
        offense.fg_makes as opp_fg_makes,
        offense.fg_attempts as opp_fg_attempts,
        offense.three_pt_makes as opp_three_pt_makes,
        offense.three_pt_attempts as opp_three_pt_attempts,
        offense.ft_makes as opp_ft_makes,
        offense.ft_attempts as opp_ft_attempts,
        offense.offensive_rebounds as opp_offensive_rebounds,
        offense.rebounds as opp_rebounds,
        offense.assists as opp_assists,
        offense.turnovers as turnovers_forced,
        offense.possessions as opponent_possessions,
        defense.possessions,
        defense.points,
        defense.steals,
        defense.blocks,
        defense.defensive_rebounds,
        defense.personal_fouls as fouls_committed,
        defense.overtime_periods,
        defense.team_minutes,
        defense.is_home,
        defense.game_date,
        greatest(defense.last_changed_at, offense.last_changed_at) as game_last_changed_at,
        opponent_zones.paint_attempts as opp_paint_attempts,
        opponent_zones.paint_makes as opp_paint_makes,
        opponent_zones.mid_range_attempts as opp_mid_range_attempts,
        opponent_zones.mid_range_makes as opp_mid_range_makes,
        opponent_zones.three_attempts as opp_three_attempts,
        opponent_zones.three_makes as opp_three_makes,
        opponent_zones.shot_zone_source,
        opponent_zones.has_shot_zones,
        opponent_zones.shot_zones_fetched_at
    from box_scores as defense
    inner join box_scores as offense
        on defense.game_id = offense.game_id
            and defense.team_id <> offense.team_id
    left join shot_zones as opponent_zones
        on offense.game_id = opponent_zones.game_id
            and offense.team_id = opponent_zones.team_id
)

select
    game_id,
    defending_team_id,
    opponent_team_id,
    defending_team_abbr,
    opponent_team_abbr,
    season,
    season_type,
    team_stats_source,
    opponent_team_stats_source,
    season_start_year,
    points_allowed,
    opp_fg_makes,
    opp_fg_attempts,
    opp_three_pt_makes,
    opp_three_pt_attempts,
    opp_ft_makes,
    opp_ft_attempts,
    opp_offensive_rebounds,
    opp_rebounds,
    opp_assists,
    turnovers_forced,
    steals,
    blocks,
    defensive_rebounds,
    fouls_committed,
    round(opponent_possessions, 2) as opponent_possessions,
    round(100 * points_allowed / nullif(opponent_possessions, 0), 2) as defensive_rating,
    -- The original reported raw opponent possessions as "pace"; this is the real per-48
    -- figure, identical to the offense side's pace for the same game.
    round(48 * ((possessions + opponent_possessions) / 2) / (team_minutes / 5), 2) as pace,
    round(points_allowed / nullif(2 * (opp_fg_attempts + 0.44 * opp_ft_attempts), 0), 4)
        as opponent_ts_pct,
    round((opp_fg_makes + 0.5 * opp_three_pt_makes) / nullif(opp_fg_attempts, 0), 4)
        as opponent_efg_pct,
    points - points_allowed as margin,
    overtime_periods,
    is_home,
    points > points_allowed as is_win,
    -- The opponent's shot zones (allowed), from the game's one play-by-play source.
    opp_paint_attempts,
    opp_paint_makes,
    opp_mid_range_attempts,
    opp_mid_range_makes,
    opp_three_attempts,
    opp_three_makes,
    shot_zone_source,
    has_shot_zones,
    game_date,
    -- Newest fetch among the rows this game is built from (its play-by-play included): the
    -- incremental watermark.
    greatest(game_last_changed_at, coalesce(shot_zones_fetched_at, game_last_changed_at))
        as source_fetched_at
from paired
