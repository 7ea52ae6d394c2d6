{#-
  A player's last 10 games with their context: opponent, home/away, days rest, the points
  line before tip-off, and the result (his points against the line, and his team's score).

  vars
    player        a name as any feed writes it ('Luka Doncic' finds 'Luka Dončić': names are
                  compared on player_name_key(), accents and punctuation ignored) or an
                  NBA.com person id. Default: Jayson Tatum.
    through_date  YYYY-MM-DD: the last 10 games on or before this date (default: his latest).

  Run: python -m pipeline.analyses player_last_10_games --var player="Jalen Brunson"
  `days_rest` uses the one convention of the context marts: 1 = back-to-back. `line` is NULL
  for games without a pre-game line (the bundled lines cover 2024-10-22..2025-01-13).
-#}
{%- set player = analysis_text_var('player', 'Jayson Tatum') -%}
{%- set through_date = analysis_date_var('through_date') -%}
{#- A name or an id: an id's text is no player's name key, a name no player's id. -#}
{%- set player_filter = '(cast(player_games.player_id as ' ~ dbt.type_string() ~ ') = '
    ~ player ~ ' or ' ~ player_name_key('player_games.player_name') ~ ' = '
    ~ player_name_key(player) ~ ')' -%}
{%- set through_filter = 'player_games.game_date <= ' ~ through_date if through_date
    else 'true' -%}

with

player_games as (
    select * from {{ ref('player_game_summary') }}
),

team_games as (
    select * from {{ ref('team_offense_game_summary') }}
),

context as (
    select * from {{ ref('upcoming_player_game_context') }}
),

chosen_player_games as (
    select
        player_games.*,
        row_number() over (
            partition by player_games.player_id
            order by player_games.game_date desc, player_games.game_id desc
        ) as games_ago
    from player_games
    where
        {{ player_filter }}
        and {{ through_filter }}
),

final as (
    select
        chosen_player_games.player_name,
        chosen_player_games.game_date,
        chosen_player_games.team_abbr,
        case when chosen_player_games.is_home then 'vs' else '@' end as home_away,
        chosen_player_games.opponent_team_abbr,
        context.days_rest,
        context.games_last_7_days,
        context.current_points_line as line,
        chosen_player_games.points,
        case
            when context.current_points_line is null then null
            when chosen_player_games.points > context.current_points_line then 'over'
            when chosen_player_games.points < context.current_points_line then 'under'
            else 'push'
        end as vs_line,
        round(chosen_player_games.minutes, 1) as minutes,
        chosen_player_games.fg_makes,
        chosen_player_games.fg_attempts,
        round(chosen_player_games.usage_rate, 1) as usage_rate,
        case when chosen_player_games.is_win then 'W' else 'L' end as team_result,
        team_games.points as team_points,
        team_games.points - team_games.margin as opponent_points,
        chosen_player_games.player_id,
        chosen_player_games.game_id
    from chosen_player_games
    left join context
        on chosen_player_games.player_id = context.player_id
            and chosen_player_games.game_id = context.game_id
    left join team_games
        on chosen_player_games.game_id = team_games.game_id
            and chosen_player_games.team_id = team_games.team_id
    where chosen_player_games.games_ago <= 10
)

select * from final
order by player_id asc, game_date desc
