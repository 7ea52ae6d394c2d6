{#-
  One game line (spread and total) per game from The Odds API, chosen like the points lines:
  snapshots before tip-off only (the earlier of the scheduled tip-off and the commence_time),
  the highest-priority book that has one (seeds/points_line_book_priority.csv), its latest
  snapshot for the current line and its earliest for the opening line. Both teams' spreads
  come from the same book and snapshot, so they are each other's negative whenever the book
  quotes them so (a test checks they sum to zero).
-#}

with

teams as (
    select
        team_abbr,
        odds_api_team_name
    from {{ ref('nba_teams') }}
),

priority as (
    select
        book_key,
        priority
    from {{ ref('points_line_book_priority') }}
),

schedule as (
    select
        game_key,
        tip_off_at
    from {{ ref('game_schedule') }}
),

keyed as (
    select
        replace(
            cast(
                {{ utc_to_local_date('game_lines.commence_at', 'America/New_York') }}
                as {{ dbt.type_string() }}
            ),
            '-',
            ''
        )
        || '_' || away.team_abbr || '_' || home.team_abbr as game_key,
        game_lines.*
    from {{ ref('stg_odds_api__game_lines') }} as game_lines
    inner join teams as home
        on game_lines.home_team_name = home.odds_api_team_name
    inner join teams as away
        on game_lines.away_team_name = away.odds_api_team_name
),

counted as (
    select
        keyed.*,
        coalesce(priority.priority, 999) as book_priority
    from keyed
    left join schedule
        on keyed.game_key = schedule.game_key
    left join priority
        on keyed.book_key = priority.book_key
    where (keyed.home_spread is not null or keyed.game_total is not null)
        and keyed.snapshot_at < keyed.commence_at
        and (schedule.tip_off_at is null or keyed.snapshot_at < schedule.tip_off_at)
),

book_rank as (
    select
        game_key,
        book_key,
        row_number() over (partition by game_key order by book_priority, book_key) as book_choice
    from (
        select distinct
            game_key,
            book_key,
            book_priority
        from counted
    ) as books
),

chosen as (
    select
        counted.*,
        row_number() over (
            partition by counted.game_key
            order by counted.snapshot_at desc, counted.source_landed_path desc
        ) as latest_rank,
        row_number() over (
            partition by counted.game_key
            order by counted.snapshot_at asc, counted.source_landed_path desc
        ) as earliest_rank
    from counted
    inner join book_rank
        on counted.game_key = book_rank.game_key
            and counted.book_key = book_rank.book_key
            and book_rank.book_choice = 1
)

select
    current_line.game_key,
    current_line.book_key as game_line_book,
    current_line.snapshot_at as game_line_snapshot_at,
    current_line.home_spread,
    current_line.away_spread,
    current_line.game_total,
    opening_line.home_spread as opening_home_spread,
    opening_line.away_spread as opening_away_spread,
    opening_line.game_total as opening_game_total
from chosen as current_line
inner join chosen as opening_line
    on current_line.game_key = opening_line.game_key
        and opening_line.earliest_rank = 1
where current_line.latest_rank = 1
