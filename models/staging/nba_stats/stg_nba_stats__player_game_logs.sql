{#-
  The latest fetch of each player-game wins (a corrected re-scrape replaces the old values),
  and a later fetch saying the player did not play removes the player-game: DNP rows carry no
  minutes or stats, so they are dropped after the latest fetch is chosen and the marts keep
  their grain, one row per player per game played. Recomputed whole from the parsed rows
  every run (a window over them, no JSON), so re-scrapes of any game are handled alike.
-#}
with

ranked as (
    select
        *,
        row_number() over (
            partition by game_id, player_id
            order by source_fetched_at desc, source_landed_path desc
        ) as fetch_rank
    from {{ ref('base_nba_stats__player_game_logs') }}
    -- Rows with a problem are held back (ops.held_back_rows): an earlier readable fetch of
    -- the game stands until a readable re-scrape replaces it.
    where row_problem is null
)

select
    game_id,
    player_id,
    team_id,
    player_name,
    team_abbr,
    opponent_team_abbr,
    season_id,
    season_type,
    season_start_year,
    season,
    matchup,
    win_loss,
    minutes,
    points,
    fg_makes,
    fg_attempts,
    three_pt_makes,
    three_pt_attempts,
    ft_makes,
    ft_attempts,
    offensive_rebounds,
    defensive_rebounds,
    rebounds,
    assists,
    steals,
    blocks,
    turnovers,
    personal_fouls,
    plus_minus,
    is_home,
    game_date,
    source_landed_path,
    source_fetched_at
from ranked
where fetch_rank = 1
    and not did_not_play
