{#-
  COMMENT is not a leaguegamelog header (that endpoint lists only players who appeared); box-score
  shaped feeds send it, with 'DNP - Coach''s Decision', 'DND - Injury/Illness' or 'NWT - ...' on
  the rows of players who did not play. Those rows carry no minutes or stats, so they are
  dropped after the latest fetch is chosen (a later fetch saying DNP removes the player-game),
  and the marts keep their grain: one row per player per game played.
-#}
{%- set headers = [
    'SEASON_ID', 'PLAYER_ID', 'PLAYER_NAME', 'TEAM_ID', 'TEAM_ABBREVIATION', 'GAME_ID',
    'GAME_DATE', 'MATCHUP', 'WL', 'MIN', 'PTS', 'FGM', 'FGA', 'FG3M', 'FG3A', 'FTM', 'FTA',
    'OREB', 'DREB', 'REB', 'AST', 'STL', 'BLK', 'TOV', 'PF', 'PLUS_MINUS', 'COMMENT'
] -%}

with

parsed as (
    {{ stats_nba_result_set_rows(
        source('nba_stats', 'player_game_logs'), 'LeagueGameLog', headers
    ) }}
),

renamed as (
    select
        game_id,
        {{ dbt.safe_cast("player_id", dbt.type_bigint()) }} as player_id,
        {{ dbt.safe_cast("team_id", dbt.type_bigint()) }} as team_id,
        player_name,
        team_abbreviation as team_abbr,
        {{ opponent_abbr_from_matchup('matchup', 'team_abbreviation') }} as opponent_team_abbr,
        season_id,
        matchup,
        wl as win_loss,
        {{ dbt.safe_cast("game_date", "date") }} as game_date,
        {{ parse_minutes('min') }} as minutes,
        {{ box_score_stat_columns() }}
        {{ is_home_from_matchup('matchup', 'team_abbreviation') }} as is_home,
        coalesce({{ regex_matches('upper(trim(comment))', '^(DNP|DND|NWT)') }}, false)
            as did_not_play,
        landed_path as source_landed_path,
        fetched_at as source_fetched_at,
        row_number() over (
            partition by game_id, player_id
            order by fetched_at desc, landed_path desc
        ) as fetch_rank
    from parsed
)

select
    game_id,
    player_id,
    team_id,
    player_name,
    team_abbr,
    opponent_team_abbr,
    season_id,
    {{ season_columns('season_id') }},
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
from renamed
where fetch_rank = 1
    and not did_not_play
