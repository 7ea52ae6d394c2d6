{#-
  stats.nba.com MATCHUP names the away team first: 'DAL @ UTA' (DAL away) or, from the home
  side, 'UTA vs. DAL' (UTA home). Most rows describe their own team, but at neutral sites
  (Mexico City, Paris, the NBA Cup final) both teams' rows can carry the same text, so the
  row's side is read by matching its own team code against the two named teams, never by
  assuming the first code is the row's team.
-#}
{% macro matchup_home_team(matchup) -%}
    case
        when {{ regex_matches(matchup, ' @ ') }}
            then {{ regex_capture(matchup, '@ ([A-Z]{2,4})$') }}
        else {{ regex_capture(matchup, '^([A-Z]{2,4}) vs[.]') }}
    end
{%- endmacro %}

{% macro matchup_away_team(matchup) -%}
    case
        when {{ regex_matches(matchup, ' @ ') }}
            then {{ regex_capture(matchup, '^([A-Z]{2,4}) @') }}
        else {{ regex_capture(matchup, 'vs[.] ([A-Z]{2,4})$') }}
    end
{%- endmacro %}

{#- The other team of the matchup; NULL when the row's team is not named in it. -#}
{% macro opponent_abbr_from_matchup(matchup, team_abbr) -%}
    case
        when {{ team_abbr }} = {{ matchup_home_team(matchup) }} then {{ matchup_away_team(matchup) }}
        when {{ team_abbr }} = {{ matchup_away_team(matchup) }} then {{ matchup_home_team(matchup) }}
    end
{%- endmacro %}

{#- True when the row's team is the home team named by the matchup. -#}
{% macro is_home_from_matchup(matchup, team_abbr) -%}
    {{ team_abbr }} = {{ matchup_home_team(matchup) }}
{%- endmacro %}
