{#-
  One points line per player and game, chosen the same way every time.

  Which snapshots count: only those taken before tip-off. Tip-off is the earliest of the
  game's scheduled time (game_schedule.tip_off_at) and the commence_time the row itself
  advertises; with neither, midnight UTC at the start of the game date (earlier than any NBA
  tip-off). A pick'em row the API had already stamped with the actual tip-off
  (is_in_game_listing) never counts. Excluded snapshots are counted, not hidden.

  Which book: the highest in seeds/points_line_book_priority.csv (DraftKings, FanDuel, BetMGM,
  Caesars, other sportsbooks, then PrizePicks, Underdog, then a user's unnamed book) that has a
  counted snapshot; a book missing from the seed ranks after all of them; equal ranks fall
  back to the book key. Current and opening lines come from that one book, so the movement
  is one book's movement:
    current_line   its latest counted snapshot (ties: the higher line, then the later file)
    opening_line   its earliest counted snapshot (same tie-break)
    line_movement  current - opening
  Across books: line_book_count books with a counted line, line_book_spread the range of
  their latest lines (max - min).
-#}

with

lines as (
    select *
    from {{ ref('int_player_points_lines') }}
    where is_matched
),

priority as (
    select
        book_key,
        priority
    from {{ ref('points_line_book_priority') }}
),

timed as (
    select
        lines.*,
        coalesce(priority.priority, 999) as book_priority,
        coalesce(
            case
                when lines.tip_off_at is null then lines.commence_at
                when lines.commence_at is null then lines.tip_off_at
                when lines.commence_at < lines.tip_off_at then lines.commence_at
                else lines.tip_off_at
            end,
            {{ date_start_utc('lines.game_date') }}
        ) as tip_off_bound_at
    from lines
    left join priority
        on lines.book_key = priority.book_key
),

flagged as (
    select
        *,
        snapshot_at < tip_off_bound_at and not is_in_game_listing as is_before_tip_off
    from timed
),

counted as (
    select *
    from flagged
    where is_before_tip_off
),

book_rank as (
    select
        player_id,
        game_key,
        book_key,
        row_number() over (
            partition by player_id, game_key
            order by book_priority, book_key
        ) as book_choice
    from (
        select distinct
            player_id,
            game_key,
            book_key,
            book_priority
        from counted
    ) as books
),

ordered as (
    select
        counted.*,
        row_number() over (
            partition by counted.player_id, counted.game_key, counted.book_key
            order by counted.snapshot_at desc, counted.line desc, counted.source_landed_path desc
        ) as latest_rank,
        row_number() over (
            partition by counted.player_id, counted.game_key, counted.book_key
            order by counted.snapshot_at asc, counted.line desc, counted.source_landed_path desc
        ) as earliest_rank,
        count(*) over (
            partition by counted.player_id, counted.game_key, counted.book_key
        ) as book_snapshot_count
    from counted
),

chosen as (
    select ordered.*
    from ordered
    inner join book_rank
        on ordered.player_id = book_rank.player_id
            and ordered.game_key = book_rank.game_key
            and ordered.book_key = book_rank.book_key
            and book_rank.book_choice = 1
),

current_line as (
    select * from chosen
    where latest_rank = 1
),

opening_line as (
    select * from chosen
    where earliest_rank = 1
),

across_books as (
    select
        player_id,
        game_key,
        count(distinct book_key) as line_book_count,
        max(line) - min(line) as line_book_spread,
        min(line) as min_book_line,
        max(line) as max_book_line
    from ordered
    where latest_rank = 1
    group by player_id, game_key
),

all_player_games as (
    select
        player_id,
        game_key,
        max(game_id) as game_id,
        max(game_date) as game_date,
        max(player_name) as player_name,
        max(tip_off_bound_at) as tip_off_bound_at,
        count(*) as line_rows,
        sum(case when is_before_tip_off then 0 else 1 end) as snapshots_excluded_after_tip_off
    from flagged
    group by player_id, game_key
)

select
    all_player_games.player_id,
    all_player_games.game_key,
    all_player_games.game_id,
    all_player_games.game_date,
    all_player_games.player_name as line_player_name,
    all_player_games.tip_off_bound_at,
    current_line.line is not null as has_line,
    current_line.line as current_line,
    current_line.feed as current_line_feed,
    current_line.book_key as current_line_book,
    current_line.snapshot_at as current_line_snapshot_at,
    current_line.snapshot_precision as current_line_snapshot_precision,
    current_line.over_price as current_line_over_price,
    current_line.under_price as current_line_under_price,
    current_line.price_format as current_line_price_format,
    opening_line.line as opening_line,
    opening_line.snapshot_at as opening_line_snapshot_at,
    current_line.line - opening_line.line as line_movement,
    current_line.book_snapshot_count as line_snapshot_count,
    coalesce(across_books.line_book_count, 0) as line_book_count,
    across_books.line_book_spread,
    across_books.min_book_line,
    across_books.max_book_line,
    all_player_games.line_rows,
    all_player_games.snapshots_excluded_after_tip_off
from all_player_games
left join current_line
    on all_player_games.player_id = current_line.player_id
        and all_player_games.game_key = current_line.game_key
left join opening_line
    on all_player_games.player_id = opening_line.player_id
        and all_player_games.game_key = opening_line.game_key
left join across_books
    on all_player_games.player_id = across_books.player_id
        and all_player_games.game_key = across_books.game_key
