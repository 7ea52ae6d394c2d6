-- The defence mart is the offence mart seen from the other bench: points allowed by a team
-- must equal the points its opponent scored, and both sides share one pace.
select
    defense.game_id,
    defense.defending_team_id,
    defense.points_allowed,
    offense.points as opponent_points_scored,
    defense.pace as defense_pace,
    offense.pace as offense_pace
from {{ ref('team_defense_game_summary') }} as defense
inner join {{ ref('team_offense_game_summary') }} as offense
    on defense.game_id = offense.game_id
        and defense.opponent_team_id = offense.team_id
where defense.points_allowed <> offense.points
    or abs(defense.pace - offense.pace) > 0.0001
