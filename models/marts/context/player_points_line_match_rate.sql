{#-
  How many line rows were matched to an NBA.com player (and a game), per feed and season, plus
  one 'all' row per season. Counted twice: over line rows (one per book, snapshot and player)
  and over distinct player-names per game. Also how many matched player-games have a row in
  upcoming_player_game_context (the rest: players outside the population rule, e.g. back from
  a long absence or traded and not yet played for the new team, and games we hold no box
  score for).
-#}

with

context_rows as (
    select distinct
        player_id,
        game_key
    from {{ ref('upcoming_player_game_context') }}
),

lines as (
    select
        line_rows.feed,
        case when context_rows.player_id is not null then 1 else 0 end as has_context_row,
        coalesce(
            line_rows.season,
            {{ season_label(season_start_year_of('line_rows.game_date')) }}
        ) as season,
        line_rows.game_date,
        coalesce(
            line_rows.game_key,
            cast(line_rows.game_date as {{ dbt.type_string() }})
            || '_'
            || coalesce(line_rows.home_team_abbr, '?')
        ) as game_ref,
        line_rows.player_name_key,
        line_rows.is_matched,
        line_rows.match_status
    from {{ ref('int_player_points_lines') }} as line_rows
    left join context_rows
        on line_rows.player_id = context_rows.player_id
            and line_rows.game_key = context_rows.game_key
),

by_feed as (
    select
        feed,
        season,
        game_date,
        game_ref,
        player_name_key,
        is_matched,
        match_status,
        has_context_row
    from lines
    union all
    select
        'all' as feed,
        season,
        game_date,
        game_ref,
        player_name_key,
        is_matched,
        match_status,
        has_context_row
    from lines
)

select
    feed,
    season,
    min(game_date) as first_game_date,
    max(game_date) as last_game_date,
    count(*) as line_rows,
    sum(case when is_matched then 1 else 0 end) as matched_line_rows,
    round(sum(case when is_matched then 1 else 0 end) / cast(count(*) as {{ dbt.type_float() }}), 4)
        as line_row_match_rate,
    count(distinct game_ref || '|' || player_name_key) as player_games,
    count(distinct case when is_matched then game_ref || '|' || player_name_key end)
        as matched_player_games,
    round(
        count(distinct case when is_matched then game_ref || '|' || player_name_key end)
        / cast(count(distinct game_ref || '|' || player_name_key) as {{ dbt.type_float() }}),
        4
    ) as player_game_match_rate,
    count(distinct case when has_context_row = 1 then game_ref || '|' || player_name_key end)
        as matched_player_games_with_context_row,
    sum(case when match_status in ('alias_in_game_teams') then 1 else 0 end) as matched_by_alias,
    sum(case when match_status = 'name_in_league' then 1 else 0 end) as matched_outside_game_teams,
    sum(case when match_status = 'game_not_found' then 1 else 0 end) as game_not_found,
    sum(case when match_status = 'no_player_with_this_name' then 1 else 0 end)
        as no_player_with_this_name,
    sum(
        case
            when match_status in ('ambiguous_in_game_teams', 'ambiguous_in_league') then 1 else 0
        end
    ) as ambiguous
from by_feed
group by feed, season
