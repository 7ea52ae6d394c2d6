{#-
  THE shot-zone definition: every play-by-play source goes through this one macro, so a zone
  means the same thing whichever source a game's zones come from (docs: `shot_zones`).

  Inputs, per field-goal attempt:
    is_three     the source's own 2PT/3PT ruling (what the official scorer counted)
    distance_ft  shot distance in feet, from the centre of the hoop
    x_ft, y_ft   the shot location in feet, hoop at (0, 0): x across the court, y towards
                 half court (the baseline is at y = -5.25). NBA.com's shot-chart system
                 (LOC_X / LOC_Y, cdn xLegacy / yLegacy, BigDataBall original_x / original_y)
                 divided by 10. NULL when the source has no location.

  Expands to three columns:
    shot_zone         restricted_area | paint_non_ra | mid_range | corner_three
                      | above_break_three; NULL only for a three with neither location nor
                      distance (its coarse zone is still known)
    shot_zone_coarse  paint (restricted_area + paint_non_ra) | mid_range | three; NULL only
                      for a two with neither location nor distance
    shot_zone_basis   'coordinates' | 'distance' | 'shot_type' (how the zone was decided)

  With a location (court geometry; matches NBA.com's SHOT_ZONE_BASIC on 99.8% of 7,100
  shot-chart shots, tests/python/test_shot_zone_definition.py):
    three:  corner_three when y <= 8.75 ft (the straight part of the arc runs 14 ft out from
            the baseline), else above_break_three
    two:    restricted_area when x^2 + y^2 <= 4^2 (the 4-ft arc)
            paint_non_ra when |x| <= 8 and y <= 13.75 (the 16-ft lane, to the free-throw line)
            mid_range otherwise
  Distance only (play-by-play text):
    three:  corner_three when distance < 23.75 ft (a three shorter than the arc's radius can
            only come from a corner), else above_break_three
    two:    restricted_area when distance < 4, paint_non_ra when distance <= 13
            (calibrated: the distance that best reproduces the location rule on real
            shots), mid_range beyond
-#}
{% macro shot_zone_columns(is_three, distance_ft, x_ft, y_ft) -%}
    {%- set has_location = '(' ~ x_ft ~ ' is not null and ' ~ y_ft ~ ' is not null)' -%}
    case
        when {{ is_three }} is null then null
        when {{ is_three }} then
            case
                when {{ has_location }} then
                    case when {{ y_ft }} <= 8.75 then 'corner_three' else 'above_break_three' end
                when {{ distance_ft }} is not null then
                    case when {{ distance_ft }} < 23.75 then 'corner_three' else 'above_break_three' end
            end
        when {{ has_location }} then
            case
                when {{ x_ft }} * {{ x_ft }} + {{ y_ft }} * {{ y_ft }} <= 16 then 'restricted_area'
                when abs({{ x_ft }}) <= 8 and {{ y_ft }} <= 13.75 then 'paint_non_ra'
                else 'mid_range'
            end
        when {{ distance_ft }} is not null then
            case
                when {{ distance_ft }} < 4 then 'restricted_area'
                when {{ distance_ft }} <= 13 then 'paint_non_ra'
                else 'mid_range'
            end
    end as shot_zone,
    case
        when {{ is_three }} is null then null
        when {{ is_three }} then 'three'
        when {{ has_location }} then
            case
                when {{ x_ft }} * {{ x_ft }} + {{ y_ft }} * {{ y_ft }} <= 16 then 'paint'
                when abs({{ x_ft }}) <= 8 and {{ y_ft }} <= 13.75 then 'paint'
                else 'mid_range'
            end
        when {{ distance_ft }} is not null then
            case when {{ distance_ft }} <= 13 then 'paint' else 'mid_range' end
    end as shot_zone_coarse,
    case
        when {{ is_three }} is null then null
        when {{ has_location }} then 'coordinates'
        when {{ distance_ft }} is not null then 'distance'
        when {{ is_three }} then 'shot_type'
    end as shot_zone_basis
{%- endmacro %}


{#- The zone count columns, in order: (column prefix, zone column, zone value). -#}
{% macro shot_zone_counts() -%}
    {{ return([
        ('paint', 'shot_zone_coarse', 'paint'),
        ('mid_range', 'shot_zone_coarse', 'mid_range'),
        ('three', 'shot_zone_coarse', 'three'),
        ('restricted_area', 'shot_zone', 'restricted_area'),
        ('paint_non_ra', 'shot_zone', 'paint_non_ra'),
        ('corner_three', 'shot_zone', 'corner_three'),
        ('above_break_three', 'shot_zone', 'above_break_three'),
    ]) }}
{%- endmacro %}


{#- Attempts and makes per zone over the shots of a group (an aggregate select list), plus
    assisted and blocked counts. -#}
{% macro shot_zone_aggregates() -%}
    {%- for prefix, column, value in shot_zone_counts() %}
    sum(case when {{ column }} = '{{ value }}' then 1 else 0 end) as {{ prefix }}_attempts,
    sum(case when {{ column }} = '{{ value }}' and is_made then 1 else 0 end) as {{ prefix }}_makes,
    {%- endfor %}
    sum(case when is_made and is_assisted then 1 else 0 end) as assisted_makes,
    sum(case when not is_made and (blocked_by_text is not null or blocked_by_player_id is not null)
        then 1 else 0 end) as blocked_attempts,
    count(*) as pbp_attempts
{%- endmacro %}


{#- THE fallback rule, per game: which feed supplies every zone of a game. BigDataBall when
    it has the game, else NBA.com play-by-play: the cdn liveData feed (locations, ids) before
    stats.nba.com's. One row per game present in any feed of `shots` (int_shot_attempts),
    with the time the chosen feed was last fetched (shot_zones_fetched_at).
    Used by int_shot_zone_game_sources and inline by the player and team zone models, so
    their unit tests exercise the rule itself. -#}
{% macro shot_zone_game_sources(shots) -%}
    select
        game_id,
        has_bigdataball,
        has_nbac_pbp,
        case
            when has_bigdataball then 'bigdataball'
            when has_nba_cdn then 'nba_cdn'
            else 'nba_stats_pbp'
        end as shot_zone_feed,
        case when has_bigdataball then 'bigdataball' else 'nbac_pbp' end as shot_zone_source,
        -- When the chosen feed was last fetched: a re-scrape (or a first BigDataBall file for
        -- a game NBA.com already covered) changes the game's zones.
        case
            when has_bigdataball then bigdataball_fetched_at
            when has_nba_cdn then nba_cdn_fetched_at
            else nba_stats_pbp_fetched_at
        end as shot_zones_fetched_at
    from (
        select
            game_id,
            max(case when shot_feed = 'bigdataball' then 1 else 0 end) = 1 as has_bigdataball,
            max(case when shot_feed = 'nba_cdn' then 1 else 0 end) = 1 as has_nba_cdn,
            max(case when shot_feed in ('nba_cdn', 'nba_stats_pbp') then 1 else 0 end) = 1
                as has_nbac_pbp,
            max(case when shot_feed = 'bigdataball' then source_fetched_at end)
                as bigdataball_fetched_at,
            max(case when shot_feed = 'nba_cdn' then source_fetched_at end) as nba_cdn_fetched_at,
            max(case when shot_feed = 'nba_stats_pbp' then source_fetched_at end)
                as nba_stats_pbp_fetched_at
        from {{ shots }}
        group by game_id
    ) as per_game
{%- endmacro %}
