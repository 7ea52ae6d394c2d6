{#-
  One row per field-goal attempt in BigDataBall play-by-play (event_type 'shot' or 'miss'),
  the latest file of each game winning as a whole. The loader stored the CSV rows as JSON
  (see the source); values are looked up by column name like stats.nba.com's.

  BigDataBall names players in full and has no ids: int_shot_attempts matches the name to
  the team's players in that game. Its game_id drops the leading zeros (42400407 is
  0042400407). original_x / original_y are NBA.com's shot-chart coordinates (tenths of a foot
  from the hoop); converted_x / converted_y (full-court feet) are not needed.
-#}
{%- set headers = [
    'game_id', 'date', 'period', 'remaining_time', 'play_id', 'team', 'event_type', 'player',
    'assist', 'block', 'result', 'type', 'shot_distance', 'original_x', 'original_y',
    'description'
] -%}

with

parsed as (
    {{ stats_nba_result_set_rows(
        source('bigdataball', 'play_by_play'), 'BigDataBallPlayByPlay', headers
    ) }}
),

latest_fetch as (
    select
        *,
        {{ dbt.safe_cast("game_id", dbt.type_bigint()) }} as game_number,
        dense_rank() over (
            partition by game_id
            order by fetched_at desc, landed_path desc
        ) as fetch_rank
    from parsed
)

select
    lpad(cast(game_number as {{ dbt.type_string() }}), 10, '0') as game_id,
    {{ dbt.safe_cast("date", "date") }} as game_date,
    {{ dbt.safe_cast("play_id", dbt.type_int()) }} as play_id,
    {{ dbt.safe_cast("period", dbt.type_int()) }} as period,
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
    landed_path as source_landed_path,
    fetched_at as source_fetched_at
from latest_fetch
where fetch_rank = 1
    and event_type in ('shot', 'miss')
