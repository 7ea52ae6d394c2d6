{#-
  Team x game pre-game context: every played game (history) and every scheduled game of the
  next game day (tonight), built by the same SQL. Values use only played games dated before
  the game and line snapshots taken before tip-off. Game lines are from the team's own side.
-#}

with

team_games as (
    select * from {{ ref('int_context_team_games') }}
),

game_lines as (
    select * from {{ ref('int_game_lines_selected') }}
)

select
    team_games.game_key,
    team_games.game_id,
    team_games.game_date,
    team_games.tip_off_at,
    team_games.season,
    team_games.season_type,
    team_games.status as game_status,
    team_games.team_abbr,
    team_games.opponent_team_abbr,
    team_games.is_home,
    team_games.days_rest,
    team_games.is_back_to_back,
    team_games.games_last_7_days,
    team_games.games_last_14_days,
    team_games.opponent_days_rest,
    team_games.opponent_is_back_to_back,
    team_games.opponent_games_last_7_days,
    team_games.opponent_games_last_14_days,
    game_lines.game_key is not null as has_game_lines,
    case when team_games.is_home then game_lines.home_spread else game_lines.away_spread end
        as game_spread,
    case
        when team_games.is_home then game_lines.opening_home_spread else
            game_lines.opening_away_spread
    end
        as opening_game_spread,
    game_lines.game_total,
    game_lines.opening_game_total,
    -- The points the market expects of this team: half the total, minus half its own spread
    -- (a 6-point favourite in a 220 game: 110 + 3 = 113).
    game_lines.game_total / 2
    - (case when team_games.is_home then game_lines.home_spread else game_lines.away_spread end) / 2
        as implied_team_total,
    game_lines.game_line_book,
    game_lines.game_line_snapshot_at,
    team_games.previous_game_date,
    team_games.opponent_previous_game_date,
    -- The latest game date any value in this row was computed from.
    case
        when team_games.opponent_previous_game_date is null then team_games.previous_game_date
        when team_games.previous_game_date is null then team_games.opponent_previous_game_date
        when team_games.previous_game_date > team_games.opponent_previous_game_date
            then team_games.previous_game_date
        else team_games.opponent_previous_game_date
    end as last_source_game_date
from team_games
left join game_lines
    on team_games.game_key = game_lines.game_key
