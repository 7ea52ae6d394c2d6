{#-
  Every field-goal attempt (event_type 'shot' or 'miss') of every landed BigDataBall file,
  typed, all fetches kept: the loader stored each CSV's rows as JSON (see the source), looked
  up by column name like stats.nba.com's. stg_bigdataball__shots serves the latest readable
  file of each game whole.

  row_problem says what makes a shot unusable (a value sent but unreadable, no play, period,
  clock, team, player or result, a clock or distance out of range); a file with any such shot
  cannot be the one served for its game, and ops.held_back_rows lists them.
-#}
{%- set headers = [
    'game_id', 'date', 'period', 'remaining_time', 'play_id', 'team', 'event_type', 'player',
    'assist', 'block', 'result', 'type', 'shot_distance', 'original_x', 'original_y',
    'description'
] -%}
{#- Each value as sent and the column it becomes. -#}
{%- set sent_as = [
    ['game_id', 'game_number'], ['date', 'game_date'], ['play_id', 'play_id'],
    ['period', 'period'], ['remaining_time', 'seconds_remaining'],
    ['shot_distance', 'distance_ft'], ['original_x', 'x_ft'], ['original_y', 'y_ft']
] -%}

with

parsed as (
    {{ stats_nba_result_set_rows(
        source('bigdataball', 'play_by_play'), 'BigDataBallPlayByPlay', headers
    ) }}
),

typed as (
    select
        {{ text_to_integer("game_id", dbt.type_bigint()) }} as game_number,
        {{ dbt.safe_cast("date", "date") }} as game_date,
        {{ text_to_integer("play_id") }} as play_id,
        {{ text_to_integer("period") }} as period,
        remaining_time as clock,
        3600
        * {{ dbt.safe_cast(
            regex_capture('remaining_time', '^([0-9]+):[0-9]+:[0-9]+$'), dbt.type_int()
        ) }}
        + 60
        * {{ dbt.safe_cast(
            regex_capture('remaining_time', '^[0-9]+:([0-9]+):[0-9]+$'), dbt.type_int()
        ) }}
        + {{ dbt.safe_cast(
            regex_capture('remaining_time', '^[0-9]+:[0-9]+:([0-9]+)$'), dbt.type_int()
        ) }}
            as seconds_remaining,
        team as team_abbr,
        player as player_name,
        result,
        result = 'made' as is_made,
        type like '3pt%' as is_three,
        type as shot_type,
        {{ dbt.safe_cast("shot_distance", dbt.type_float()) }} as distance_ft,
        {{ dbt.safe_cast("original_x", dbt.type_float()) }} / 10 as x_ft,
        {{ dbt.safe_cast("original_y", dbt.type_float()) }} / 10 as y_ft,
        result = 'made' and assist is not null as is_assisted,
        assist as assist_player_name,
        block as blocked_by_text,
        description,
        {%- for sent, typed in sent_as %}
            {{ sent }} as sent_{{ sent }},
        {%- endfor %}
        row_number_in_payload,
        landed_path,
        fetched_at
    from parsed
    where event_type in ('shot', 'miss')
)

select
    lpad(cast(game_number as {{ dbt.type_string() }}), 10, '0') as game_id,
    game_date,
    play_id,
    period,
    clock,
    seconds_remaining,
    team_abbr,
    player_name,
    is_made,
    is_three,
    shot_type,
    distance_ft,
    x_ft,
    y_ft,
    is_assisted,
    assist_player_name,
    blocked_by_text,
    description,
    row_number_in_payload,
    {{ row_problems(
        unreadable_value_checks(sent_as)
        + required_value_checks([
            'game_number', 'play_id', 'period', 'seconds_remaining', 'team_abbr',
            'player_name', 'result', 'shot_type'
        ])
        + [
            ["result not in ('made', 'missed')", "'result not made or missed'"],
            ['game_number < 10000000 or game_number > 59999999', "'game_id not an NBA game id'"],
            ['seconds_remaining < 0 or seconds_remaining > 720', "'clock outside 0-12 minutes'"],
            ['distance_ft < 0 or distance_ft > 94', "'distance_ft outside the court'"]
        ]
    ) }} as row_problem,
    landed_path as source_landed_path,
    fetched_at as source_fetched_at
from typed
