{#-
  Which teams allow the most paint attempts? Per defending team over one season: opponent
  field-goal attempts in the paint per game, the paint's share of all opponent attempts, and
  paint FG% allowed, most paint attempts allowed first. The paint is the restricted area plus
  the rest of the lane (macros/nba/shot_zones.sql, doc block `shot_zone_paint`).

  vars
    season  e.g. 2018-19. Default: the latest season with shot zones in the warehouse.

  Only games with play-by-play have zones (`has_shot_zones`); `games_with_zones` of `games`
  says how much of the season that is (the bundled demo: the 329 games of 2018-10-16..11-30).
  Run: python -m pipeline.analyses teams_allowing_most_paint_attempts --var season=2018-19
-#}
{%- set season = analysis_text_var('season') -%}

with

team_defense as (
    select * from {{ ref('team_defense_game_summary') }}
),

chosen_season as (
    -- One row: the season asked for, else the latest with shot zones.
    select
        coalesce({{ season or 'null' }}, max(case when has_shot_zones then season end))
            as season
    from team_defense
),

season_games as (
    select team_defense.*
    from team_defense
    inner join chosen_season
        on team_defense.season = chosen_season.season
),

per_team as (
    select
        season,
        defending_team_abbr,
        count(*) as games,
        sum(case when has_shot_zones then 1 else 0 end) as games_with_zones,
        sum(case when has_shot_zones then opp_paint_attempts end) as opp_paint_attempts,
        sum(case when has_shot_zones then opp_paint_makes end) as opp_paint_makes,
        sum(case when has_shot_zones then opp_fg_attempts end) as opp_fg_attempts_with_zones
    from season_games
    group by season, defending_team_abbr
),

final as (
    select
        season,
        defending_team_abbr,
        games,
        games_with_zones,
        round(opp_paint_attempts / nullif(cast(games_with_zones as {{ dbt.type_float() }}), 0), 1)
            as opp_paint_attempts_per_game,
        round(
            opp_paint_attempts
            / nullif(cast(opp_fg_attempts_with_zones as {{ dbt.type_float() }}), 0),
            3
        )
            as opp_paint_share_of_fga,
        round(opp_paint_makes / nullif(cast(opp_paint_attempts as {{ dbt.type_float() }}), 0), 3)
            as opp_paint_fg_pct,
        opp_paint_attempts,
        opp_paint_makes,
        rank() over (
            order by
                opp_paint_attempts
                / nullif(cast(games_with_zones as {{ dbt.type_float() }}), 0) desc
        ) as paint_attempts_allowed_rank
    from per_team
    where games_with_zones > 0
)

select * from final
order by paint_attempts_allowed_rank, defending_team_abbr
