{#-
  Shot zones per team-game (the team's own attempts), from the game's one chosen feed, as
  for players (int_player_game_shot_zones). Every shot of the feed counts here, including
  those whose shooter could not be named, so a team's zone counts reconcile with its box
  score whenever the feed is complete. unattributed_attempts counts the shots no player got.

  A table: read twice by team_defense_zone_analysis, by the team marts and by many data
  tests; as a view each would re-parse the box scores.
-#}
{{ config(materialized='table') }}

with

team_games as (
    select
        game_id,
        team_id,
        season,
        game_date,
        fg_attempts,
        fg_makes,
        three_pt_attempts,
        three_pt_makes
    from {{ ref('int_team_game_box_scores_unified') }}
),

shots as (
    select * from {{ ref('int_shot_attempts') }}
),

game_sources as (
    -- The one fallback rule (macros/nba/shot_zones.sql), inline so unit tests exercise it.
    {{ shot_zone_game_sources('shots') }}
),

team_zones as (
    select
        shots.game_id,
        shots.team_id,
        {{ shot_zone_aggregates() }},
        sum(case when shots.player_id is null then 1 else 0 end) as unattributed_attempts
    from shots
    inner join game_sources
        on shots.game_id = game_sources.game_id
            and shots.shot_feed = game_sources.shot_zone_feed
    group by shots.game_id, shots.team_id
)

select
    team_games.game_id,
    team_games.team_id,
    team_games.season,
    coalesce(game_sources.shot_zone_source, 'none') as shot_zone_source,
    game_sources.shot_zone_feed,
    game_sources.game_id is not null as has_shot_zones,
    {%- for prefix, _, _ in shot_zone_counts() %}
        case
            when game_sources.game_id is not null then coalesce(team_zones.{{ prefix }}_attempts, 0)
        end
            as {{ prefix }}_attempts,
        case
            when game_sources.game_id is not null then coalesce(team_zones.{{ prefix }}_makes, 0)
        end
            as {{ prefix }}_makes,
    {%- endfor %}
    case when game_sources.game_id is not null then coalesce(team_zones.assisted_makes, 0) end
        as assisted_makes,
    case when game_sources.game_id is not null then coalesce(team_zones.blocked_attempts, 0) end
        as blocked_attempts,
    case
        when game_sources.game_id is not null then coalesce(team_zones.unattributed_attempts, 0)
    end
        as unattributed_attempts,
    team_games.fg_attempts,
    team_games.fg_makes,
    team_games.three_pt_attempts,
    team_games.three_pt_makes,
    case when game_sources.game_id is not null then
            coalesce(
                team_zones.paint_attempts + team_zones.mid_range_attempts
                + team_zones.three_attempts, 0
            ) = team_games.fg_attempts
            and coalesce(team_zones.three_attempts, 0) = team_games.three_pt_attempts
    end as is_shot_zone_reconciled,
    game_sources.shot_zones_fetched_at,
    team_games.game_date
from team_games
left join game_sources
    on team_games.game_id = game_sources.game_id
left join team_zones
    on team_games.game_id = team_zones.game_id
        and team_games.team_id = team_zones.team_id
