{#-
  Every team row of every landed team leaguegamelog payload, typed, each payload parsed once
  (see base_nba_stats__player_game_logs). stg_nba_stats__team_game_logs picks the latest
  fetch of each team-game.
-#}
{%- set headers = [
    'SEASON_ID', 'TEAM_ID', 'TEAM_ABBREVIATION', 'TEAM_NAME', 'GAME_ID', 'GAME_DATE',
    'MATCHUP', 'WL', 'MIN', 'PTS', 'FGM', 'FGA', 'FG3M', 'FG3A', 'FTM', 'FTA',
    'OREB', 'DREB', 'REB', 'AST', 'STL', 'BLK', 'TOV', 'PF', 'PLUS_MINUS'
] -%}

with

parsed as (
    {{ stats_nba_result_set_rows(
        payloads_not_yet_parsed(source('nba_stats', 'team_game_logs')),
        'LeagueGameLog',
        headers
    ) }}
)

select
    game_id,
    {{ dbt.safe_cast("team_id", dbt.type_bigint()) }} as team_id,
    team_abbreviation as team_abbr,
    team_name,
    {{ opponent_abbr_from_matchup('matchup', 'team_abbreviation') }} as opponent_team_abbr,
    season_id,
    {{ season_columns('season_id') }},
    matchup,
    wl as win_loss,
    {{ parse_minutes('min') }} as team_minutes,
    {{ box_score_stat_columns() }}
    {{ is_home_from_matchup('matchup', 'team_abbreviation') }} as is_home,
    {{ dbt.safe_cast("game_date", "date") }} as game_date,
    row_number_in_payload,
    landed_path as source_landed_path,
    fetched_at as source_fetched_at
from parsed
