{#-
  One row per field-goal attempt in NBA.com cdn liveData play-by-play (`game.actions[]` with
  actionType '2pt' or '3pt'), the latest readable fetch of each game winning as a whole
  (base_nba_cdn__shots parses and checks every fetch; a fetch with a shot held back cannot
  win, so the previous fetch stands, or the other feed: shot zones choose one per game).

  Read exactly as the feed encodes it (the original system did not, see
  original-system.md §4.4): made = shotResult 'Made', three = actionType '3pt', distance =
  shotDistance (already feet), location = xLegacy / yLegacy (tenths of a foot from the hoop,
  NBA.com's shot-chart system) divided by 10. The 0-100 `x` / `y` (percent of the court)
  are not used.
-#}

select
    game_id,
    action_number,
    period,
    clock,
    seconds_remaining,
    player_id,
    player_name_initial,
    team_id,
    team_abbr,
    action_type,
    sub_type,
    is_made,
    is_three,
    distance_ft,
    x_ft,
    y_ft,
    nba_area,
    is_assisted,
    assist_player_id,
    blocked_by_player_id,
    blocked_by_text,
    description,
    source_landed_path,
    source_fetched_at
from {{ latest_readable_fetch(ref('base_nba_cdn__shots')) }}
