{#- The box-score counts every stats.nba.com game log carries (player and team alike), cast
    from the result set's text to integers and renamed; a value that is not an integer
    becomes NULL and fails the staging not-null tests. Ends with a comma. -#}
{% macro box_score_stat_columns() -%}
    {%- for stat, alias in [
        ('pts', 'points'), ('fgm', 'fg_makes'), ('fga', 'fg_attempts'),
        ('fg3m', 'three_pt_makes'), ('fg3a', 'three_pt_attempts'),
        ('ftm', 'ft_makes'), ('fta', 'ft_attempts'),
        ('oreb', 'offensive_rebounds'), ('dreb', 'defensive_rebounds'), ('reb', 'rebounds'),
        ('ast', 'assists'), ('stl', 'steals'), ('blk', 'blocks'), ('tov', 'turnovers'),
        ('pf', 'personal_fouls'), ('plus_minus', 'plus_minus')
    ] %}
        {{ dbt.safe_cast(stat, dbt.type_int()) }} as {{ alias }},
    {%- endfor %}
{%- endmacro %}
