{#-
  The key a player name is matched on across feeds (NBA.com logs, sportsbooks, pick'em
  apps, user files), computed the same way on every side:
    1. accents folded to ASCII ('Dončić' -> 'Doncic'), lower case;
    2. everything but letters, digits and spaces removed ('G.G.' -> 'gg', "De'Aaron" ->
       'deaaron', 'Caldwell-Pope' -> 'caldwellpope');
    3. a trailing generational suffix dropped: jr, sr, ii, iii, iv ('Jaren Jackson Jr.' and
       'Jaren Jackson' meet; NBA.com writes 'Ronald Holland II', books 'Ron Holland');
    4. spaces removed.
  Names that still differ (nicknames: 'Herb Jones' / 'Herbert Jones') go through the alias
  seed seeds/player_name_aliases.csv. The key is never used alone: matching stays within
  the game's two teams (see int_player_points_lines).
-#}
{% macro player_name_key(name_expr) -%}
    {%- set folded = 'lower(' ~ fold_ascii('trim(' ~ name_expr ~ ')') ~ ')' -%}
    {%- set letters = regex_replace(folded, '[^a-z0-9 ]', '') -%}
    {%- set single_spaced = 'trim(' ~ regex_replace(letters, ' +', ' ') ~ ')' -%}
    {%- set no_suffix = regex_replace(single_spaced, ' (jr|sr|ii|iii|iv)$', '') -%}
    {{ regex_replace(no_suffix, ' ', '') }}
{%- endmacro %}


{#- The NBA season a calendar date belongs to, by start year: games from August on belong
    to the season starting that year (2024-10-22 -> 2024, 2025-04-13 -> 2024). -#}
{% macro season_start_year_of(date_expr) -%}
    case
        when extract(month from {{ date_expr }}) >= 8 then extract(year from {{ date_expr }})
        else extract(year from {{ date_expr }}) - 1
    end
{%- endmacro %}


{#- '2024-25' from a start year. -#}
{% macro season_label(start_year_expr) -%}
    cast({{ start_year_expr }} as {{ dbt.type_string() }}) || '-'
        || right(cast({{ start_year_expr }} + 1 as {{ dbt.type_string() }}), 2)
{%- endmacro %}
