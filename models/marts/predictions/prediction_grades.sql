{#-
  One row per prediction, graded against the box score. The rules (the original's
  prediction_accuracy processor, with its push and DNP handling kept):
    - pending: the game has no box-score row yet, so nothing is graded;
    - void: the game is final but the player has no row (did not appear), is flagged DNP, or
      scored 0 with 0 or NULL minutes; no error, no decision, no units;
    - errors: absolute and signed (predicted - actual) on every other final row, any
      recommendation;
    - prediction_correct: only for OVER/UNDER; NULL on a push (actual = line: no decision);
      otherwise (actual > line) = (recommendation = 'OVER');
    - lean_correct: the same rule for the side the edge points to, on every row with a line,
      so hit rate by edge bucket also exists below the recommendation threshold;
    - units at -110: win +100/110, loss -1, push 0 (stake returned), NULL when no pick.
-#}

{{ config(
    partition_by=({'field': 'game_date', 'data_type': 'date', 'granularity': 'month'}
                  if target.type == 'bigquery' else none),
    cluster_by=(['model_name', 'player_id'] if target.type == 'bigquery' else none),
) }}

with

predictions as (
    select * from {{ ref('stg_ml_predictions__player_points_predictions') }}
),

box_scores as (
    select
        game_id,
        player_id,
        points,
        minutes,
        is_dnp
    from {{ ref('player_game_summary') }}
),

final_games as (
    -- A game with any box-score row has been played; anyone missing from it did not appear.
    select distinct game_id from box_scores
),

joined as (
    select
        predictions.*,
        box_scores.points as actual_points,
        box_scores.minutes as actual_minutes,
        final_games.game_id is not null as is_game_final,
        case
            when final_games.game_id is null then null
            when box_scores.player_id is null then 'dnp_absent'
            when box_scores.is_dnp then 'dnp_flagged'
            when box_scores.points = 0 and coalesce(box_scores.minutes, 0) = 0
                then 'dnp_zero_minutes'
        end as void_reason
    from predictions
    left join final_games
        on predictions.game_id = final_games.game_id
    left join box_scores
        on predictions.game_id = box_scores.game_id
            and predictions.player_id = box_scores.player_id
),

flagged as (
    select
        *,
        is_game_final and void_reason is null as is_graded,
        recommendation in ('OVER', 'UNDER') as is_pick
    from joined
),

graded as (
    select
        *,
        is_graded and line is not null and actual_points = line as is_push,
        case
            when is_graded and is_pick and actual_points <> line
                then (actual_points > line) = (recommendation = 'OVER')
        end as prediction_correct,
        case
            when is_graded and line is not null and actual_points <> line and edge <> 0
                then (actual_points > line) = (edge > 0)
        end as lean_correct
    from flagged
)

select
    model_name,
    model_version,
    player_id,
    game_id,
    game_date,
    scoring_mode,
    predicted_points,
    line,
    edge,
    recommendation,
    min_edge,
    case
        when line is null then 'no_line'
        when abs(edge) < 1 then '0-1'
        when abs(edge) < 2 then '1-2'
        when abs(edge) < 3 then '2-3'
        when abs(edge) < 5 then '3-5'
        else '5+'
    end as edge_bucket,
    actual_points,
    actual_minutes,
    case
        when not is_game_final then 'pending'
        when void_reason is not null then 'void'
        when not is_pick then 'no_pick'
        when is_push then 'push'
        when prediction_correct then 'win'
        else 'loss'
    end as grade,
    void_reason is not null as is_voided,
    void_reason,
    is_pick,
    is_push,
    case when is_graded then abs(predicted_points - actual_points) end as absolute_error,
    case when is_graded then predicted_points - actual_points end as signed_error,
    case when is_graded then actual_points - line end as actual_margin,
    prediction_correct,
    lean_correct,
    cast(
        case
            when is_graded and is_pick and is_push then 0
            when prediction_correct then 100 / 110
            when not prediction_correct then -1
        end as {{ dbt.type_float() }}
    ) as units,
    created_at
from graded
