{#- stats.nba.com MATCHUP reads 'DAL vs. UTA' at home and 'DAL @ UTA' away; the opponent
    is the last team code. -#}
{% macro opponent_abbr_from_matchup(matchup) -%}
    {{ regex_capture(matchup, '(?:vs[.]|@) ([A-Z]{2,4})$') }}
{%- endmacro %}
