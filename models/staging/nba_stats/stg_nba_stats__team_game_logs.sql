{%- set headers = [
    'SEASON_ID', 'TEAM_ID', 'TEAM_ABBREVIATION', 'TEAM_NAME', 'GAME_ID', 'GAME_DATE',
    'MATCHUP', 'WL', 'MIN', 'PTS', 'FGM', 'FGA', 'FG3M', 'FG3A', 'FTM', 'FTA',
    'OREB', 'DREB', 'REB', 'AST', 'STL', 'BLK', 'TOV', 'PF', 'PLUS_MINUS'
] -%}

with

parsed as (
    {{ stats_nba_result_set_rows(source('nba_stats', 'team_game_logs'), 'LeagueGameLog', headers) }}
),

renamed as (
    select
        game_id,
        {{ dbt.safe_cast("team_id", dbt.type_bigint()) }} as team_id,
        team_abbreviation as team_abbr,
        team_name,
        {{ opponent_abbr_from_matchup('matchup', 'team_abbreviation') }} as opponent_team_abbr,
        season_id,
        matchup,
        wl as win_loss,
        {{ dbt.safe_cast("game_date", "date") }} as game_date,
        {{ parse_minutes('min') }} as team_minutes,
        {{ box_score_stat_columns() }}
        {{ is_home_from_matchup('matchup', 'team_abbreviation') }} as is_home,
        landed_path as source_landed_path,
        fetched_at as source_fetched_at,
        row_number() over (
            partition by game_id, team_id
            order by fetched_at desc, landed_path desc
        ) as fetch_rank
    from parsed
)

select
    game_id,
    team_id,
    team_abbr,
    team_name,
    opponent_team_abbr,
    season_id,
    {{ season_columns('season_id') }},
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
from renamed
where fetch_rank = 1
