{#-
  A team's form right after each of its games, windows ending at the current row and
  restarting each season; the feature store reads the latest row strictly before a game.
  Offence over the last 10 games (pace, offensive rating, wins), defence over the last 15
  (defensive rating and the pace its opponents played at).
-#}

{%- set by_team_season = "partition by offense.team_abbr, offense.season"
    ~ " order by offense.game_date, offense.game_id" -%}
{%- set last_10 = by_team_season ~ " rows between 9 preceding and current row" -%}
{%- set last_15 = by_team_season ~ " rows between 14 preceding and current row" -%}
{%- set season_to_date = by_team_season ~ " rows between unbounded preceding and current row" -%}

select
    offense.team_abbr,
    offense.team_id,
    offense.game_id,
    offense.season,
    count(*) over ({{ season_to_date }}) as games_played_season,
    avg(offense.pace) over ({{ last_10 }}) as pace_avg_last_10,
    avg(offense.offensive_rating) over ({{ last_10 }}) as offensive_rating_avg_last_10,
    avg(case when offense.is_win then 1.0 else 0.0 end)
        over ({{ season_to_date }})
        as win_pct_season,
    avg(defense.defensive_rating) over ({{ last_15 }}) as defensive_rating_avg_last_15,
    avg(defense.pace) over ({{ last_15 }}) as pace_avg_last_15,
    -- Share of recent games decided by 15 or more: starters sit in blowouts.
    avg(case when abs(offense.margin) >= 15 then 1.0 else 0.0 end) over ({{ last_10 }})
        as blowout_share_last_10,
    offense.game_date
from {{ ref('team_offense_game_summary') }} as offense
inner join {{ ref('team_defense_game_summary') }} as defense
    on offense.game_id = defense.game_id
        and offense.team_id = defense.defending_team_id
