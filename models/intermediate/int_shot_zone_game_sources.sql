{#-
  The shot-zone source of each game, chosen once per game (never per run, never per player)
  by the one fallback rule, macros/nba/shot_zones.sql shot_zone_game_sources(): BigDataBall
  when it has the game, else NBA.com play-by-play. Games in no feed have no row here and get
  shot_zone_source 'none' downstream.
-#}

{{ shot_zone_game_sources(ref('int_shot_attempts')) }}
