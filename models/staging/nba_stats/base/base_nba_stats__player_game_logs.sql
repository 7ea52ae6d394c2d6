{#-
  Every player row of every landed leaguegamelog payload, typed, each payload parsed once:
  landed files never change (the loader keys them by path), so an incremental run parses only
  the payloads loaded since the last one. Choosing the latest fetch of each player-game is
  left to stg_nba_stats__player_game_logs, which reads this table whole.

  COMMENT is not a leaguegamelog header (that endpoint lists only players who appeared);
  box-score shaped feeds send it, with 'DNP - Coach''s Decision', 'DND - Injury/Illness' or
  'NWT - ...' on the rows of players who did not play.
-#}
{%- set headers = [
    'SEASON_ID', 'PLAYER_ID', 'PLAYER_NAME', 'TEAM_ID', 'TEAM_ABBREVIATION', 'GAME_ID',
    'GAME_DATE', 'MATCHUP', 'WL', 'MIN', 'PTS', 'FGM', 'FGA', 'FG3M', 'FG3A', 'FTM', 'FTA',
    'OREB', 'DREB', 'REB', 'AST', 'STL', 'BLK', 'TOV', 'PF', 'PLUS_MINUS', 'COMMENT'
] -%}

with

parsed as (
    {{ stats_nba_result_set_rows(
        payloads_not_yet_parsed(source('nba_stats', 'player_game_logs')),
        'LeagueGameLog',
        headers
    ) }}
)

select
    game_id,
    {{ dbt.safe_cast("player_id", dbt.type_bigint()) }} as player_id,
    {{ dbt.safe_cast("team_id", dbt.type_bigint()) }} as team_id,
    player_name,
    team_abbreviation as team_abbr,
    {{ opponent_abbr_from_matchup('matchup', 'team_abbreviation') }} as opponent_team_abbr,
    season_id,
    {{ season_columns('season_id') }},
    matchup,
    wl as win_loss,
    {{ parse_minutes('min') }} as minutes,
    {{ box_score_stat_columns() }}
    {{ is_home_from_matchup('matchup', 'team_abbreviation') }} as is_home,
    coalesce({{ regex_matches('upper(trim(comment))', '^(DNP|DND|NWT)') }}, false)
        as did_not_play,
    {{ dbt.safe_cast("game_date", "date") }} as game_date,
    row_number_in_payload,
    landed_path as source_landed_path,
    fetched_at as source_fetched_at
from parsed
