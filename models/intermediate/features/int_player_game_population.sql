{#-
  The player-games the feature store describes: the pre-game context population (players
  expected to play, by one rule for history and for tonight; see upcoming_player_game_context),
  limited to games with an NBA game id. Played or not: a player who sat out keeps his row, so
  training sees the same population scoring does, and grading voids the games he missed.
-#}
select
    player_id,
    game_id,
    game_key,
    team_abbr,
    opponent_team_abbr,
    season,
    is_home,
    game_date
from {{ ref('upcoming_player_game_context') }}
where game_id is not null
