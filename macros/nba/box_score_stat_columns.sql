{#- The box-score counts every stats.nba.com game log carries (player and team alike): the
    result-set header (lower case) and the column it becomes. Stated once here; the columns,
    the unreadable-value checks and the box-score checks below are derived from it. -#}
{% macro box_score_stats() -%}
    {{ return([
        ('pts', 'points'), ('fgm', 'fg_makes'), ('fga', 'fg_attempts'),
        ('fg3m', 'three_pt_makes'), ('fg3a', 'three_pt_attempts'),
        ('ftm', 'ft_makes'), ('fta', 'ft_attempts'),
        ('oreb', 'offensive_rebounds'), ('dreb', 'defensive_rebounds'), ('reb', 'rebounds'),
        ('ast', 'assists'), ('stl', 'steals'), ('blk', 'blocks'), ('tov', 'turnovers'),
        ('pf', 'personal_fouls'), ('plus_minus', 'plus_minus')
    ]) }}
{%- endmacro %}


{#- The counts cast from the result set's text to integers and renamed; a value that is not
    an integer becomes NULL (never a failed build) and unreadable_value_checks names it.
    Ends with a comma. -#}
{% macro box_score_stat_columns() -%}
    {%- for stat, alias in box_score_stats() %}
        {{ text_to_integer(stat) }} as {{ alias }},
    {%- endfor %}
{%- endmacro %}


{#- [condition, label] checks of one typed box-score row (row_problems): every count but
    plus-minus present, none negative, makes within attempts, threes within field goals,
    rebounds = offensive + defensive and points = 2 * twos + 3 * threes + free throws. A
    row failing any is held back by staging, with these words in ops.held_back_rows.
    played: SQL true for rows that should carry a box score (DNP rows carry none). -#}
{% macro box_score_row_checks(played='true') -%}
    {%- set counts = [] -%}
    {%- for stat, alias in box_score_stats() if alias != 'plus_minus' -%}
        {%- do counts.append(alias) -%}
    {%- endfor -%}
    {%- set checks = required_value_checks(counts, when=played) -%}
    {%- for alias in counts -%}
        {%- do checks.append([alias ~ ' < 0', "'" ~ alias ~ " negative'"]) -%}
    {%- endfor -%}
    {%- for makes, attempts in [
        ('fg_makes', 'fg_attempts'), ('three_pt_makes', 'three_pt_attempts'),
        ('ft_makes', 'ft_attempts'), ('three_pt_attempts', 'fg_attempts'),
        ('three_pt_makes', 'fg_makes')
    ] -%}
        {%- do checks.append([makes ~ ' > ' ~ attempts, "'" ~ makes ~ " above " ~ attempts ~ "'"]) -%}
    {%- endfor -%}
    {%- do checks.append([
        'rebounds <> offensive_rebounds + defensive_rebounds',
        "'rebounds not offensive + defensive'"
    ]) -%}
    {%- do checks.append([
        'points <> 2 * (fg_makes - three_pt_makes) + 3 * three_pt_makes + ft_makes',
        "'points not 2 * twos + 3 * threes + free throws'"
    ]) -%}
    {{ return(checks) }}
{%- endmacro %}


{#- [condition, label] check: the game is dated within its season (August of the start year
    to October of the next, which holds every season's preseason and the 2020 bubble's
    finals); a row dated years away from its SEASON_ID is held back. -#}
{% macro season_window_check(game_date, season_start_year) -%}
    {%- set month = 'extract(year from ' ~ game_date ~ ') * 100 + extract(month from ' ~ game_date ~ ')' -%}
    {{ return([
        month ~ ' < ' ~ season_start_year ~ ' * 100 + 8 or '
            ~ month ~ ' > (' ~ season_start_year ~ ' + 1) * 100 + 10',
        "'game_date outside its season'"
    ]) }}
{%- endmacro %}


{#- Window columns for a key listed more than once in one payload: times_listed, and
    listings_agree (every listing carries the same counts; identical repeats are harmless,
    differing ones leave nothing to say which is right). -#}
{% macro box_score_listings(key_columns) -%}
    {%- set partition = 'partition by source_landed_path, ' ~ key_columns | join(', ') -%}
    {%- set counts = [] -%}
    {%- for stat, alias in box_score_stats() -%}
        {%- do counts.append("coalesce(cast(" ~ alias ~ " as " ~ dbt.type_string() ~ "), '')") -%}
    {%- endfor -%}
    {#- One flat concat(): a chain of || nests one call per count, deeper than ZetaSQL's
        resolved tree can be handed back to the offline BigQuery check. -#}
    {%- set signature = 'concat(' ~ counts | join(", ',', ") ~ ')' -%}
    count(*) over ({{ partition }}) as times_listed,
    min({{ signature }}) over ({{ partition }})
        = max({{ signature }}) over ({{ partition }}) as listings_agree
{%- endmacro %}


{#- [condition, label] check on box_score_listings' columns. -#}
{% macro box_score_listings_check() -%}
    {{ return([
        'times_listed > 1 and not listings_agree',
        "'listed ' || cast(times_listed as " ~ dbt.type_string()
            ~ ") || ' times in the payload with different numbers'"
    ]) }}
{%- endmacro %}
