{#-
  One row per field-goal attempt in NBA.com cdn liveData play-by-play (`game.actions[]` with
  actionType '2pt' or '3pt'), the latest fetch of each game winning as a whole.

  Read exactly as the feed encodes it (the original system did not, see
  original-system.md §4.4): made = shotResult 'Made', three = actionType '3pt', distance =
  shotDistance (already feet), location = xLegacy / yLegacy (tenths of a foot from the hoop,
  NBA.com's shot-chart system) divided by 10. The 0-100 `x` / `y` (percent of the court)
  are not used.
-#}

with

payloads as (
    select
        landed_path,
        fetched_at,
        payload,
        {{ json_text('payload', '$.game.gameId') }} as payload_game_id
    from {{ source('nba_cdn', 'play_by_play') }}
),

latest_fetch as (
    select *
    from (
        select
            *,
            row_number() over (
                partition by payload_game_id
                order by fetched_at desc, landed_path desc
            ) as fetch_rank
        from payloads
    ) as ranked
    where fetch_rank = 1
),

actions as (
    select
        payload_game_id as game_id,
        landed_path,
        fetched_at,
        action
    from (
        {{ unnest_json_array(
            'latest_fetch', 'payload', '$.game.actions', 'action', 'action_index'
        ) }}
    ) as unnested
),

field_goals as (
    select
        game_id,
        {{ dbt.safe_cast(json_text('action', '$.actionNumber'), dbt.type_int()) }} as action_number,
        {{ dbt.safe_cast(json_text('action', '$.period'), dbt.type_int()) }} as period,
        {{ json_text('action', '$.clock') }} as clock,
        {{ dbt.safe_cast(json_text('action', '$.personId'), dbt.type_bigint()) }} as player_id,
        {{ json_text('action', '$.playerNameI') }} as player_name_initial,
        {{ dbt.safe_cast(json_text('action', '$.teamId'), dbt.type_bigint()) }} as team_id,
        {{ json_text('action', '$.teamTricode') }} as team_abbr,
        {{ json_text('action', '$.actionType') }} as action_type,
        {{ json_text('action', '$.subType') }} as sub_type,
        {{ json_text('action', '$.shotResult') }} as shot_result,
        {{ dbt.safe_cast(json_text('action', '$.shotDistance'), dbt.type_float()) }} as distance_ft,
        {{ dbt.safe_cast(json_text('action', '$.xLegacy'), dbt.type_float()) }} as x_legacy,
        {{ dbt.safe_cast(json_text('action', '$.yLegacy'), dbt.type_float()) }} as y_legacy,
        {{ json_text('action', '$.area') }} as nba_area,
        {{ dbt.safe_cast(json_text('action', '$.assistPersonId'), dbt.type_bigint()) }}
            as assist_player_id,
        {{ dbt.safe_cast(json_text('action', '$.blockPersonId'), dbt.type_bigint()) }}
            as blocked_by_player_id,
        {{ json_text('action', '$.blockPlayerName') }} as blocked_by_text,
        {{ json_text('action', '$.description') }} as description,
        landed_path,
        fetched_at
    from actions
    where {{ json_text('action', '$.actionType') }} in ('2pt', '3pt')
)

select
    game_id,
    action_number,
    period,
    clock,
    60 * {{ dbt.safe_cast(regex_capture('clock', '^PT([0-9]+)M'), dbt.type_float()) }}
    + {{ dbt.safe_cast(regex_capture('clock', 'M([0-9]+(?:[.][0-9]+)?)S$'), dbt.type_float()) }}
        as seconds_remaining,
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
    landed_path as source_landed_path,
    fetched_at as source_fetched_at
from field_goals
