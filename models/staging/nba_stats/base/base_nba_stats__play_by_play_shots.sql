{#-
  Every field-goal attempt of every landed stats.nba.com play-by-play payload, read from its
  text, each payload parsed once (see base_nba_stats__player_game_logs): the expensive part of
  the shot models (JSON unnesting, text rules) runs on new games only. What the text rules do
  is described in stg_nba_stats__play_by_play_shots, which keeps the latest fetch of each game.

  row_problem says what is wrong with a shot the marts could not use (a value sent but
  unreadable, no period or clock, a side or shooter the text does not give); staging keeps
  the latest fetch of each game without any such shot, and ops.held_back_rows lists them.
-#}
{#- Each value as sent and the column it becomes. -#}
{%- set sent_as = [
    ['eventnum', 'event_num'], ['eventmsgactiontype', 'event_msg_action_type'],
    ['period', 'period'], ['player1_id', 'player1_id'], ['player1_team_id', 'player1_team_id'],
    ['player2_id', 'player2_id'], ['player3_id', 'player3_id']
] -%}
{%- set headers = [
    'GAME_ID', 'EVENTNUM', 'EVENTMSGTYPE', 'EVENTMSGACTIONTYPE', 'PERIOD', 'PCTIMESTRING',
    'HOMEDESCRIPTION', 'VISITORDESCRIPTION', 'PLAYER1_ID', 'PLAYER1_TEAM_ID', 'PLAYER2_ID',
    'PLAYER3_ID'
] -%}

with

parsed as (
    {{ stats_nba_result_set_rows(
        payloads_not_yet_parsed(source('nba_stats', 'play_by_play')),
        'PlayByPlay',
        headers
    ) }}
),

field_goals as (
    select
        game_id,
        {{ text_to_integer("eventnum") }} as event_num,
        {{ dbt.safe_cast("eventmsgtype", dbt.type_int()) }} as event_msg_type,
        {{ text_to_integer("eventmsgactiontype") }} as event_msg_action_type,
        {{ text_to_integer("period") }} as period,
        pctimestring as clock,
        homedescription,
        visitordescription,
        {{ text_to_integer("nullif(player1_id, '0')", dbt.type_bigint()) }} as player1_id,
        {{ text_to_integer("nullif(player1_team_id, '0')", dbt.type_bigint()) }} as player1_team_id,
        {{ text_to_integer("nullif(player2_id, '0')", dbt.type_bigint()) }} as player2_id,
        {{ text_to_integer("nullif(player3_id, '0')", dbt.type_bigint()) }} as player3_id,
        {%- for sent, typed in sent_as %}
            nullif({{ sent }}, '0') as sent_{{ sent }},
        {%- endfor %}
        row_number_in_payload,
        landed_path,
        fetched_at
    from parsed
    where eventmsgtype in ('1', '2')
),

sided as (
    select
        *,
        case
            when event_msg_type = 2 and homedescription like 'MISS %' then 'home'
            when event_msg_type = 2 and visitordescription like 'MISS %' then 'visitor'
            when event_msg_type = 1 and homedescription is not null
                and visitordescription is null then 'home'
            when event_msg_type = 1 and visitordescription is not null
                and homedescription is null then 'visitor'
        end as shooting_side
    from field_goals
),

described as (
    select
        *,
        case shooting_side
            when 'home' then homedescription
            when 'visitor' then visitordescription
        end as shot_description,
        case shooting_side
            when 'home' then visitordescription
            when 'visitor' then homedescription
        end as opposing_description
    from sided
),

read_text as (
    select
        *,
        event_msg_type = 1 as is_made,
        {{ regex_matches('shot_description', ' 3PT ') }} as is_three,
        {{ dbt.safe_cast(regex_capture('shot_description', "([0-9]+)\\x27"), dbt.type_int()) }}
            as distance_in_text
    from described
),

shots as (
    select
        game_id,
        event_num,
        period,
        clock,
        60 * {{ dbt.safe_cast(regex_capture('clock', '^([0-9]+):'), dbt.type_int()) }}
        + {{ dbt.safe_cast(regex_capture('clock', ':([0-9]+)$'), dbt.type_int()) }}
            as seconds_remaining,
        shooting_side,
        player1_id as player_id,
        player1_team_id as team_id,
        case
            when shot_description like 'MISS %' then substr(shot_description, 6)
            else shot_description
        end as shooter_text,
        shot_description,
        event_msg_action_type,
        is_made,
        is_three,
        cast(case
            when distance_in_text is not null then distance_in_text
            when not is_three then 0
        end as {{ dbt.type_float() }}) as distance_ft,
        cast(case
            when distance_in_text is not null then distance_in_text
            when not is_three then 0
            else 23
        end as {{ dbt.type_float() }}) as zone_distance_ft,
        is_made and {{ regex_matches('shot_description', ' AST[)]') }} as is_assisted,
        case when is_made then player2_id end as assist_player_id,
        case
            when is_made then {{ regex_capture('shot_description', '[(]([^()]+) [0-9]+ AST[)]') }}
        end as assist_player_text,
        case when not is_made then player3_id end as blocked_by_player_id,
        case
            when not is_made then {{ regex_capture('opposing_description', '^(.+) BLOCK [(]') }}
        end as blocked_by_text,
        row_number_in_payload,
        {{ row_problems(unreadable_value_checks(sent_as)) }} as unreadable_values,
        landed_path as source_landed_path,
        fetched_at as source_fetched_at
    from read_text
)

select
    {%- for column in [
        'game_id', 'event_num', 'period', 'clock', 'seconds_remaining', 'shooting_side',
        'player_id', 'team_id', 'shooter_text', 'shot_description', 'event_msg_action_type',
        'is_made', 'is_three', 'distance_ft', 'zone_distance_ft', 'is_assisted',
        'assist_player_id', 'assist_player_text', 'blocked_by_player_id', 'blocked_by_text',
        'row_number_in_payload', 'source_landed_path', 'source_fetched_at'
    ] %}
        {{ column }},
    {%- endfor %}
    {{ row_problems(
        [['unreadable_values is not null', 'unreadable_values']]
        + required_value_checks([
            'game_id', 'event_num', 'period', 'seconds_remaining', 'shooting_side',
            'shooter_text', 'is_made', 'is_three', 'zone_distance_ft'
        ])
        + [
            ['period < 1 or period > 10', "'period outside 1-10'"],
            ['seconds_remaining < 0 or seconds_remaining > 720', "'clock outside 0-12 minutes'"],
            ['distance_ft < 0 or distance_ft > 94', "'distance_ft outside the court'"]
        ]
    ) }} as row_problem
from shots
