{#-
  One row per field-goal attempt in stats.nba.com play-by-play (`playbyplay` v1 or v2),
  latest fetch of each game winning as a whole (a re-scrape replaces the game's events).

  EVENTMSGTYPE 1 is a made field goal, 2 a missed one. The shooter's text sits in the
  description of the shooting side (HOME/VISITORDESCRIPTION); on a block the other side
  reads "Horford BLOCK (1 BLK)". v1 has no player ids: the shooter is attributed by name in
  int_shot_attempts. v2's PLAYER1_ID (shooter), PLAYER2_ID (assist on a make) and PLAYER3_ID
  (block on a miss) are used when the payload has them.

  Distance comes from the text ("MISS Covington 27' 3PT Jump Shot"), and the text leaves it
  out in two cases, checked against NBA.com's shot charts of the two open games that have
  both (0021600270, 0021900001; tests/python/test_shot_zone_definition.py):
  - a two at 0 ft: "0'" never appears in the 58,538 field goals of the bundled 2018-19 games
    while "1'" appears 8,092 times, every two without a distance is a dunk, layup, tip or
    finger roll, and all 16 in the charted games are at 0 ft. So distance_ft = 0.
  - a three under 24 ft: all 33 threes without a distance in the charted games are corner
    threes at 22-23 ft. distance_ft stays NULL (unknown), and zone_distance_ft, the distance
    the zone rule reads, is 23, which puts them in the corner.

  A table, like all nba_stats staging (dbt_project.yml): every event of every game is
  unnested from JSON once, not once per reader.
-#}
{%- set headers = [
    'GAME_ID', 'EVENTNUM', 'EVENTMSGTYPE', 'EVENTMSGACTIONTYPE', 'PERIOD', 'PCTIMESTRING',
    'HOMEDESCRIPTION', 'VISITORDESCRIPTION', 'PLAYER1_ID', 'PLAYER1_TEAM_ID', 'PLAYER2_ID',
    'PLAYER3_ID'
] -%}

with

parsed as (
    {{ stats_nba_result_set_rows(source('nba_stats', 'play_by_play'), 'PlayByPlay', headers) }}
),

latest_fetch as (
    select
        *,
        dense_rank() over (
            partition by game_id
            order by fetched_at desc, landed_path desc
        ) as fetch_rank
    from parsed
),

field_goals as (
    select
        game_id,
        {{ dbt.safe_cast("eventnum", dbt.type_int()) }} as event_num,
        {{ dbt.safe_cast("eventmsgtype", dbt.type_int()) }} as event_msg_type,
        {{ dbt.safe_cast("eventmsgactiontype", dbt.type_int()) }} as event_msg_action_type,
        {{ dbt.safe_cast("period", dbt.type_int()) }} as period,
        pctimestring as clock,
        homedescription,
        visitordescription,
        {{ dbt.safe_cast("nullif(player1_id, '0')", dbt.type_bigint()) }} as player1_id,
        {{ dbt.safe_cast("nullif(player1_team_id, '0')", dbt.type_bigint()) }} as player1_team_id,
        {{ dbt.safe_cast("nullif(player2_id, '0')", dbt.type_bigint()) }} as player2_id,
        {{ dbt.safe_cast("nullif(player3_id, '0')", dbt.type_bigint()) }} as player3_id,
        landed_path,
        fetched_at
    from latest_fetch
    where fetch_rank = 1
        and eventmsgtype in ('1', '2')
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
)

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
    case when is_made then {{ regex_capture('shot_description', '[(]([^()]+) [0-9]+ AST[)]') }} end
        as assist_player_text,
    case when not is_made then player3_id end as blocked_by_player_id,
    case when not is_made then {{ regex_capture('opposing_description', '^(.+) BLOCK [(]') }} end
        as blocked_by_text,
    landed_path as source_landed_path,
    fetched_at as source_fetched_at
from read_text
