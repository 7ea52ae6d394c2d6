{#-
  Player x game pre-game context: for every played game (history) and every scheduled game of
  the next game day (tonight), the players expected to play by one rule (int_context_player_games),
  their rest and recent load, the team's and opponent's rest, the points line (current,
  opening, movement, books) and the game lines. The same SQL produces both kinds of row; only
  game_status tells them apart. Every value uses games dated before game_date and line
  snapshots taken before tip-off; last_source_game_date names the latest game date used.
-#}

with

players as (
    select * from {{ ref('int_context_player_games') }}
),

teams as (
    select * from {{ ref('upcoming_team_game_context') }}
),

lines as (
    select * from {{ ref('int_player_points_lines_selected') }}
),

joined as (
    select
        players.player_id,
        players.player_name,
        teams.game_key,
        teams.game_id,
        teams.game_date,
        teams.tip_off_at,
        teams.season,
        teams.season_type,
        teams.game_status,
        teams.team_abbr,
        teams.opponent_team_abbr,
        teams.is_home,
        players.days_rest,
        players.is_back_to_back,
        players.games_last_7_days,
        players.games_last_14_days,
        players.minutes_last_7_days,
        players.minutes_last_14_days,
        teams.days_rest as team_days_rest,
        teams.is_back_to_back as team_is_back_to_back,
        teams.opponent_days_rest,
        teams.opponent_is_back_to_back,
        coalesce(lines.has_line, false) as has_line,
        lines.current_line as current_points_line,
        lines.opening_line as opening_points_line,
        lines.line_movement,
        lines.current_line_book,
        lines.current_line_feed,
        lines.current_line_snapshot_at,
        lines.current_line_snapshot_precision,
        lines.opening_line_snapshot_at,
        lines.line_snapshot_count,
        coalesce(lines.line_book_count, 0) as line_book_count,
        lines.line_book_spread,
        coalesce(lines.snapshots_excluded_after_tip_off, 0)
            as line_snapshots_excluded_after_tip_off,
        teams.has_game_lines,
        teams.game_spread,
        teams.game_total,
        teams.implied_team_total,
        players.previous_appearance_date,
        teams.last_source_game_date as team_last_source_game_date
    from players
    inner join teams
        on players.game_key = teams.game_key
            and players.team_abbr = teams.team_abbr
    left join lines
        on players.player_id = lines.player_id
            and players.game_key = lines.game_key
)

select
    *,
    case
        when team_last_source_game_date is null then previous_appearance_date
        when previous_appearance_date > team_last_source_game_date then previous_appearance_date
        else team_last_source_game_date
    end as last_source_game_date
from joined
