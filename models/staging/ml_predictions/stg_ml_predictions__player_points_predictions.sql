{#-
  Predictions as written by `python -m ml score`, one row per (model_version, player_id,
  game_id). The writer replaces rows by that key, so no deduplication is needed here; the
  uniqueness test in the YAML holds the writer to it.
-#}

with

source as (
    select * from {{ source('ml_predictions', 'player_points_predictions') }}
)

select
    model_version,
    model_name,
    player_id,
    game_id,
    game_date,
    predicted_points,
    line,
    edge,
    recommendation,
    min_edge,
    scoring_mode,
    created_at
from source
