"""What a person needs after the main job: where the warehouse is, what is in it, what to ask."""

from __future__ import annotations

from pathlib import Path

import duckdb

MARTS = (
    "player_game_summary",
    "team_offense_game_summary",
    "team_defense_game_summary",
    "upcoming_player_game_context",
    "upcoming_team_game_context",
)

EXAMPLE_QUERIES = """\
-- Top scorers of the last bundled season, with true shooting and usage:
select player_name, count(*) as games, round(avg(points), 1) as ppg,
       round(avg(ts_pct), 3) as ts, round(avg(usage_rate), 1) as usg
from marts.player_game_summary
where season = '2024-25'
group by player_name having count(*) >= 40
order by ppg desc limit 10;

-- Fastest and slowest teams, with the source of their team totals:
select season, team_abbr, round(avg(pace), 1) as pace,
       round(avg(offensive_rating), 1) as ortg, any_value(team_stats_source) as source
from marts.team_offense_game_summary
group by season, team_abbr order by season, pace desc;

-- Which players had a points line before tip-off, and how it moved (tonight's games:
-- game_status = 'scheduled'; in the bundled demo replay with `ingest bundled --through`):
select game_date, player_name, team_abbr, opponent_team_abbr, opening_points_line,
       current_points_line, line_movement, current_line_book, line_book_count, days_rest
from marts.upcoming_player_game_context
where has_line and game_date = (select max(game_date) from marts.upcoming_player_game_context
                                where has_line)
order by abs(line_movement) desc, current_points_line desc limit 15;

-- How many line rows were matched to NBA.com players:
select * from marts.player_points_line_match_rate;

-- Best defences by rating:
select season, defending_team_abbr, round(avg(defensive_rating), 1) as drtg
from marts.team_defense_game_summary
group by season, defending_team_abbr order by season, drtg limit 10;
"""


def mart_counts(database: Path) -> list[tuple[str, str, int]]:
    """(mart, season, rows) for every mart that exists."""
    # Not read-only: dbt may still hold this file open in-process, and DuckDB refuses a
    # second connection with a different configuration.
    with duckdb.connect(str(database)) as con:
        counts: list[tuple[str, str, int]] = []
        for mart in MARTS:
            rows = con.execute(
                f"select season, count(*) from marts.{mart} group by season order by season"
            ).fetchall()
            counts.extend((mart, season, n) for season, n in rows)
        return counts


def held_back_digest(database: Path, limit: int = 10) -> list[str]:
    """Lines naming the rows staging holds back that no later fetch has replaced yet (the
    files a failing `no_unreplaced_held_back_rows__*` test is about), and what to do; empty
    when there are none or the warehouse has no ops.held_back_rows yet."""
    if not database.exists():
        return []
    try:
        with duckdb.connect(str(database)) as con:
            rows = con.execute(
                "select staging_model, landed_path, record_key, row_problem "
                "from ops.held_back_rows where not is_replaced "
                "order by staging_model, landed_path, row_number_in_payload"
            ).fetchall()
    except duckdb.Error:
        return []
    if not rows:
        return []
    lines = [f"{len(rows)} row(s) held back by staging and not replaced (ops.held_back_rows):"]
    lines += [f"  {model}  {path}  {key}: {problem}" for model, path, key, problem in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"  ... and {len(rows) - limit} more")
    files = sorted({path for _, path, _, _ in rows})
    lines.append(
        "Fetch them again (a later readable fetch replaces them), or set the file(s) aside: "
        f"nba-props set-aside {' '.join(files[:3])}{' ...' if len(files) > 3 else ''} "
        "--reason '...'  (docs/data-quality.md, When data goes wrong)"
    )
    return lines


def print_summary(database: Path, timings: dict[str, float]) -> None:
    print()
    print(f"Warehouse (DuckDB): {database.resolve()}")
    print("Rows per mart and season:")
    for mart, season, n in mart_counts(database):
        print(f"  {mart:<28} {season}  {n:>7,}")
    print("Step timings:")
    for step, seconds in timings.items():
        print(f"  {step:<28} {seconds:6.1f} s")
    print()
    print("Who has the biggest edge tonight:  .venv/bin/nba-props analysis tonights_edges")
    print("Other analyses (analyses/):         .venv/bin/nba-props analysis --list")
    print("Docs site (every table and column): make docs, then open target/static_index.html")
    print('Query it:  .venv/bin/nba-props query "select ..."   (or any DuckDB client)')
    print("Example queries:")
    print(EXAMPLE_QUERIES)


def run_query(database: Path, sql: str, max_rows: int) -> None:
    with duckdb.connect(str(database), read_only=True) as con:
        con.sql(sql).show(max_rows=max_rows, max_width=200)
