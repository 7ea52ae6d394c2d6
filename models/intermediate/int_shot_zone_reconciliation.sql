{#-
  How well each play-by-play feed's zones reconcile with the box scores, one row per feed that
  supplies zones to at least one game: shots parsed, shooters attributed, and the share of
  team-games and player-games whose zone attempts add up to FGA and whose three-zone attempts
  equal 3PA. The mismatch rates are the report; tests bound them.
-#}

with

shot_counts as (
    select
        attempts.shot_feed,
        count(*) as shots,
        sum(case when attempts.player_id is not null then 1 else 0 end) as attributed_shots,
        sum(case when attempts.player_match = 'ambiguous' then 1 else 0 end) as ambiguous_shots,
        sum(case when attempts.player_match = 'unmatched' then 1 else 0 end) as unmatched_shots,
        sum(case when attempts.shot_zone_coarse is null then 1 else 0 end) as shots_without_zone,
        count(distinct attempts.game_id) as games
    from {{ ref('int_shot_attempts') }} as attempts
    inner join {{ ref('int_shot_zone_game_sources') }} as sources
        on attempts.game_id = sources.game_id
            and attempts.shot_feed = sources.shot_zone_feed
    group by attempts.shot_feed
),

team_games as (
    select
        shot_zone_feed,
        count(*) as team_games,
        sum(case when is_shot_zone_reconciled then 0 else 1 end) as team_games_mismatched,
        sum(case when paint_attempts + mid_range_attempts + three_attempts = fg_attempts
                then 0
            else 1
        end) as team_games_fga_mismatched,
        sum(case when three_attempts = three_pt_attempts then 0 else 1 end)
            as team_games_3pa_mismatched
    from {{ ref('int_team_game_shot_zones') }}
    where has_shot_zones
    group by shot_zone_feed
),

player_games as (
    select
        shot_zone_feed,
        count(*) as player_games,
        sum(case when is_shot_zone_reconciled then 0 else 1 end) as player_games_mismatched
    from {{ ref('int_player_game_shot_zones') }}
    where has_shot_zones
    group by shot_zone_feed
)

select
    shot_counts.shot_feed as shot_zone_feed,
    case when shot_counts.shot_feed = 'bigdataball' then 'bigdataball' else 'nbac_pbp' end
        as shot_zone_source,
    shot_counts.games,
    shot_counts.shots,
    shot_counts.attributed_shots,
    shot_counts.ambiguous_shots,
    shot_counts.unmatched_shots,
    shot_counts.shots_without_zone,
    round(1.0 * shot_counts.attributed_shots / shot_counts.shots, 4) as attribution_rate,
    coalesce(team_games.team_games, 0) as team_games,
    coalesce(team_games.team_games_mismatched, 0) as team_games_mismatched,
    coalesce(team_games.team_games_fga_mismatched, 0) as team_games_fga_mismatched,
    coalesce(team_games.team_games_3pa_mismatched, 0) as team_games_3pa_mismatched,
    round(1.0 * team_games.team_games_mismatched / nullif(team_games.team_games, 0), 4)
        as team_game_mismatch_rate,
    coalesce(player_games.player_games, 0) as player_games,
    coalesce(player_games.player_games_mismatched, 0) as player_games_mismatched,
    round(1.0 * player_games.player_games_mismatched / nullif(player_games.player_games, 0), 4)
        as player_game_mismatch_rate
from shot_counts
left join team_games
    on shot_counts.shot_feed = team_games.shot_zone_feed
left join player_games
    on shot_counts.shot_feed = player_games.shot_zone_feed
