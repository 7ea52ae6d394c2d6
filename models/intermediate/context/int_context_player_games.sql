{#-
  Who gets a pre-game context row, and their own schedule before the game. One rule for
  history and for tonight:

    a player gets a row for his team's game on date D when he appeared for that team in at
    least one of the team's last 10 played games before D (var context_population_team_games)
    and his most recent appearance before D was for that team (a traded player moves with his
    next appearance). Nobody is removed as "known out": there is no injury feed yet.

  Appearances are player_game_summary rows (leaguegamelog lists players who got on the floor).
  Every value uses appearances dated strictly before D:
    days_rest          D - date of his previous appearance (any team): 1 = back-to-back
    games_last_N_days  appearances dated in [D - N, D - 1]; minutes_last_N_days their minutes
-#}

with

team_games as (
    select
        game_key,
        game_date,
        team_abbr,
        population_window_start_date
    from {{ ref('int_context_team_games') }}
),

appearances as (
    select
        player_id,
        player_name,
        team_abbr,
        game_id,
        game_date,
        minutes,
        lead(game_date)
            over (partition by player_id order by game_date, game_id)
            as next_appearance_date
    from {{ ref('player_game_summary') }}
),

-- The appearance that is the player's latest before D, for this team, inside the window.
population as (
    select
        team_games.game_key,
        team_games.game_date,
        team_games.team_abbr,
        appearances.player_id,
        appearances.player_name,
        appearances.game_date as previous_appearance_date
    from team_games
    inner join appearances
        on team_games.team_abbr = appearances.team_abbr
            and team_games.game_date > appearances.game_date
            and appearances.game_date
            >= coalesce(team_games.population_window_start_date, cast('1900-01-01' as date))
            and coalesce(appearances.next_appearance_date, cast('9999-12-31' as date))
            >= team_games.game_date
),

recent as (
    select
        population.game_key,
        population.player_id,
        count(earlier.game_id) as games_last_14_days,
        cast(coalesce(sum(
            case
                when earlier.game_date >= {{ add_days('population.game_date', -7) }} then 1 else 0
            end
        ), 0) as {{ dbt.type_bigint() }}) as games_last_7_days,
        coalesce(sum(earlier.minutes), 0) as minutes_last_14_days,
        coalesce(
            sum(
                case
                    when
                        earlier.game_date >= {{ add_days('population.game_date', -7) }}
                        then earlier.minutes
                    else 0
                end
            ),
            0
        )
            as minutes_last_7_days
    from population
    left join appearances as earlier
        on population.player_id = earlier.player_id
            and earlier.game_date >= {{ add_days('population.game_date', -14) }}
            and population.game_date > earlier.game_date
    group by population.game_key, population.player_id
)

select
    population.game_key,
    population.player_id,
    population.player_name,
    population.team_abbr,
    population.game_date,
    population.previous_appearance_date,
    {{ days_between('population.previous_appearance_date', 'population.game_date') }} as days_rest,
    {{ days_between('population.previous_appearance_date', 'population.game_date') }}
    = 1 as is_back_to_back,
    recent.games_last_7_days,
    recent.games_last_14_days,
    round(recent.minutes_last_7_days, 2) as minutes_last_7_days,
    round(recent.minutes_last_14_days, 2) as minutes_last_14_days
from population
inner join recent
    on population.game_key = recent.game_key
        and population.player_id = recent.player_id
