{#-
  Feature health over a season: for every ML feature and month, how many rows it had, its
  NULL rate (overall and on its worst day), its mean, whether it varied, and the quality mix,
  from ml.feature_health. A feed that breaks shows as a NULL rate jumping; a default that
  sneaks in ("everyone 0.5") as a day with no variation.

  vars
    season   e.g. 2024-25. Default: the latest season in feature_health.
    feature  one feature name (e.g. usage_rate_avg_last_10). Default: every feature.

  `health` flags a month: `mostly_null` (NULL rate above 50%), `some_null` (above 5%),
  `no_variation` (some day had two or more values and a standard deviation of 0) or `ok`.
  Line features are NULL wherever there was no line, and game lines everywhere in the demo
  (no game-lines feed ships): a high NULL rate there is the data, not a broken feed.
  Run: python -m pipeline.analyses feature_health_over_season --var season=2024-25
-#}
{%- set season = analysis_text_var('season') -%}
{%- set feature = analysis_text_var('feature') -%}

with

feature_health as (
    select * from {{ ref('feature_health') }}
),

chosen_season as (
    -- One row: the season asked for, else the latest.
    select
        coalesce({{ season or 'null' }}, max(season)) as season
    from feature_health
),

season_days as (
    select
        feature_health.*,
        substr(cast(feature_health.game_date as {{ dbt.type_string() }}), 1, 7) as game_month
    from feature_health
    inner join chosen_season
        on feature_health.season = chosen_season.season
    {% if feature -%}
    where feature_health.feature_name = {{ feature }}
    {%- endif %}
),

per_month as (
    select
        season,
        feature_order,
        feature_name,
        game_month,
        count(*) as game_dates,
        sum(row_count) as feature_rows,
        sum(non_null_count) as non_null_rows,
        max(null_rate) as worst_day_null_rate,
        sum(mean_value * non_null_count) as value_sum,
        sum(case when non_null_count >= 2 and std_value = 0 then 1 else 0 end)
            as days_without_variation,
        sum(complete_rows) as complete_rows,
        sum(cold_start_rows) as cold_start_rows
    from season_days
    group by season, feature_order, feature_name, game_month
),

final as (
    select
        season,
        feature_order,
        feature_name,
        game_month,
        game_dates,
        feature_rows,
        round(1 - non_null_rows / cast(feature_rows as {{ dbt.type_float() }}), 3) as null_rate,
        round(worst_day_null_rate, 3) as worst_day_null_rate,
        round(value_sum / nullif(cast(non_null_rows as {{ dbt.type_float() }}), 0), 3)
            as mean_value,
        days_without_variation,
        round(complete_rows / cast(feature_rows as {{ dbt.type_float() }}), 3) as complete_share,
        round(cold_start_rows / cast(feature_rows as {{ dbt.type_float() }}), 3)
            as cold_start_share,
        case
            when
                1 - non_null_rows / cast(feature_rows as {{ dbt.type_float() }}) > 0.5
                then 'mostly_null'
            when
                1 - non_null_rows / cast(feature_rows as {{ dbt.type_float() }}) > 0.05
                then 'some_null'
            when days_without_variation > 0 then 'no_variation'
            else 'ok'
        end as health
    from per_month
)

select * from final
order by feature_order, game_month
