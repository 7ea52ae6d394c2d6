-- Player points must add up to the team's points in every game. Trivially true where the
-- team box score was summed from the players; a real cross-source check where it comes
-- from the official team log. Returns the games and teams that disagree.
with

player_totals as (
    select
        game_id,
        team_id,
        sum(points) as player_points
    from {{ ref('player_game_summary') }}
    group by game_id, team_id
)

select
    team.game_id,
    team.team_id,
    team.team_stats_source,
    team.points as team_points,
    player_totals.player_points
from {{ ref('team_offense_game_summary') }} as team
left join player_totals
    on team.game_id = player_totals.game_id
        and team.team_id = player_totals.team_id
where player_totals.player_points is null
    or player_totals.player_points <> team.points
