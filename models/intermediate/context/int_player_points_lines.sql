{{ config(materialized="table") }}

{#-
  Every player points line from every feed, one row per feed row (book, snapshot, player and
  game), with the game it is for and the NBA.com player it names. Nothing is dropped here:
  rows that match no game or no player keep a NULL game_key / player_id and a match_status
  saying why (player_points_lines_unmatched lists them).

  Game: feeds that name both teams (The Odds API, pick'em) key the game by the US Eastern
  date of commence_time and the two team codes; a user's line by its game_date and team.

  Player: names are compared on player_name_key() (accents folded, punctuation and a trailing
  Jr/Sr/II/III/IV dropped), through the alias seed, among the players who appeared for either
  of the game's two teams in the game's season or the one before (opening nights and trades);
  if that finds nobody, among every player of those seasons, when exactly one has the name.
  Two candidates are never resolved by guessing.
-#}

with

teams as (
    select
        team_abbr,
        odds_api_team_name
    from {{ ref('nba_teams') }}
),

aliases as (
    select
        {{ player_name_key('feed_player_name') }} as feed_name_key,
        {{ player_name_key('nba_player_name') }} as nba_name_key
    from {{ ref('player_name_aliases') }}
),

schedule as (
    select
        game_key,
        game_id,
        game_date,
        tip_off_at,
        season,
        home_team_abbr,
        away_team_abbr
    from {{ ref('game_schedule') }}
),

feed_rows as (
    select
        feed,
        event_id,
        commence_at,
        home_team_name,
        away_team_name,
        book_key,
        player_name,
        line,
        over_line,
        under_line,
        over_price,
        under_price,
        price_format,
        distinct_points,
        snapshot_at,
        snapshot_precision,
        false as is_in_game_listing,
        source_landed_path
    from {{ ref('stg_odds_api__player_points') }}
    union all
    select
        feed,
        event_id,
        commence_at,
        home_team_name,
        away_team_name,
        book_key,
        player_name,
        line,
        over_line,
        under_line,
        over_price,
        under_price,
        price_format,
        distinct_points,
        snapshot_at,
        snapshot_precision,
        is_in_game_listing,
        source_landed_path
    from {{ ref('stg_pickem_lines__player_points') }}
),

feed_keyed as (
    select
        feed_rows.feed,
        feed_rows.event_id,
        feed_rows.commence_at,
        {{ utc_to_local_date('feed_rows.commence_at', 'America/New_York') }} as game_date,
        home.team_abbr as home_team_abbr,
        away.team_abbr as away_team_abbr,
        cast(null as {{ dbt.type_string() }}) as stated_team_abbr,
        cast(null as {{ dbt.type_bigint() }}) as stated_player_id,
        feed_rows.book_key,
        feed_rows.player_name,
        feed_rows.line,
        feed_rows.over_line,
        feed_rows.under_line,
        feed_rows.over_price,
        feed_rows.under_price,
        feed_rows.price_format,
        feed_rows.distinct_points,
        feed_rows.snapshot_at,
        feed_rows.snapshot_precision,
        feed_rows.is_in_game_listing,
        feed_rows.source_landed_path
    from feed_rows
    left join teams as home
        on feed_rows.home_team_name = home.odds_api_team_name
    left join teams as away
        on feed_rows.away_team_name = away.odds_api_team_name
),

user_keyed as (
    select
        user_rows.feed,
        cast(null as {{ dbt.type_string() }}) as event_id,
        cast(null as {{ dbt.type_timestamp() }}) as commence_at,
        user_rows.game_date,
        schedule.home_team_abbr,
        schedule.away_team_abbr,
        user_rows.team_abbr as stated_team_abbr,
        user_rows.player_id as stated_player_id,
        user_rows.book_key,
        user_rows.player_name,
        user_rows.line,
        user_rows.line as over_line,
        cast(null as {{ dbt.type_float() }}) as under_line,
        cast(null as {{ dbt.type_float() }}) as over_price,
        cast(null as {{ dbt.type_float() }}) as under_price,
        cast(null as {{ dbt.type_string() }}) as price_format,
        1 as distinct_points,
        user_rows.snapshot_at,
        user_rows.snapshot_precision,
        false as is_in_game_listing,
        user_rows.source_landed_path
    from {{ ref('stg_user_lines__player_points') }} as user_rows
    left join schedule
        on user_rows.game_date = schedule.game_date
            and (
                user_rows.team_abbr = schedule.home_team_abbr
                or user_rows.team_abbr = schedule.away_team_abbr
            )
            and (
                user_rows.opponent_abbr is null
                or user_rows.opponent_abbr in (schedule.home_team_abbr, schedule.away_team_abbr)
            )
),

all_lines as (
    select * from feed_keyed
    union all
    select * from user_keyed
),

lines as (
    select
        all_lines.*,
        case
            when all_lines.home_team_abbr is not null and all_lines.away_team_abbr is not null
                then replace(cast(all_lines.game_date as {{ dbt.type_string() }}), '-', '') || '_'
                    || all_lines.away_team_abbr || '_' || all_lines.home_team_abbr
        end as game_key,
        {{ season_start_year_of('all_lines.game_date') }} as season_start_year,
        {{ player_name_key('all_lines.player_name') }} as player_name_key
    from all_lines
),

named as (
    select
        lines.*,
        aliases.nba_name_key is not null as used_alias,
        coalesce(aliases.nba_name_key, lines.player_name_key) as lookup_name_key
    from lines
    left join aliases
        on lines.player_name_key = aliases.feed_name_key
),

player_names as (
    select distinct
        season_start_year,
        team_abbr,
        player_id,
        player_name
    from {{ ref('player_game_summary') }}
),

candidates as (
    select
        season_start_year,
        team_abbr,
        player_id,
        {{ player_name_key('player_name') }} as name_key
    from player_names
),

match_keys as (
    select distinct
        season_start_year,
        home_team_abbr,
        away_team_abbr,
        lookup_name_key
    from named
),

in_game_teams as (
    select
        match_keys.season_start_year,
        match_keys.home_team_abbr,
        match_keys.away_team_abbr,
        match_keys.lookup_name_key,
        count(distinct candidates.player_id) as candidate_count,
        min(candidates.player_id) as player_id
    from match_keys
    inner join candidates
        on match_keys.lookup_name_key = candidates.name_key
            and candidates.team_abbr in (match_keys.home_team_abbr, match_keys.away_team_abbr)
            and candidates.season_start_year between match_keys.season_start_year
            - 1 and match_keys.season_start_year
    group by 1, 2, 3, 4
),

in_league as (
    select
        match_keys.season_start_year,
        match_keys.lookup_name_key,
        count(distinct candidates.player_id) as candidate_count,
        min(candidates.player_id) as player_id
    from (
        select distinct
            season_start_year,
            lookup_name_key
        from match_keys
    ) as match_keys
    inner join candidates
        on match_keys.lookup_name_key = candidates.name_key
            and candidates.season_start_year between match_keys.season_start_year
            - 1 and match_keys.season_start_year
    group by 1, 2
),

matched as (
    select
        named.*,
        schedule.game_id,
        schedule.tip_off_at,
        schedule.season,
        case
            when named.stated_player_id is not null then named.stated_player_id
            when in_game_teams.candidate_count = 1 then in_game_teams.player_id
            when in_game_teams.candidate_count is null and in_league.candidate_count = 1
                then in_league.player_id
        end as player_id,
        case
            when schedule.game_key is null then 'game_not_found'
            when named.stated_player_id is not null then 'player_id_given'
            when in_game_teams.candidate_count = 1 and named.used_alias then 'alias_in_game_teams'
            when in_game_teams.candidate_count = 1 then 'name_in_game_teams'
            when in_game_teams.candidate_count > 1 then 'ambiguous_in_game_teams'
            when in_league.candidate_count = 1 then 'name_in_league'
            when in_league.candidate_count > 1 then 'ambiguous_in_league'
            else 'no_player_with_this_name'
        end as match_status
    from named
    left join schedule
        on named.game_key = schedule.game_key
    left join in_game_teams
        on named.season_start_year = in_game_teams.season_start_year
            and named.home_team_abbr = in_game_teams.home_team_abbr
            and named.away_team_abbr = in_game_teams.away_team_abbr
            and named.lookup_name_key = in_game_teams.lookup_name_key
    left join in_league
        on named.season_start_year = in_league.season_start_year
            and named.lookup_name_key = in_league.lookup_name_key
)

select
    feed,
    book_key,
    event_id,
    case when match_status = 'game_not_found' then null else game_key end as game_key,
    game_id,
    game_date,
    season,
    home_team_abbr,
    away_team_abbr,
    stated_team_abbr,
    commence_at,
    tip_off_at,
    player_name,
    player_name_key,
    case when match_status = 'game_not_found' then null else player_id end as player_id,
    match_status,
    match_status in (
        'player_id_given', 'alias_in_game_teams', 'name_in_game_teams', 'name_in_league'
    )
        as is_matched,
    line,
    over_line,
    under_line,
    over_price,
    under_price,
    price_format,
    distinct_points,
    snapshot_at,
    snapshot_precision,
    is_in_game_listing,
    source_landed_path
from matched
