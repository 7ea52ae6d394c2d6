{#-
  For every player-game in the feature population, the player's form as it stood before the
  game's date: the latest row of int_player_games_rolled_to_form from an earlier date in the
  same season. Found without a range join: targets and played games share one timeline per
  player and season, targets sort before games of the same date, and each target takes the
  highest games-played ordinal among the rows strictly before it.
-#}

with

population as (
    select
        player_id,
        game_id,
        game_date,
        season
    from {{ ref('int_player_game_population') }}
),

form as (
    select * from {{ ref('int_player_games_rolled_to_form') }}
),

timeline as (
    select
        player_id,
        season,
        game_date,
        game_id,
        0 as row_kind,
        cast(null as {{ dbt.type_bigint() }}) as games_played_season
    from population
    union all
    select
        player_id,
        season,
        game_date,
        game_id,
        1 as row_kind,
        games_played_season
    from form
),

targets as (
    select
        player_id,
        season,
        game_id,
        game_date,
        max(games_played_season) over (
            partition by player_id, season
            order by game_date, row_kind, game_id
            rows between unbounded preceding and 1 preceding
        ) as prior_games_played_season,
        row_kind
    from timeline
)

select
    targets.player_id,
    targets.game_id,
    coalesce(targets.prior_games_played_season, 0) as games_played_season_before,
    form.points_avg_last_3,
    form.points_avg_last_5,
    form.points_avg_last_10,
    form.points_avg_season,
    form.points_std_last_10,
    form.minutes_avg_last_10,
    form.minutes_std_last_10,
    form.minutes_avg_season,
    form.usage_rate_avg_last_5,
    form.usage_rate_avg_last_10,
    form.points_per_minute_last_10,
    form.ts_pct_last_10,
    form.ft_points_share_last_10,
    form.points_slope_last_10,
    form.shot_zone_games_last_10,
    form.paint_share_last_10,
    form.mid_range_share_last_10,
    form.three_share_last_10,
    form.game_date as form_as_of_game_date,
    targets.game_date
from targets
left join form
    on targets.player_id = form.player_id
        and targets.season = form.season
        and targets.prior_games_played_season = form.games_played_season
where targets.row_kind = 0
