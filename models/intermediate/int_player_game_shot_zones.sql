{#-
  Shot zones per player-game, with the COALESCE fallback done per game: every player-game
  of the box score gets its zones from the game's one chosen feed (the rule
  shot_zone_game_sources() in macros/nba/shot_zones.sql: BigDataBall, else NBA.com
  play-by-play), or none at all. All zones of a row come from the
  same feed, so a player's paint, mid-range and three counts are never mixed across sources
  (the original system's worst shot-zone bug, original-system.md §4.4).

  A covered game gives 0, not NULL, to a player with no shot in it; an uncovered game gives
  NULL to every zone column. is_shot_zone_reconciled says whether the zone counts add up to
  the box score (FGA and 3PA); they do not when the feed's shot could not be attributed to the
  player (name-only feeds) or the feed and the box score disagree.

  A table: read by the marts and by many data tests; as a view each would re-parse the
  player logs.
-#}
{{ config(materialized='table') }}

with

player_games as (
    select
        game_id,
        player_id,
        player_name,
        team_id,
        season,
        game_date,
        fg_attempts,
        fg_makes,
        three_pt_attempts,
        three_pt_makes
    from {{ ref('stg_nba_stats__player_game_logs') }}
),

shots as (
    select * from {{ ref('int_shot_attempts') }}
),

game_sources as (
    -- The one fallback rule (macros/nba/shot_zones.sql), inline so unit tests exercise it.
    {{ shot_zone_game_sources('shots') }}
),

player_zones as (
    select
        shots.game_id,
        shots.player_id,
        {{ shot_zone_aggregates() }}
    from shots
    inner join game_sources
        on shots.game_id = game_sources.game_id
            and shots.shot_feed = game_sources.shot_zone_feed
    where shots.player_id is not null
    group by shots.game_id, shots.player_id
)

select
    player_games.game_id,
    player_games.player_id,
    player_games.player_name,
    player_games.team_id,
    player_games.season,
    coalesce(game_sources.shot_zone_source, 'none') as shot_zone_source,
    game_sources.shot_zone_feed,
    game_sources.game_id is not null as has_shot_zones,
    {%- for prefix, _, _ in shot_zone_counts() %}
        case
            when
                game_sources.game_id is not null
                then coalesce(player_zones.{{ prefix }}_attempts, 0)
        end
            as {{ prefix }}_attempts,
        case
            when game_sources.game_id is not null then coalesce(player_zones.{{ prefix }}_makes, 0)
        end
            as {{ prefix }}_makes,
    {%- endfor %}
    case when game_sources.game_id is not null then coalesce(player_zones.assisted_makes, 0) end
        as assisted_makes,
    case when game_sources.game_id is not null then coalesce(player_zones.blocked_attempts, 0) end
        as blocked_attempts,
    player_games.fg_attempts,
    player_games.fg_makes,
    player_games.three_pt_attempts,
    player_games.three_pt_makes,
    case when game_sources.game_id is not null then
            coalesce(
                player_zones.paint_attempts + player_zones.mid_range_attempts
                + player_zones.three_attempts, 0
            ) = player_games.fg_attempts
            and coalesce(player_zones.three_attempts, 0) = player_games.three_pt_attempts
    end as is_shot_zone_reconciled,
    game_sources.shot_zones_fetched_at,
    player_games.game_date
from player_games
left join game_sources
    on player_games.game_id = game_sources.game_id
left join player_zones
    on player_games.game_id = player_zones.game_id
        and player_games.player_id = player_zones.player_id
