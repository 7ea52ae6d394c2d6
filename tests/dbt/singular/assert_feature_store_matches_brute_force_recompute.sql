-- Leakage guard by recomputation: for a deterministic 5% sample of feature rows, recompute
-- the player's last-5 / last-10 / season points and last-10 minutes the slow, obvious way (a
-- self-join on earlier dates of the same season, ranked newest first) and compare with the
-- store. Any window that included the game itself, or a later one, shows up here.
with

sample as (
    select
        player_id,
        game_id,
        season,
        game_date,
        points_avg_last_5,
        points_avg_last_10,
        points_avg_season,
        minutes_avg_last_10
    from {{ ref('ml_feature_store') }}
    where mod(cast(substr(game_id, 8, 3) as {{ dbt.type_int() }}), 20) = 0
),

earlier_games as (
    select
        sample.player_id,
        sample.game_id,
        history.points,
        history.minutes,
        row_number() over (
            partition by sample.player_id, sample.game_id
            order by history.game_date desc, history.game_id desc
        ) as games_ago
    from sample
    inner join {{ ref('player_game_summary') }} as history
        on sample.player_id = history.player_id
            and sample.season = history.season
            and sample.game_date > history.game_date
),

recomputed as (
    select
        player_id,
        game_id,
        avg(case when games_ago <= 5 then points end) as points_avg_last_5,
        avg(case when games_ago <= 10 then points end) as points_avg_last_10,
        avg(points) as points_avg_season,
        avg(case when games_ago <= 10 then minutes end) as minutes_avg_last_10
    from earlier_games
    group by player_id, game_id
)

select
    sample.player_id,
    sample.game_id,
    sample.game_date,
    sample.points_avg_last_5 as store_points_avg_last_5,
    recomputed.points_avg_last_5 as recomputed_points_avg_last_5,
    sample.points_avg_season as store_points_avg_season,
    recomputed.points_avg_season as recomputed_points_avg_season
from sample
left join recomputed
    on sample.player_id = recomputed.player_id
        and sample.game_id = recomputed.game_id
where
    -- a first game of the season has no history: the store must say NULL, not a default
    (recomputed.player_id is null and (
        sample.points_avg_last_5 is not null or sample.points_avg_season is not null
    ))
    or abs(sample.points_avg_last_5 - recomputed.points_avg_last_5) > 1e-9
    or abs(sample.points_avg_last_10 - recomputed.points_avg_last_10) > 1e-9
    or abs(sample.points_avg_season - recomputed.points_avg_season) > 1e-9
    or abs(sample.minutes_avg_last_10 - recomputed.minutes_avg_last_10) > 1e-9
    or (recomputed.player_id is not null and sample.points_avg_last_5 is null)
