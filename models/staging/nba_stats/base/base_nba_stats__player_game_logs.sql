{#-
  Every player row of every landed leaguegamelog payload, typed, each payload parsed once:
  landed files never change (the loader keys them by path), so an incremental run parses only
  the payloads loaded since the last one. Choosing the latest fetch of each player-game is
  left to stg_nba_stats__player_game_logs, which reads this table whole.

  Values are never trusted to convert: one that does not becomes NULL, and row_problem says
  what is wrong with the row (a value sent but unreadable, a count missing, box-score
  arithmetic that does not add up, a date outside the season, the player-game listed twice
  in the payload with different numbers). Staging keeps only rows without a problem;
  ops.held_back_rows lists the others with their file. The checks run once per payload, when
  it is parsed: after changing them, rebuild with --full-refresh.

  COMMENT is not a leaguegamelog header (that endpoint lists only players who appeared);
  box-score shaped feeds send it, with 'DNP - Coach''s Decision', 'DND - Injury/Illness' or
  'NWT - ...' on the rows of players who did not play.
-#}
{%- set headers = [
    'SEASON_ID', 'PLAYER_ID', 'PLAYER_NAME', 'TEAM_ID', 'TEAM_ABBREVIATION', 'GAME_ID',
    'GAME_DATE', 'MATCHUP', 'WL', 'MIN', 'PTS', 'FGM', 'FGA', 'FG3M', 'FG3A', 'FTM', 'FTA',
    'OREB', 'DREB', 'REB', 'AST', 'STL', 'BLK', 'TOV', 'PF', 'PLUS_MINUS', 'COMMENT'
] -%}
{#- Each value as sent and the column it becomes: a value sent but not readable is named. -#}
{%- set sent_as = [
    ['player_id', 'player_id'], ['team_id', 'team_id'], ['game_date', 'game_date'],
    ['min', 'minutes']
] + box_score_stats() -%}
{%- set columns = [
    'game_id', 'player_id', 'team_id', 'player_name', 'team_abbr', 'opponent_team_abbr',
    'season_id', 'season_type', 'season_start_year', 'season', 'matchup', 'win_loss', 'minutes'
] + box_score_stats() | map(attribute=1) | list + [
    'is_home', 'did_not_play', 'game_date', 'row_number_in_payload', 'source_landed_path',
    'source_fetched_at'
] -%}

with

parsed as (
    {{ stats_nba_result_set_rows(
        payloads_not_yet_parsed(source('nba_stats', 'player_game_logs')),
        'LeagueGameLog',
        headers
    ) }}
),

typed as (
    select
        game_id,
        {{ text_to_integer("player_id", dbt.type_bigint()) }} as player_id,
        {{ text_to_integer("team_id", dbt.type_bigint()) }} as team_id,
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
        {%- for sent, typed in sent_as %}
            {{ sent }} as sent_{{ sent }},
        {%- endfor %}
        row_number_in_payload,
        landed_path as source_landed_path,
        fetched_at as source_fetched_at
    from parsed
),

-- A player-game listed more than once in one payload: harmless when the rows agree, but
-- when they differ nothing says which is right.
listed as (
    select
        *,
        {{ box_score_listings(['game_id', 'player_id']) }}
    from typed
)

select
    {%- for column in columns %}
        {{ column }},
    {%- endfor %}
    {{ row_problems(
        unreadable_value_checks(sent_as)
        + required_value_checks([
            'game_id', 'player_id', 'team_id', 'team_abbr', 'opponent_team_abbr', 'is_home',
            'season_id', 'season_start_year', 'game_date'
        ])
        + required_value_checks(['minutes'], when='not did_not_play')
        + box_score_row_checks(played='not did_not_play')
        + [season_window_check('game_date', 'season_start_year')]
        + required_value_checks(['season_type'])
        + [["win_loss not in ('W', 'L')", "'win_loss not W or L'"]]
        + [box_score_listings_check()]
    ) }} as row_problem
from listed
