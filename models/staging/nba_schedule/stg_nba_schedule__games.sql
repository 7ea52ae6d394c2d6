{#-
  One row per game of NBA.com scheduleLeagueV2 (leagueSchedule.gameDates[].games[]), the
  latest readable fetch of each game winning (a later capture carries the final status and
  scores, or a new date for a rescheduled game). A game row held back in
  base_nba_schedule__games (ops.held_back_rows) is skipped: the previous fetch stands.
-#}

with

ranked as (
    select
        *,
        row_number() over (
            partition by game_id
            order by source_fetched_at desc, source_landed_path desc
        ) as fetch_rank
    from {{ ref('base_nba_schedule__games') }}
    where row_problem is null
)

select
    game_id,
    game_code,
    season,
    -- The third digit of the game id: 1 preseason, 2 regular season, 3 All-Star, 4 playoffs,
    -- 5 play-in, 6 the NBA Cup final (which does not count in the regular-season logs).
    case substr(game_id, 3, 1)
        when '1' then 'Pre Season'
        when '2' then 'Regular Season'
        when '3' then 'All Star'
        when '4' then 'Playoffs'
        when '5' then 'PlayIn'
        when '6' then 'NBA Cup Final'
    end as season_type,
    game_date,
    tip_off_at,
    home_team_id,
    home_team_abbr,
    away_team_id,
    away_team_abbr,
    game_status,
    game_status_text,
    case game_status when 1 then 'scheduled' when 2 then 'live' when 3 then 'final' end as status,
    -- Scores are 0 until a game is played.
    case when game_status = 3 then home_score end as home_score,
    case when game_status = 3 then away_score end as away_score,
    postponed_status,
    coalesce(postponed_status, 'N') <> 'N' as is_postponed,
    is_neutral,
    game_label,
    source_landed_path,
    source_fetched_at
from ranked
where fetch_rank = 1
