{#- The latest fetch of each team-game wins; recomputed whole from the parsed rows. -#}
with

ranked as (
    select
        *,
        row_number() over (
            partition by game_id, team_id
            order by source_fetched_at desc, source_landed_path desc
        ) as fetch_rank
    from {{ ref('base_nba_stats__team_game_logs') }}
    -- Rows with a problem are held back (ops.held_back_rows): an earlier readable fetch of
    -- the game stands until a readable re-scrape replaces it.
    where row_problem is null
)

select
    game_id,
    team_id,
    team_abbr,
    team_name,
    opponent_team_abbr,
    season_id,
    season_type,
    season_start_year,
    season,
    matchup,
    win_loss,
    team_minutes,
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
