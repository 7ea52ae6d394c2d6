{#-
  One row per field-goal attempt in BigDataBall play-by-play, the latest readable file of each
  game winning as a whole (base_bigdataball__shots parses and checks every file). A file with
  a shot staging cannot read (ops.held_back_rows) cannot win: the previous file of the game
  stands, or NBA.com's play-by-play (shot zones choose a feed per game).

  BigDataBall names players in full and has no ids: int_shot_attempts matches the name to
  the team's players in that game. Its game_id drops the leading zeros (42400407 is
  0042400407). original_x / original_y are NBA.com's shot-chart coordinates (tenths of a foot
  from the hoop); converted_x / converted_y (full-court feet) are not needed.
-#}

select
    game_id,
    game_date,
    play_id,
    period,
    clock,
    seconds_remaining,
    team_abbr,
    player_name,
    is_made,
    is_three,
    shot_type,
    distance_ft,
    x_ft,
    y_ft,
    is_assisted,
    assist_player_name,
    blocked_by_text,
    description,
    source_landed_path,
    source_fetched_at
from {{ latest_readable_fetch(ref('base_bigdataball__shots')) }}
