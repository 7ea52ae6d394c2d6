{#-
  A player's form as known right AFTER each game he played: rolling windows that END at the
  current row. Nothing here is a feature yet. The feature store looks up, for a game on date D,
  the latest row with game_date < D, so every window it uses stops strictly before the game
  it describes (windows "ending 1 preceding" the target, by construction).

  Windows count games played, in (game_date, game_id) order, within one season and across
  teams (a traded player keeps his form). They restart each season: an off-season (or, in the
  bundled demo, a gap of several seasons) is not "the last 10 games".
-#}

{%- set by_player_season = "partition by player_id, season order by game_date, game_id" -%}
{%- set last_10 = by_player_season ~ " rows between 9 preceding and current row" -%}
{%- set last_5 = by_player_season ~ " rows between 4 preceding and current row" -%}
{%- set last_3 = by_player_season ~ " rows between 2 preceding and current row" -%}
{%- set season_to_date = by_player_season ~ " rows between unbounded preceding and current row" -%}

with

games as (
    select
        player_id,
        game_id,
        game_date,
        season,
        team_id,
        points,
        minutes,
        usage_rate,
        fg_attempts,
        ft_attempts,
        ft_makes,
        paint_attempts,
        mid_range_attempts,
        three_attempts,
        case when has_shot_zones then 1 else 0 end as has_shot_zones_flag,
        -- The game's position in the player's career timeline, for trend slopes.
        cast(
            row_number() over (partition by player_id order by game_date, game_id)
            as {{ dbt.type_float() }}
        ) as career_game_number
    from {{ ref('player_game_summary') }}
),

windows as (
    select
        player_id,
        game_id,
        game_date,
        season,
        team_id,
        count(*) over ({{ last_10 }}) as games_in_last_10,
        count(*) over ({{ season_to_date }}) as games_played_season,
        avg(points) over ({{ last_3 }}) as points_avg_last_3,
        avg(points) over ({{ last_5 }}) as points_avg_last_5,
        avg(points) over ({{ last_10 }}) as points_avg_last_10,
        avg(points) over ({{ season_to_date }}) as points_avg_season,
        stddev_samp(points) over ({{ last_10 }}) as points_std_last_10,
        avg(minutes) over ({{ last_10 }}) as minutes_avg_last_10,
        stddev_samp(minutes) over ({{ last_10 }}) as minutes_std_last_10,
        avg(minutes) over ({{ season_to_date }}) as minutes_avg_season,
        avg(usage_rate) over ({{ last_5 }}) as usage_rate_avg_last_5,
        avg(usage_rate) over ({{ last_10 }}) as usage_rate_avg_last_10,
        count(usage_rate) over ({{ last_10 }}) as usage_rate_games_last_10,
        sum(points) over ({{ last_10 }}) as points_sum_last_10,
        sum(minutes) over ({{ last_10 }}) as minutes_sum_last_10,
        sum(fg_attempts + 0.44 * ft_attempts) over ({{ last_10 }}) as true_shot_attempts_last_10,
        sum(ft_makes) over ({{ last_10 }}) as ft_points_last_10,
        sum(has_shot_zones_flag) over ({{ last_10 }}) as shot_zone_games_last_10,
        sum(paint_attempts) over ({{ last_10 }}) as paint_attempts_last_10,
        sum(mid_range_attempts) over ({{ last_10 }}) as mid_range_attempts_last_10,
        sum(three_attempts) over ({{ last_10 }}) as three_attempts_last_10,
        -- Sums for an ordinary least-squares slope of points on game number (BigQuery has
        -- no regr_slope): slope = (n*Sxy - Sx*Sy) / (n*Sxx - Sx^2).
        sum(career_game_number) over ({{ last_10 }}) as sx_last_10,
        sum(points) over ({{ last_10 }}) as sy_last_10,
        sum(career_game_number * points) over ({{ last_10 }}) as sxy_last_10,
        sum(career_game_number * career_game_number) over ({{ last_10 }}) as sxx_last_10
    from games
)

select
    player_id,
    game_id,
    team_id,
    season,
    games_in_last_10,
    games_played_season,
    points_avg_last_3,
    points_avg_last_5,
    points_avg_last_10,
    points_avg_season,
    -- A sample std needs two games; stddev_samp already returns NULL for one.
    points_std_last_10,
    minutes_avg_last_10,
    minutes_std_last_10,
    minutes_avg_season,
    usage_rate_avg_last_5,
    case when usage_rate_games_last_10 > 0 then usage_rate_avg_last_10 end
        as usage_rate_avg_last_10,
    points_sum_last_10 / nullif(minutes_sum_last_10, 0) as points_per_minute_last_10,
    points_sum_last_10 / nullif(2 * true_shot_attempts_last_10, 0) as ts_pct_last_10,
    -- Share of points scored at the line (the original's "pct_free_throw" divided FTM by
    -- points too, but defaulted to 0.15 below five games; here it is NULL then).
    case when games_in_last_10 >= 5 then ft_points_last_10 / nullif(points_sum_last_10, 0) end
        as ft_points_share_last_10,
    case when games_in_last_10 >= 5 then
            (games_in_last_10 * sxy_last_10 - sx_last_10 * sy_last_10)
            / nullif(games_in_last_10 * sxx_last_10 - sx_last_10 * sx_last_10, 0)
    end as points_slope_last_10,
    -- Shot-zone shares over the games of the window that have zones (NULL without any):
    -- fractions of zone attempts, paint + mid-range + three = 1.
    shot_zone_games_last_10,
    paint_attempts_last_10
    / nullif(paint_attempts_last_10 + mid_range_attempts_last_10 + three_attempts_last_10, 0)
        as paint_share_last_10,
    mid_range_attempts_last_10
    / nullif(paint_attempts_last_10 + mid_range_attempts_last_10 + three_attempts_last_10, 0)
        as mid_range_share_last_10,
    three_attempts_last_10
    / nullif(paint_attempts_last_10 + mid_range_attempts_last_10 + three_attempts_last_10, 0)
        as three_share_last_10,
    game_date
from windows
