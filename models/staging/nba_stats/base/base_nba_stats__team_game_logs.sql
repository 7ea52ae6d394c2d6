{#-
  Every team row of every landed team leaguegamelog payload, typed, each payload parsed once
  (see base_nba_stats__player_game_logs, whose row checks these share). stg_nba_stats__team_game_logs
  picks the latest readable fetch of each team-game.
-#}
{%- set headers = [
    'SEASON_ID', 'TEAM_ID', 'TEAM_ABBREVIATION', 'TEAM_NAME', 'GAME_ID', 'GAME_DATE',
    'MATCHUP', 'WL', 'MIN', 'PTS', 'FGM', 'FGA', 'FG3M', 'FG3A', 'FTM', 'FTA',
    'OREB', 'DREB', 'REB', 'AST', 'STL', 'BLK', 'TOV', 'PF', 'PLUS_MINUS'
] -%}
{#- Each value as sent and the column it becomes: a value sent but not readable is named. -#}
{%- set sent_as = [
    ['team_id', 'team_id'], ['game_date', 'game_date'], ['min', 'team_minutes']
] + box_score_stats() -%}
{%- set columns = [
    'game_id', 'team_id', 'team_abbr', 'team_name', 'opponent_team_abbr', 'season_id',
    'season_type', 'season_start_year', 'season', 'matchup', 'win_loss', 'team_minutes'
] + box_score_stats() | map(attribute=1) | list + [
    'is_home', 'game_date', 'row_number_in_payload', 'source_landed_path', 'source_fetched_at'
] -%}

with

parsed as (
    {{ stats_nba_result_set_rows(
        payloads_not_yet_parsed(source('nba_stats', 'team_game_logs')),
        'LeagueGameLog',
        headers
    ) }}
),

typed as (
    select
        game_id,
        {{ text_to_integer("team_id", dbt.type_bigint()) }} as team_id,
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
        {%- for sent, typed in sent_as %}
            {{ sent }} as sent_{{ sent }},
        {%- endfor %}
        row_number_in_payload,
        landed_path as source_landed_path,
        fetched_at as source_fetched_at
    from parsed
),

listed as (
    select
        *,
        {{ box_score_listings(['game_id', 'team_id']) }}
    from typed
)

select
    {%- for column in columns %}
        {{ column }},
    {%- endfor %}
    {{ row_problems(
        unreadable_value_checks(sent_as)
        + required_value_checks([
            'game_id', 'team_id', 'team_abbr', 'opponent_team_abbr', 'is_home', 'season_id',
            'season_start_year', 'game_date', 'team_minutes'
        ])
        + box_score_row_checks()
        + [season_window_check('game_date', 'season_start_year')]
        + required_value_checks(['season_type'])
        + [["win_loss not in ('W', 'L')", "'win_loss not W or L'"]]
        + [['team_minutes < 240 or team_minutes > 400', "'team_minutes outside 240-400'"]]
        + [box_score_listings_check()]
    ) }} as row_problem
from listed
