{#-
  A player's shot profile going INTO each game he played: from his last 10 and last 20 games
  of the season strictly before it (rows N preceding .. 1 preceding, ordered by game date
  then game id), so a row never sees the game it is dated on. One row per player-game;
  analysis_date is that game's date.

  Games without shot zones (shot_zone_source 'none') count towards the window but add no
  shots: sample_games_last_N says how many games the profile actually rests on, and every
  rate is NULL when that is 0. Zones come from int_player_game_shot_zones, so within a game
  all zones are from one source; a window may combine games from different sources (each
  game with one definition: macros/nba/shot_zones.sql).

    *_rate_last_N     percent of the window's zone attempts (paint + mid-range + three = 100)
    *_fg_pct_last_N   makes / attempts in that zone, a fraction
    assisted_rate     percent of made field goals that were assisted
    primary_zone      paint if paint rate >= 40, else three if three rate >= 40, else
                      mid_range if mid-range rate >= 35, else balanced (the original system's
                      thresholds, original-system.md §4.3)
-#}
{%- set windows = var('player_shot_zone_windows', [10, 20]) -%}

with

games as (
    select
        player_id,
        player_name,
        game_id,
        team_id,
        season,
        game_date,
        has_shot_zones,
        paint_attempts,
        paint_makes,
        mid_range_attempts,
        mid_range_makes,
        three_attempts,
        three_makes,
        assisted_makes
    from {{ ref('int_player_game_shot_zones') }}
),

windowed as (
    select
        player_id,
        player_name,
        game_id,
        team_id,
        season,
        game_date,
        {%- for n in windows %}
            {%- set over = "over (partition by player_id, season order by game_date, game_id"
                ~ " rows between " ~ n ~ " preceding and 1 preceding)" %}
            count(*) {{ over }} as games_last_{{ n }},
            sum(case when has_shot_zones then 1 else 0 end) {{ over }} as sample_games_last_{{ n }},
            {%- for zone in ['paint', 'mid_range', 'three'] %}
                sum({{ zone }}_attempts) {{ over }} as {{ zone }}_attempts_last_{{ n }},
                sum({{ zone }}_makes) {{ over }} as {{ zone }}_makes_last_{{ n }},
            {%- endfor %}
            sum(assisted_makes) {{ over }}
                as assisted_makes_last_{{ n }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from games
),

rated as (
    select
        *,
        {%- for n in windows %}
            {%- set outer_last = loop.last %}
            paint_attempts_last_{{ n }}
            + mid_range_attempts_last_{{ n }}
            + three_attempts_last_{{ n }}
                as zone_attempts_last_{{ n }},
            {%- for zone in ['paint', 'mid_range', 'three'] %}
                round(
                    100.0 * {{ zone }}_attempts_last_{{ n }} / nullif(
                        paint_attempts_last_{{ n }}
                        + mid_range_attempts_last_{{ n }}
                        + three_attempts_last_{{ n }},
                        0
                    ),
                    2
                ) as {{ zone }}_rate_last_{{ n }}{% if not (loop.last and outer_last) %},{% endif %}
            {%- endfor %}
        {%- endfor %}
    from windowed
)

select
    player_id,
    game_id,
    game_date as analysis_date,
    player_name,
    team_id,
    season,
    {%- for n in windows %}
        coalesce(games_last_{{ n }}, 0) as games_last_{{ n }},
        coalesce(sample_games_last_{{ n }}, 0) as sample_games_last_{{ n }},
        zone_attempts_last_{{ n }},
        paint_rate_last_{{ n }},
        mid_range_rate_last_{{ n }},
        three_rate_last_{{ n }},
        {%- for zone in ['paint', 'mid_range', 'three'] %}
            round(
                1.0 * {{ zone }}_makes_last_{{ n }} / nullif({{ zone }}_attempts_last_{{ n }}, 0), 4
            ) as {{ zone }}_fg_pct_last_{{ n }},
        {%- endfor %}
        round(
            100.0 * assisted_makes_last_{{ n }} / nullif(
                paint_makes_last_{{ n }}
                + mid_range_makes_last_{{ n }}
                + three_makes_last_{{ n }},
                0
            ),
            2
        ) as assisted_rate_last_{{ n }},
        case
            when zone_attempts_last_{{ n }} is null or zone_attempts_last_{{ n }} = 0 then null
            when paint_rate_last_{{ n }} >= 40 then 'paint'
            when three_rate_last_{{ n }} >= 40 then 'three'
            when mid_range_rate_last_{{ n }} >= 35 then 'mid_range'
            else 'balanced'
        end as primary_zone_last_{{ n }}{% if not loop.last %},{% endif %}
    {%- endfor %}
from rated
