{#-
  stats.nba.com SEASON_ID is '<type digit><start year>', e.g. '22024' = 2024-25 regular season.
  Expands to three columns: season_type, season_start_year, season ('2024-25').
-#}
{% macro season_columns(season_id) -%}
    case substr({{ season_id }}, 1, 1)
        when '1' then 'Pre Season'
        when '2' then 'Regular Season'
        when '3' then 'All Star'
        when '4' then 'Playoffs'
        when '5' then 'PlayIn'
    end as season_type,
    {{ dbt.safe_cast('substr(' ~ season_id ~ ', 2, 4)', dbt.type_int()) }} as season_start_year,
    substr({{ season_id }}, 2, 4) || '-'
        || right(cast({{ dbt.safe_cast('substr(' ~ season_id ~ ', 2, 4)', dbt.type_int()) }} + 1 as {{ dbt.type_string() }}), 2)
        as season
{%- endmacro %}
