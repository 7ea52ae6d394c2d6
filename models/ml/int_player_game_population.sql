{#-
  The player-games the feature store describes: for now every player-game that was played.
  The pre-game context mart (players expected to play, tonight and in history, by one rule)
  replaces this population when it lands, so training and scoring share it.
-#}
select
    player_id,
    game_id,
    team_id,
    opponent_team_id,
    season,
    is_home,
    game_date
from {{ ref('player_game_summary') }}
