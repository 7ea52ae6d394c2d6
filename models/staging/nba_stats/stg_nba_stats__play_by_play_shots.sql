{#-
  One row per field-goal attempt in stats.nba.com play-by-play (`playbyplay` v1 or v2),
  latest fetch of each game winning as a whole (a re-scrape replaces the game's events).

  EVENTMSGTYPE 1 is a made field goal, 2 a missed one. The shooter's text sits in the
  description of the shooting side (HOME/VISITORDESCRIPTION); on a block the other side
  reads "Horford BLOCK (1 BLK)". v1 has no player ids: the shooter is attributed by name in
  int_shot_attempts. v2's PLAYER1_ID (shooter), PLAYER2_ID (assist on a make) and PLAYER3_ID
  (block on a miss) are used when the payload has them.

  Distance comes from the text ("MISS Covington 27' 3PT Jump Shot"), and the text leaves it
  out in two cases, checked against NBA.com's shot charts of the two open games that have
  both (0021600270, 0021900001; tests/python/test_shot_zone_definition.py):
  - a two at 0 ft: "0'" never appears in the 58,538 field goals of the bundled 2018-19 games
    while "1'" appears 8,092 times, every two without a distance is a dunk, layup, tip or
    finger roll, and all 16 in the charted games are at 0 ft. So distance_ft = 0.
  - a three under 24 ft: all 33 threes without a distance in the charted games are corner
    threes at 22-23 ft. distance_ft stays NULL (unknown), and zone_distance_ft, the distance
    the zone rule reads, is 23, which puts them in the corner.

  The events are unnested and read once per landed payload in
  base_nba_stats__play_by_play_shots; this model keeps the latest fetch of each game whole
  (dense_rank: every event of that fetch). A fetch without any field goal cannot win, nor can
  one with a shot staging cannot read.
-#}

select
    game_id,
    event_num,
    period,
    clock,
    seconds_remaining,
    shooting_side,
    player_id,
    team_id,
    shooter_text,
    shot_description,
    event_msg_action_type,
    is_made,
    is_three,
    distance_ft,
    zone_distance_ft,
    is_assisted,
    assist_player_id,
    assist_player_text,
    blocked_by_player_id,
    blocked_by_text,
    source_landed_path,
    source_fetched_at
from {{ latest_readable_fetch(ref('base_nba_stats__play_by_play_shots')) }}
