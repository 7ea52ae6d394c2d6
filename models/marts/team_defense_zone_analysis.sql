{#-
  A team's shot-zone defence going INTO each of its games: the opponents' field-goal
  percentage per zone over the team's last 15 games of the season strictly before it (rows
  15 preceding .. 1 preceding, ordered by game date then game id), and how far that sits from
  the whole league over the same dates. One row per team-game; analysis_date is that game's
  date.

  League baseline: every team-game of the season dated from the first game in the team's
  window up to the day before analysis_date (the analysis day itself is excluded, unlike the
  original system, whose 30-day league average included it). Computed from running totals by
  date, so it costs one pass instead of a range join.

    *_fg_pct_allowed_last_N      opponent makes / attempts in the zone, a fraction
    league_*_fg_pct_last_N       the same for every team over the same dates
    *_fg_pct_allowed_vs_league   (team - league) x 100, percentage points; negative = better
    opp_*_attempts_per_game      opponent attempts in the zone per game with zones
  Games without shot zones count towards the window but add no shots (sample_games_last_N).
-#}
{%- set n = var('team_defense_zone_window', 15) -%}
{%- set zones = ['paint', 'mid_range', 'three'] -%}
{%- set over = "over (partition by team_id, season order by game_date, game_id"
    ~ " rows between " ~ n ~ " preceding and 1 preceding)" -%}

with

defense_games as (
    select
        defense.game_id,
        defense.team_id,
        offense.team_id as opponent_team_id,
        defense.season,
        defense.game_date,
        offense.has_shot_zones,
        {%- for zone in zones %}
            offense.{{ zone }}_attempts as opp_{{ zone }}_attempts,
            offense.{{ zone }}_makes as opp_{{ zone }}_makes{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ ref('int_team_game_shot_zones') }} as defense
    inner join {{ ref('int_team_game_shot_zones') }} as offense
        on defense.game_id = offense.game_id
            and defense.team_id <> offense.team_id
),

windowed as (
    select
        game_id,
        team_id,
        season,
        game_date,
        count(*) {{ over }} as games_last_{{ n }},
        sum(case when has_shot_zones then 1 else 0 end) {{ over }} as sample_games_last_{{ n }},
        min(game_date) {{ over }} as window_start_date,
        {%- for zone in zones %}
            sum(opp_{{ zone }}_attempts) {{ over }} as opp_{{ zone }}_attempts,
            sum(opp_{{ zone }}_makes) {{ over }}
                as opp_{{ zone }}_makes{% if not loop.last %},{% endif %}
        {%- endfor %}
    from defense_games
),

league_days as (
    select
        season,
        game_date,
        {%- for zone in zones %}
            coalesce(sum(opp_{{ zone }}_attempts), 0) as {{ zone }}_attempts,
            coalesce(sum(opp_{{ zone }}_makes), 0)
                as {{ zone }}_makes{% if not loop.last %},{% endif %}
        {%- endfor %}
    from defense_games
    group by season, game_date
),

-- League totals of every game day strictly before each game day of the season.
league_before as (
    select
        season,
        game_date,
        {%- for zone in zones %}
            coalesce(sum({{ zone }}_attempts) over (
                partition by season order by game_date
                rows between unbounded preceding and 1 preceding
            ), 0) as {{ zone }}_attempts,
            coalesce(sum({{ zone }}_makes) over (
                partition by season order by game_date
                rows between unbounded preceding and 1 preceding
            ), 0) as {{ zone }}_makes{% if not loop.last %},{% endif %}
        {%- endfor %}
    from league_days
),

compared as (
    select
        windowed.*,
        {%- for zone in zones %}
            1.0 * windowed.opp_{{ zone }}_makes / nullif(windowed.opp_{{ zone }}_attempts, 0)
                as {{ zone }}_fg_pct_allowed,
            1.0 * (before_game.{{ zone }}_makes - before_window.{{ zone }}_makes)
            / nullif(before_game.{{ zone }}_attempts - before_window.{{ zone }}_attempts, 0)
                as league_{{ zone }}_fg_pct{% if not loop.last %},{% endif %}
        {%- endfor %}
    from windowed
    inner join league_before as before_game
        on windowed.season = before_game.season
            and windowed.game_date = before_game.game_date
    left join league_before as before_window
        on windowed.season = before_window.season
            and windowed.window_start_date = before_window.game_date
)

select
    team_id,
    game_id,
    game_date as analysis_date,
    season,
    coalesce(games_last_{{ n }}, 0) as games_last_{{ n }},
    coalesce(sample_games_last_{{ n }}, 0) as sample_games_last_{{ n }},
    window_start_date,
    {%- for zone in zones %}
        round({{ zone }}_fg_pct_allowed, 4) as {{ zone }}_fg_pct_allowed_last_{{ n }},
        round(league_{{ zone }}_fg_pct, 4) as league_{{ zone }}_fg_pct_last_{{ n }},
        round(100 * ({{ zone }}_fg_pct_allowed - league_{{ zone }}_fg_pct), 2)
            as {{ zone }}_fg_pct_allowed_vs_league_last_{{ n }},
        round(1.0 * opp_{{ zone }}_attempts / nullif(sample_games_last_{{ n }}, 0), 2)
            as opp_{{ zone }}_attempts_per_game_last_{{ n }}{% if not loop.last %},{% endif %}
    {%- endfor %}
from compared
