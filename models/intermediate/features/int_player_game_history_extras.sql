{#-
  Two more looks back for every player-game of the feature population, both strictly before
  the game's date:

  - vs this opponent: games and mean points against the same opponent over the previous 365
    days (the original's features 29-30, without its fallback to the season average);
  - availability: the share of his team's last 10 games this season for which he was in the
    population but did not appear (sat out, DNP or inactive), a DNP rate that needs no DNP feed.

  Both use one timeline per player mixing played games and population rows; a window framed on
  earlier days (or earlier rows, one game per player per date) never reaches the game itself.
-#}

{%- set day_number = dbt.datediff("cast('1970-01-01' as date)", 'game_date', 'day') -%}

with

population as (
    select
        player_id,
        game_id,
        opponent_team_abbr,
        season,
        game_date
    from {{ ref('int_player_game_population') }}
),

played as (
    select
        player_id,
        game_id,
        opponent_team_abbr,
        season,
        game_date,
        points
    from {{ ref('player_game_summary') }}
),

versus_timeline as (
    select
        player_id,
        game_id,
        opponent_team_abbr,
        game_date,
        0 as row_kind,
        cast(null as {{ dbt.type_float() }}) as points
    from population
    union all
    select
        player_id,
        game_id,
        opponent_team_abbr,
        game_date,
        1 as row_kind,
        cast(points as {{ dbt.type_float() }}) as points
    from played
),

versus as (
    select
        player_id,
        game_id,
        row_kind,
        count(points) over (
            partition by player_id, opponent_team_abbr
            order by {{ day_number }}
            range between 365 preceding and 1 preceding
        ) as games_vs_opponent_last_365,
        avg(points) over (
            partition by player_id, opponent_team_abbr
            order by {{ day_number }}
            range between 365 preceding and 1 preceding
        ) as points_avg_vs_opponent_last_365
    from versus_timeline
),

availability as (
    select
        population.player_id,
        population.game_id,
        count(*) over (
            partition by population.player_id, population.season
            order by population.game_date, population.game_id
            rows between 10 preceding and 1 preceding
        ) as team_games_last_10,
        sum(case when played.game_id is null then 1 else 0 end) over (
            partition by population.player_id, population.season
            order by population.game_date, population.game_id
            rows between 10 preceding and 1 preceding
        ) as missed_games_last_10
    from population
    left join played
        on population.player_id = played.player_id
            and population.game_id = played.game_id
)

select
    availability.player_id,
    availability.game_id,
    versus.games_vs_opponent_last_365,
    versus.points_avg_vs_opponent_last_365,
    availability.missed_games_last_10
    / nullif(cast(availability.team_games_last_10 as {{ dbt.type_float() }}), 0)
        as dnp_rate_last_10
from availability
inner join versus
    on availability.player_id = versus.player_id
        and availability.game_id = versus.game_id
        and versus.row_kind = 0
