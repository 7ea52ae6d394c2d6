{#-
  The shot-zone source of each game, chosen once per game (never per run, never per player)
  by the one fallback rule, macros/nba/shot_zones.sql shot_zone_game_sources(): BigDataBall
  when it has the game, else NBA.com play-by-play. Games in no feed have no row here and get
  shot_zone_source 'none' downstream.
-#}

with

sources as (
    {{ shot_zone_game_sources(ref('int_shot_attempts')) }}
)

select
    sources.game_id,
    sources.has_bigdataball,
    sources.has_nbac_pbp,
    sources.shot_zone_feed,
    sources.shot_zone_source,
    -- When the chosen feed was last fetched: a re-scrape (or a first BigDataBall file for a
    -- game NBA.com already covered) changes the game's zones.
    max(shots.source_fetched_at) as shot_zones_fetched_at
from sources
inner join {{ ref('int_shot_attempts') }} as shots
    on sources.game_id = shots.game_id
        and sources.shot_zone_feed = shots.shot_feed
group by
    sources.game_id,
    sources.has_bigdataball,
    sources.has_nbac_pbp,
    sources.shot_zone_feed,
    sources.shot_zone_source
