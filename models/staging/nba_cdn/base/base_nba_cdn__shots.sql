{#-
  Every field-goal attempt (`game.actions[]` with actionType '2pt' or '3pt') of every landed
  NBA.com cdn liveData play-by-play payload, typed, all fetches kept. stg_nba_cdn__shots serves
  the latest readable fetch of each game whole, and describes how the feed is read.

  row_problem says what makes a shot unusable (a value sent but unreadable, no action number,
  period, clock, player or team, a game id that is not an NBA one, a clock, distance or court
  location out of range); a fetch with any such shot cannot be the one served for its game,
  and ops.held_back_rows lists them.
-#}
{#- Each value as sent and the column it becomes. -#}
{%- set sent_as = [
    ['action_number', 'action_number'], ['period', 'period'], ['clock', 'seconds_remaining'],
    ['person_id', 'player_id'], ['team_id', 'team_id'], ['shot_distance', 'distance_ft'],
    ['x_legacy', 'x_legacy'], ['y_legacy', 'y_legacy'],
    ['assist_person_id', 'assist_player_id'], ['block_person_id', 'blocked_by_player_id']
] -%}

with

payloads as (
    select
        landed_path,
        fetched_at,
        payload,
        {{ json_text('payload', '$.game.gameId') }} as payload_game_id
    from {{ source('nba_cdn', 'play_by_play') }}
),

actions as (
    select
        payload_game_id as game_id,
        landed_path,
        fetched_at,
        action,
        action_index
    from (
        {{ unnest_json_array('payloads', 'payload', '$.game.actions', 'action', 'action_index') }}
    ) as unnested
),

sent as (
    select
        game_id,
        landed_path,
        fetched_at,
        action_index,
        {{ json_text('action', '$.actionNumber') }} as action_number,
        {{ json_text('action', '$.period') }} as period,
        {{ json_text('action', '$.clock') }} as clock,
        {{ json_text('action', '$.personId') }} as person_id,
        {{ json_text('action', '$.playerNameI') }} as player_name_initial,
        {{ json_text('action', '$.teamId') }} as team_id,
        {{ json_text('action', '$.teamTricode') }} as team_abbr,
        {{ json_text('action', '$.actionType') }} as action_type,
        {{ json_text('action', '$.subType') }} as sub_type,
        {{ json_text('action', '$.shotResult') }} as shot_result,
        {{ json_text('action', '$.shotDistance') }} as shot_distance,
        {{ json_text('action', '$.xLegacy') }} as x_legacy,
        {{ json_text('action', '$.yLegacy') }} as y_legacy,
        {{ json_text('action', '$.area') }} as nba_area,
        {{ json_text('action', '$.assistPersonId') }} as assist_person_id,
        {{ json_text('action', '$.blockPersonId') }} as block_person_id,
        {{ json_text('action', '$.blockPlayerName') }} as blocked_by_text,
        {{ json_text('action', '$.description') }} as description
    from actions
    where {{ json_text('action', '$.actionType') }} in ('2pt', '3pt')
),

typed as (
    select
        game_id,
        {{ text_to_integer('action_number') }} as action_number,
        {{ text_to_integer('period') }} as period,
        clock,
        60 * {{ dbt.safe_cast(regex_capture('clock', '^PT([0-9]+)M'), dbt.type_float()) }}
        + {{ dbt.safe_cast(regex_capture('clock', 'M([0-9]+(?:[.][0-9]+)?)S$'), dbt.type_float()) }}
            as seconds_remaining,
        {{ text_to_integer('person_id', dbt.type_bigint()) }} as player_id,
        player_name_initial,
        {{ text_to_integer('team_id', dbt.type_bigint()) }} as team_id,
        team_abbr,
        action_type,
        sub_type,
        shot_result,
        {{ dbt.safe_cast('shot_distance', dbt.type_float()) }} as distance_ft,
        {{ dbt.safe_cast('x_legacy', dbt.type_float()) }} as x_legacy,
        {{ dbt.safe_cast('y_legacy', dbt.type_float()) }} as y_legacy,
        nba_area,
        {{ text_to_integer('assist_person_id', dbt.type_bigint()) }} as assist_player_id,
        {{ text_to_integer('block_person_id', dbt.type_bigint()) }} as blocked_by_player_id,
        blocked_by_text,
        description,
        {%- for name, typed in sent_as %}
            {{ name }} as sent_{{ name }},
        {%- endfor %}
        action_index,
        landed_path,
        fetched_at
    from sent
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
    shot_result = 'Made' as is_made,
    action_type = '3pt' as is_three,
    distance_ft,
    x_legacy / 10 as x_ft,
    y_legacy / 10 as y_ft,
    nba_area,
    shot_result = 'Made' and assist_player_id is not null as is_assisted,
    assist_player_id,
    blocked_by_player_id,
    blocked_by_text,
    description,
    action_index as row_number_in_payload,
    {{ row_problems(
        unreadable_value_checks(sent_as)
        + required_value_checks([
            'game_id', 'action_number', 'period', 'seconds_remaining', 'player_id', 'team_id',
            'shot_result'
        ])
        + [
            ['not ' ~ regex_matches('game_id', '^00[1-5][0-9]{7}$'), "'game_id not an NBA game id'"],
            ["shot_result not in ('Made', 'Missed')", "'shotResult not Made or Missed'"],
            ['seconds_remaining < 0 or seconds_remaining > 720', "'clock outside 0-12 minutes'"],
            ['distance_ft < 0 or distance_ft > 94', "'distance_ft outside the court'"],
            ['x_legacy < -260 or x_legacy > 260', "'xLegacy outside the court'"],
            ['y_legacy < -60 or y_legacy > 900', "'yLegacy outside the court'"]
        ]
    ) }} as row_problem,
    landed_path as source_landed_path,
    fetched_at as source_fetched_at
from typed
