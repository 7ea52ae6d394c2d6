{#-
  Who has the biggest edge tonight? Every player with a points line on one night: our
  prediction, the line, edge = prediction - line and the recommendation, biggest |edge| first.

  vars
    game_date   YYYY-MM-DD, the night to show. Default, in this order:
                  1. today's games (today = the US Eastern date), when the ML step has scored
                     them (scoring_mode 'upcoming'): production;
                  2. otherwise the latest date that has predictions with a line: the demo,
                     which has no scheduled games and scores the held-out 2024-25 season
                     (2025-01-12 on the bundled data), and a production day without games.
                The `game_date` and `date_rule` columns say which night was used and why.
    model_name  mean (default, the average of the two models), xgboost or catboost.

  Run: python -m pipeline.analyses tonights_edges [--var game_date=2025-01-10]
  On a played night (the demo) `actual_points` and `grade` show how it went; tonight they
  are NULL and `pending`.
-#}
{%- set requested_date = analysis_date_var('game_date') -%}
{%- set model_name = analysis_text_var('model_name', 'mean') -%}

with

predictions as (
    select * from {{ ref('prediction_grades') }}
),

context as (
    select * from {{ ref('upcoming_player_game_context') }}
),

model_predictions as (
    select *
    from predictions
    where model_name = {{ model_name }}
),

candidate_nights as (
    select
        {{ requested_date if requested_date else 'cast(null as date)' }} as requested_date,
        max(
            case
                when scoring_mode = 'upcoming'
                    and game_date = {{ local_today('America/New_York') }}
                    then game_date
            end
        ) as today_with_predictions,
        max(case when line is not null then game_date end) as latest_date_with_a_line
    from model_predictions
),

chosen_night as (
    select
        coalesce(requested_date, today_with_predictions, latest_date_with_a_line) as game_date,
        case
            when requested_date is not null then 'var game_date'
            when today_with_predictions is not null then 'today (US Eastern), scheduled games'
            else 'latest date with predictions and a line'
        end as date_rule
    from candidate_nights
),

night_predictions as (
    select
        model_predictions.*,
        chosen_night.date_rule,
        row_number() over (
            partition by model_predictions.player_id, model_predictions.game_id
            order by model_predictions.created_at desc, model_predictions.model_version desc
        ) as recency
    from model_predictions
    inner join chosen_night
        on model_predictions.game_date = chosen_night.game_date
    where model_predictions.line is not null
),

final as (
    select
        night_predictions.game_date,
        night_predictions.date_rule,
        context.player_name,
        context.team_abbr,
        context.opponent_team_abbr,
        context.is_home,
        night_predictions.line,
        context.current_line_book as line_book,
        round(night_predictions.predicted_points, 1) as predicted_points,
        round(night_predictions.edge, 1) as edge,
        night_predictions.recommendation,
        context.days_rest,
        night_predictions.actual_points,
        night_predictions.grade,
        night_predictions.player_id,
        night_predictions.game_id,
        night_predictions.model_version,
        night_predictions.scoring_mode
    from night_predictions
    left join context
        on night_predictions.player_id = context.player_id
            and night_predictions.game_id = context.game_id
    where night_predictions.recency = 1
)

select * from final
order by abs(edge) desc, player_name
