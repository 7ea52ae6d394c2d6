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

with

held_back_fetches as (
    select distinct source_landed_path
    from {{ ref('base_nba_cdn__shots') }}
    where row_problem is not null
),

ranked as (
    select
        shots.*,
        dense_rank() over (
            partition by shots.game_id
            order by shots.source_fetched_at desc, shots.source_landed_path desc
        ) as fetch_rank
    from {{ ref('base_nba_cdn__shots') }} as shots
    left join held_back_fetches
        on shots.source_landed_path = held_back_fetches.source_landed_path
    where held_back_fetches.source_landed_path is null
)

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
from ranked
where fetch_rank = 1
