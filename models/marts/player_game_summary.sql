{{ incremental_mart_config(
    unique_key=['game_id', 'player_id'],
    cluster_by=['player_id', 'team_id'],
) }}

with

player_games as (
    select * from {{ ref('stg_nba_stats__player_game_logs') }}
    where {{ changed_games_predicate('game_id', ref('int_player_game_shot_zones')) }}
),

box_scores as (
    select * from {{ ref('int_team_game_box_scores_unified') }}
    where {{ changed_games_predicate('game_id', ref('int_player_game_shot_zones')) }}
),

shot_zones as (
    select * from {{ ref('int_player_game_shot_zones') }}
    where {{ changed_games_predicate('game_id', ref('int_player_game_shot_zones')) }}
),

joined as (
    select
        player_games.*,
        opponent.team_id as opponent_team_id,
        team.team_minutes,
        team.fg_attempts as team_fg_attempts,
        team.ft_attempts as team_ft_attempts,
        team.turnovers as team_turnovers,
        team.points as team_points,
        opponent.points as opponent_points,
        team.team_stats_source,
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
    from player_games
    left join box_scores as team
        on player_games.game_id = team.game_id
            and player_games.team_id = team.team_id
    left join box_scores as opponent
        on player_games.game_id = opponent.game_id
            and player_games.team_id <> opponent.team_id
    left join shot_zones
        on player_games.game_id = shot_zones.game_id
            and player_games.player_id = shot_zones.player_id
),

with_usage as (
    select
        *,
        -- Usage rate, OT-adjusted: the original used a fixed 48 (240 / 5) even in overtime.
        100 * (fg_attempts + 0.44 * ft_attempts + turnovers) * (team_minutes / 5)
        / nullif(minutes * (team_fg_attempts + 0.44 * team_ft_attempts + team_turnovers), 0)
            as usage_rate_unbounded
    from joined
)

select
    game_id,
    player_id,
    team_id,
    opponent_team_id,
    player_name,
    team_abbr,
    opponent_team_abbr,
    season,
    season_type,
    team_stats_source,
    season_start_year,
    minutes,
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
    plus_minus,
    round((fg_makes + 0.5 * three_pt_makes) / nullif(fg_attempts, 0), 4) as efg_pct,
    -- Defined whenever the player took a shot of any kind; the original required FGA > 0
    -- and so dropped free-throw-only games.
    round(points / nullif(2 * (fg_attempts + 0.44 * ft_attempts), 0), 4) as ts_pct,
    case when usage_rate_unbounded <= 100 then round(usage_rate_unbounded, 2) end as usage_rate,
    is_home,
    case
        when team_points > opponent_points then true
        when team_points < opponent_points then false
    end as is_win,
    -- leaguegamelog reports no starting lineup: unknown is NULL, not a guess from minutes.
    cast(null as {{ dbt.type_boolean() }}) as is_starter,
    -- leaguegamelog lists only players who appeared in the game, so no row here is a DNP;
    -- DNPs arrive with a gamebook or box-score source.
    false as is_dnp,
    team_stats_source <> 'nba_stats_team_log' as is_team_stats_derived,
    -- Shot zones from the game's one play-by-play source (int_player_game_shot_zones).
    paint_attempts,
    paint_makes,
    mid_range_attempts,
    mid_range_makes,
    three_attempts,
    three_makes,
    shot_zone_source,
    has_shot_zones,
    game_date,
    -- Newest fetch among every row this game is built from (both teams' players and logs,
    -- and its play-by-play): the incremental watermark.
    greatest(
        coalesce(game_last_changed_at, source_fetched_at),
        coalesce(shot_zones_fetched_at, game_last_changed_at, source_fetched_at)
    ) as source_fetched_at
from with_usage
