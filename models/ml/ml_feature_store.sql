{#-
  One row per player-game of the feature population, every feature computed only from games
  on earlier dates (see int_player_game_prior_form and int_team_game_prior_form).
  Missing is NULL, never a default, and each group of sources has an indicator. The ordered
  feature list is this model's YAML (columns with meta.feature), which the ML step reads, so
  training and scoring use one list; the contract enforces the columns and types.
-#}

{{ config(
    contract={'enforced': true},
    partition_by=({'field': 'game_date', 'data_type': 'date', 'granularity': 'month'}
                  if target.type == 'bigquery' else none),
    cluster_by=(['player_id'] if target.type == 'bigquery' else none),
) }}

with

population as (
    select * from {{ ref('int_player_game_population') }}
),

context as (
    select * from {{ ref('upcoming_player_game_context') }}
    where game_id is not null
),

player_form as (
    select * from {{ ref('int_player_game_prior_form') }}
),

team_form as (
    select * from {{ ref('int_team_game_prior_form') }}
),

extras as (
    select * from {{ ref('int_player_game_history_extras') }}
),

-- The opponent's zone defence going into this game (its last 15 games before the date).
opponent_zone_defense as (
    select
        teams.team_abbr,
        zones.game_id,
        zones.paint_fg_pct_allowed_vs_league_last_15,
        zones.mid_range_fg_pct_allowed_vs_league_last_15,
        zones.three_fg_pct_allowed_vs_league_last_15
    from {{ ref('team_defense_zone_analysis') }} as zones
    inner join {{ ref('nba_teams') }} as teams
        on zones.team_id = teams.team_id
),

assembled as (
    select
        population.player_id,
        population.game_id,
        population.team_abbr,
        population.opponent_team_abbr,
        population.season,
        context.game_status,
        context.days_rest,
        context.is_back_to_back,
        context.games_last_7_days,
        context.minutes_last_7_days,
        context.opponent_days_rest,
        context.has_line,
        context.current_points_line,
        context.opening_points_line,
        context.line_movement,
        context.line_book_count,
        context.has_game_lines,
        context.game_total,
        context.implied_team_total,
        context.last_source_game_date as context_last_source_game_date,
        population.game_date,
        population.is_home,
        player_form.games_played_season_before,
        player_form.points_avg_last_3,
        player_form.points_avg_last_5,
        player_form.points_avg_last_10,
        player_form.points_avg_season,
        player_form.points_std_last_10,
        player_form.minutes_avg_last_10,
        player_form.minutes_std_last_10,
        player_form.minutes_avg_season,
        player_form.usage_rate_avg_last_5,
        player_form.usage_rate_avg_last_10,
        player_form.points_per_minute_last_10,
        player_form.ts_pct_last_10,
        player_form.ft_points_share_last_10,
        player_form.points_slope_last_10,
        player_form.shot_zone_games_last_10,
        extras.games_vs_opponent_last_365,
        extras.points_avg_vs_opponent_last_365,
        extras.dnp_rate_last_10,
        opponent_zone_defense.paint_fg_pct_allowed_vs_league_last_15 as opponent_paint_delta,
        opponent_zone_defense.mid_range_fg_pct_allowed_vs_league_last_15
            as opponent_mid_range_delta,
        opponent_zone_defense.three_fg_pct_allowed_vs_league_last_15 as opponent_three_delta,
        player_form.paint_share_last_10,
        player_form.mid_range_share_last_10,
        player_form.three_share_last_10,
        team_form.pace_avg_last_10 as team_pace_last_10,
        team_form.offensive_rating_avg_last_10 as team_offensive_rating_last_10,
        team_form.win_pct_season as team_win_pct_season,
        team_form.blowout_share_last_10 as team_blowout_share_last_10,
        opponent_form.defensive_rating_avg_last_15 as opponent_defensive_rating_last_15,
        opponent_form.pace_avg_last_15 as opponent_pace_last_15,
        player_form.form_as_of_game_date as player_form_as_of_date,
        team_form.form_as_of_game_date as team_form_as_of_date,
        opponent_form.form_as_of_game_date as opponent_form_as_of_date
    from population
    inner join context
        on population.player_id = context.player_id
            and population.game_id = context.game_id
    left join player_form
        on population.player_id = player_form.player_id
            and population.game_id = player_form.game_id
    left join extras
        on population.player_id = extras.player_id
            and population.game_id = extras.game_id
    left join opponent_zone_defense
        on population.opponent_team_abbr = opponent_zone_defense.team_abbr
            and population.game_id = opponent_zone_defense.game_id
    left join team_form
        on population.team_abbr = team_form.team_abbr
            and population.game_id = team_form.game_id
    left join team_form as opponent_form
        on population.opponent_team_abbr = opponent_form.team_abbr
            and population.game_id = opponent_form.game_id
),

features as (
    select
        *,
        (minutes_avg_last_10 - minutes_avg_season) / nullif(minutes_avg_season, 0)
            as minutes_change_pct,
        (points_avg_last_5 - points_avg_season) / nullif(points_std_last_10, 0)
            as points_vs_season_zscore,
        team_pace_last_10 - opponent_pace_last_15 as pace_mismatch,
        -- Fatigue, 100 = fresh: the original's rules on rest and recent load (back-to-back -15,
        -- three or more days' rest +5, 4+ games in 7 days -10, over 240 minutes in 7 days -10,
        -- over 35 minutes a game in those days -8), clamped to 0..100. Its age terms are left
        -- out (no birth dates here) and so is its back-to-backs-in-14-days term (not in the
        -- context). NULL when rest is unknown, instead of the original's 50.
        case when days_rest is not null then
                greatest(0, least(
                    100,
                    100
                    + (case when is_back_to_back then -15 when days_rest >= 3 then 5 else 0 end)
                    + (case when games_last_7_days >= 4 then -10 else 0 end)
                    + (case when minutes_last_7_days > 240 then -10 else 0 end)
                    + (case when minutes_last_7_days > 35 * games_last_7_days
                            and games_last_7_days > 0 then -8
                        else 0
                    end)
                ))
        end as fatigue_score,
        -- The player's primary zone going into the game, by the original's thresholds
        -- (paint share >= 40%, else three >= 40%, else mid-range >= 35%, else paint).
        case
            when paint_share_last_10 is null then null
            when paint_share_last_10 >= 0.40 then 'paint'
            when three_share_last_10 >= 0.40 then 'three'
            when mid_range_share_last_10 >= 0.35 then 'mid_range'
            else 'paint'
        end as primary_zone,
        (case when points_avg_last_5 is null then 1 else 0 end)
        + (case when points_avg_last_10 is null then 1 else 0 end)
        + (case when points_avg_season is null then 1 else 0 end)
        + (case when minutes_avg_last_10 is null then 1 else 0 end)
        + (case when usage_rate_avg_last_10 is null then 1 else 0 end)
        + (case when team_pace_last_10 is null then 1 else 0 end)
        + (case when team_offensive_rating_last_10 is null then 1 else 0 end)
        + (case when opponent_defensive_rating_last_15 is null then 1 else 0 end)
            as missing_required_features
    from assembled
),

with_mismatch as (
    select
        *,
        -- How much better than the league the opponent's defence has let shooters do in the
        -- player's primary zone (percentage points of FG%), scaled by how much he lives there
        -- (full weight at a 50% share). The original's extra x1.2 and +-10 clamp are dropped.
        case primary_zone
            when 'paint' then opponent_paint_delta * least(paint_share_last_10 / 0.5, 1)
            when 'three' then opponent_three_delta * least(three_share_last_10 / 0.5, 1)
            when 'mid_range' then opponent_mid_range_delta * least(mid_range_share_last_10 / 0.5, 1)
        end as shot_zone_mismatch
    from features
)

select
    player_id,
    game_id,
    team_abbr,
    opponent_team_abbr,
    season,
    game_status,
    '{{ var("feature_version", "v1") }}' as feature_version,
    cast(points_avg_last_5 as {{ dbt.type_float() }}) as points_avg_last_5,
    cast(points_avg_last_10 as {{ dbt.type_float() }}) as points_avg_last_10,
    cast(points_avg_season as {{ dbt.type_float() }}) as points_avg_season,
    cast(points_std_last_10 as {{ dbt.type_float() }}) as points_std_last_10,
    cast(points_avg_last_3 as {{ dbt.type_float() }}) as points_avg_last_3,
    cast(minutes_avg_last_10 as {{ dbt.type_float() }}) as minutes_avg_last_10,
    cast(minutes_std_last_10 as {{ dbt.type_float() }}) as minutes_std_last_10,
    cast(minutes_change_pct as {{ dbt.type_float() }}) as minutes_change_pct,
    cast(usage_rate_avg_last_5 as {{ dbt.type_float() }}) as usage_rate_avg_last_5,
    cast(usage_rate_avg_last_10 as {{ dbt.type_float() }}) as usage_rate_avg_last_10,
    cast(points_per_minute_last_10 as {{ dbt.type_float() }}) as points_per_minute_last_10,
    cast(ts_pct_last_10 as {{ dbt.type_float() }}) as ts_pct_last_10,
    cast(ft_points_share_last_10 as {{ dbt.type_float() }}) as ft_points_share_last_10,
    cast(points_slope_last_10 as {{ dbt.type_float() }}) as points_slope_last_10,
    cast(points_vs_season_zscore as {{ dbt.type_float() }}) as points_vs_season_zscore,
    cast(games_played_season_before as {{ dbt.type_float() }}) as games_played_season_before,
    cast(case when is_home then 1 else 0 end as {{ dbt.type_float() }}) as is_home,
    cast(team_pace_last_10 as {{ dbt.type_float() }}) as team_pace_last_10,
    cast(team_offensive_rating_last_10 as {{ dbt.type_float() }}) as team_offensive_rating_last_10,
    cast(team_win_pct_season as {{ dbt.type_float() }}) as team_win_pct_season,
    cast(team_blowout_share_last_10 as {{ dbt.type_float() }}) as team_blowout_share_last_10,
    cast(opponent_defensive_rating_last_15 as {{ dbt.type_float() }})
        as opponent_defensive_rating_last_15,
    cast(opponent_pace_last_15 as {{ dbt.type_float() }}) as opponent_pace_last_15,
    cast(pace_mismatch as {{ dbt.type_float() }}) as pace_mismatch,
    cast(days_rest as {{ dbt.type_float() }}) as days_rest,
    cast(case when is_back_to_back then 1 else 0 end as {{ dbt.type_float() }}) as is_back_to_back,
    cast(games_last_7_days as {{ dbt.type_float() }}) as games_last_7_days,
    cast(minutes_last_7_days as {{ dbt.type_float() }}) as minutes_last_7_days,
    cast(opponent_days_rest as {{ dbt.type_float() }}) as opponent_days_rest,
    cast(paint_share_last_10 as {{ dbt.type_float() }}) as paint_share_last_10,
    cast(mid_range_share_last_10 as {{ dbt.type_float() }}) as mid_range_share_last_10,
    cast(three_share_last_10 as {{ dbt.type_float() }}) as three_share_last_10,
    cast(case when has_line then 1 else 0 end as {{ dbt.type_float() }}) as has_line,
    cast(current_points_line as {{ dbt.type_float() }}) as current_points_line,
    cast(opening_points_line as {{ dbt.type_float() }}) as opening_points_line,
    cast(line_movement as {{ dbt.type_float() }}) as line_movement,
    cast(line_book_count as {{ dbt.type_float() }}) as line_book_count,
    cast(game_total as {{ dbt.type_float() }}) as game_total,
    cast(implied_team_total as {{ dbt.type_float() }}) as implied_team_total,
    cast(games_vs_opponent_last_365 as {{ dbt.type_float() }}) as games_vs_opponent_last_365,
    cast(points_avg_vs_opponent_last_365 as {{ dbt.type_float() }})
        as points_avg_vs_opponent_last_365,
    cast(dnp_rate_last_10 as {{ dbt.type_float() }}) as dnp_rate_last_10,
    cast(fatigue_score as {{ dbt.type_float() }}) as fatigue_score,
    cast(shot_zone_mismatch as {{ dbt.type_float() }}) as shot_zone_mismatch,
    coalesce(shot_zone_games_last_10, 0) > 0 as has_shot_zones,
    player_form_as_of_date is not null as has_player_history,
    team_form_as_of_date is not null as has_team_history,
    opponent_form_as_of_date is not null as has_opponent_history,
    cast(missing_required_features as {{ dbt.type_int() }}) as missing_required_features,
    case
        when player_form_as_of_date is null then 'cold_start'
        when missing_required_features = 0 then 'complete'
        else 'partial'
    end as quality_tier,
    game_date,
    -- The latest game date any feature of this row was computed from; always before game_date.
    greatest(
        coalesce(
            player_form_as_of_date,
            team_form_as_of_date,
            opponent_form_as_of_date,
            context_last_source_game_date
        ),
        coalesce(
            team_form_as_of_date,
            player_form_as_of_date,
            opponent_form_as_of_date,
            context_last_source_game_date
        ),
        coalesce(
            opponent_form_as_of_date,
            player_form_as_of_date,
            team_form_as_of_date,
            context_last_source_game_date
        ),
        coalesce(
            context_last_source_game_date,
            player_form_as_of_date,
            team_form_as_of_date,
            opponent_form_as_of_date
        )
    ) as last_source_game_date
from with_mismatch
