{#-
  Every line row that names no NBA.com player or no game we know, with the reason
  (match_status). Never filtered away elsewhere: the match-rate mart counts these rows too.
  A real alias found here belongs in seeds/player_name_aliases.csv.
-#}

select
    feed,
    book_key,
    game_date,
    home_team_abbr,
    away_team_abbr,
    stated_team_abbr,
    player_name,
    player_name_key,
    match_status,
    line,
    snapshot_at,
    snapshot_precision,
    event_id,
    source_landed_path
from {{ ref('int_player_points_lines') }}
where not is_matched
