{{ config(materialized='table') }}
{#-
  Every field-goal attempt from every play-by-play feed, in one shape, with its team, its
  shooter's NBA.com player id and its zone (the one definition: macros/nba/shot_zones.sql).

  Feeds: bigdataball (CSV), nba_cdn (liveData JSON), nba_stats_pbp (stats.nba.com
  playbyplay v1/v2). A game can be in several feeds; which one supplies a game's zones is
  decided in int_shot_zone_game_sources, not here.

  Team: the feed's team id (cdn, v2), else the team code (BigDataBall) or the home/visitor
  side (v1) resolved through that game's box scores.
  Shooter (player_match):
    source_id          the feed's own person id (cdn, v2)
    full_name          BigDataBall's full name = a team player's name, accents folded and
                       Jr./Sr./II/III/IV/V dropped
    initial_last_name  v1 text starts with a first-name prefix and the last name ("G. Hill",
                       "Mark Morris"): one of the team's players in that game
    last_name          v1 text starts with the last name ("Covington 27' 3PT Jump Shot")
    ambiguous          two team-mates fit equally well (the Brooks of Memphis): left NULL
    unmatched          nobody fits (a name changed since, e.g. Enes Kanter, logged today as
                       Enes Freedom): left NULL
  Unattributed shots still count for the team; they show up as player-level mismatches.
-#}

with

box_scores as (
    select
        game_id,
        team_id,
        team_abbr,
        is_home
    from {{ ref('int_team_game_box_scores_unified') }}
),

roster as (
    select
        game_id,
        team_id,
        player_id,
        name_key,
        case when strpos(name_key, ' ') > 0
                then substr(name_key, 1, strpos(name_key, ' ') - 1)
            else name_key
        end as first_key,
        case when strpos(name_key, ' ') > 0
                then substr(name_key, strpos(name_key, ' ') + 1)
            else name_key
        end as last_key
    from (
        select
            game_id,
            team_id,
            player_id,
            {{ regex_replace(fold_ascii('player_name'), ' (Jr[.]|Sr[.]|II|III|IV|V)$', '') }}
                as name_key
        from {{ ref('stg_nba_stats__player_game_logs') }}
    ) as named
),

cdn as (
    select
        'nba_cdn' as shot_feed,
        game_id,
        action_number as event_num,
        period,
        seconds_remaining,
        team_id,
        player_id as source_player_id,
        player_name_initial as shooter_text,
        is_made,
        is_three,
        distance_ft,
        distance_ft as zone_distance_ft,
        x_ft,
        y_ft,
        is_assisted,
        assist_player_id,
        blocked_by_player_id,
        blocked_by_text,
        source_fetched_at
    from {{ ref('stg_nba_cdn__shots') }}
),

stats_pbp as (
    select
        'nba_stats_pbp' as shot_feed,
        shots.game_id,
        shots.event_num,
        shots.period,
        cast(shots.seconds_remaining as {{ dbt.type_float() }}) as seconds_remaining,
        coalesce(shots.team_id, side_team.team_id) as team_id,
        shots.player_id as source_player_id,
        shots.shooter_text,
        shots.is_made,
        shots.is_three,
        shots.distance_ft,
        shots.zone_distance_ft,
        cast(null as {{ dbt.type_float() }}) as x_ft,
        cast(null as {{ dbt.type_float() }}) as y_ft,
        shots.is_assisted,
        shots.assist_player_id,
        shots.blocked_by_player_id,
        shots.blocked_by_text,
        shots.source_fetched_at
    from {{ ref('stg_nba_stats__play_by_play_shots') }} as shots
    left join box_scores as side_team
        on shots.game_id = side_team.game_id
            and side_team.is_home = (shots.shooting_side = 'home')
),

bigdataball as (
    select
        'bigdataball' as shot_feed,
        shots.game_id,
        shots.play_id as event_num,
        shots.period,
        cast(shots.seconds_remaining as {{ dbt.type_float() }}) as seconds_remaining,
        team.team_id,
        cast(null as {{ dbt.type_bigint() }}) as source_player_id,
        shots.player_name as shooter_text,
        shots.is_made,
        shots.is_three,
        shots.distance_ft,
        shots.distance_ft as zone_distance_ft,
        shots.x_ft,
        shots.y_ft,
        shots.is_assisted,
        cast(null as {{ dbt.type_bigint() }}) as assist_player_id,
        cast(null as {{ dbt.type_bigint() }}) as blocked_by_player_id,
        shots.blocked_by_text,
        shots.source_fetched_at
    from {{ ref('stg_bigdataball__shots') }} as shots
    left join box_scores as team
        on shots.game_id = team.game_id
            and shots.team_abbr = team.team_abbr
),

all_shots as (
    select * from cdn
    union all
    select * from stats_pbp
    union all
    select * from bigdataball
),

to_name as (
    select
        shot_feed,
        game_id,
        event_num,
        team_id,
        text_key,
        {{ regex_capture('text_key', '^([^ ]+) ') }} as first_token
    from (
        select
            shot_feed,
            game_id,
            event_num,
            team_id,
            {{ regex_replace(fold_ascii('shooter_text'), ' (Jr[.]|Sr[.]|II|III|IV|V)$', '') }}
                as text_key
        from all_shots
        where source_player_id is null
            and team_id is not null
            and shooter_text is not null
    ) as keyed
),

candidates as (
    select
        to_name.shot_feed,
        to_name.game_id,
        to_name.event_num,
        roster.player_id,
        case
            when to_name.shot_feed = 'bigdataball' and to_name.text_key = roster.name_key
                then 'full_name'
            when to_name.shot_feed = 'nba_stats_pbp'
                and length(replace(to_name.first_token, '.', '')) > 0
                and substr(roster.first_key, 1, length(replace(to_name.first_token, '.', '')))
                = replace(to_name.first_token, '.', '')
                and substr(
                    to_name.text_key, length(to_name.first_token) + 2,
                    length(roster.last_key) + 1
                ) = roster.last_key || ' '
                then 'initial_last_name'
            when to_name.shot_feed = 'nba_stats_pbp'
                and substr(to_name.text_key, 1, length(roster.last_key) + 1)
                = roster.last_key || ' '
                then 'last_name'
        end as match_kind
    from to_name
    inner join roster
        on to_name.game_id = roster.game_id
            and to_name.team_id = roster.team_id
),

ranked_candidates as (
    select
        *,
        -- The more specific evidence wins: a first-name prefix plus last name beats a bare
        -- last name ("Mark Morris" is not Marcus Morris).
        case match_kind when 'last_name' then 2 else 1 end as match_rank
    from candidates
    where match_kind is not null
),

best_matches as (
    select
        shot_feed,
        game_id,
        event_num,
        min(match_rank) as best_rank
    from ranked_candidates
    group by shot_feed, game_id, event_num
),

resolved as (
    select
        ranked_candidates.shot_feed,
        ranked_candidates.game_id,
        ranked_candidates.event_num,
        count(*) as players_matched,
        max(ranked_candidates.player_id) as player_id,
        max(ranked_candidates.match_kind) as match_kind
    from ranked_candidates
    inner join best_matches
        on ranked_candidates.shot_feed = best_matches.shot_feed
            and ranked_candidates.game_id = best_matches.game_id
            and ranked_candidates.event_num = best_matches.event_num
            and ranked_candidates.match_rank = best_matches.best_rank
    group by ranked_candidates.shot_feed, ranked_candidates.game_id, ranked_candidates.event_num
),

attributed as (
    select
        all_shots.*,
        case
            when all_shots.source_player_id is not null then all_shots.source_player_id
            when resolved.players_matched = 1 then resolved.player_id
        end as player_id,
        case
            when all_shots.source_player_id is not null then 'source_id'
            when resolved.players_matched = 1 then resolved.match_kind
            when resolved.players_matched > 1 then 'ambiguous'
            else 'unmatched'
        end as player_match
    from all_shots
    left join resolved
        on all_shots.shot_feed = resolved.shot_feed
            and all_shots.game_id = resolved.game_id
            and all_shots.event_num = resolved.event_num
)

select
    shot_feed,
    case when shot_feed = 'bigdataball' then 'bigdataball' else 'nbac_pbp' end
        as shot_zone_source,
    game_id,
    event_num,
    period,
    seconds_remaining,
    team_id,
    player_id,
    player_match,
    shooter_text,
    is_made,
    is_three,
    distance_ft,
    x_ft,
    y_ft,
    {{ shot_zone_columns('is_three', 'zone_distance_ft', 'x_ft', 'y_ft') }},
    is_assisted,
    assist_player_id,
    blocked_by_player_id,
    blocked_by_text,
    source_fetched_at
from attributed
