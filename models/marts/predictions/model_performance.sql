{#-
  Graded predictions rolled up by model version, game date and edge bucket. Hit rates count
  wins / (wins + losses): pushes and voids are no decision. ROI is at -110 per decided pick
  (units / (wins + losses)); break-even is 110 / 210 = 52.38%. Buckets are |edge| ranges
  (0-1, 1-2, 2-3, 3-5, 5+, no_line), so "edge >= 3" is 3-5 plus 5+.
-#}

with

grades as (
    select * from {{ ref('prediction_grades') }}
),

rolled as (
    select
        model_name,
        model_version,
        game_date,
        edge_bucket,
        count(*) as predictions,
        sum(case when grade = 'pending' then 0 else 1 end) as final_predictions,
        sum(case when is_voided then 1 else 0 end) as voided,
        sum(case when absolute_error is not null then 1 else 0 end) as graded,
        avg(absolute_error) as mae,
        avg(signed_error) as mean_signed_error,
        sum(case when grade in ('win', 'loss', 'push') then 1 else 0 end) as picks,
        sum(case when grade = 'win' then 1 else 0 end) as wins,
        sum(case when grade = 'loss' then 1 else 0 end) as losses,
        sum(case when grade = 'push' then 1 else 0 end) as pushes,
        coalesce(sum(units), 0) as units,
        sum(case when lean_correct then 1 else 0 end) as lean_wins,
        sum(case when not lean_correct then 1 else 0 end) as lean_losses
    from grades
    group by model_name, model_version, game_date, edge_bucket
)

select
    model_name,
    model_version,
    game_date,
    edge_bucket,
    predictions,
    final_predictions,
    voided,
    graded,
    mae,
    mean_signed_error,
    picks,
    wins,
    losses,
    pushes,
    cast(wins as {{ dbt.type_float() }}) / nullif(wins + losses, 0) as hit_rate,
    units,
    units / nullif(wins + losses, 0) as roi,
    lean_wins,
    lean_losses,
    cast(lean_wins as {{ dbt.type_float() }}) / nullif(lean_wins + lean_losses, 0)
        as lean_hit_rate
from rolled
