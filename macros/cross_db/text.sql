{#- Text helpers for matching names across sources. -#}

{#- Accents removed: 'Dončić' -> 'Doncic', 'Jokić' -> 'Jokic' (play-by-play text is ASCII,
    stats.nba.com names are not). -#}
{% macro fold_ascii(expr) -%}
    {{ return(adapter.dispatch('fold_ascii', 'nba_props_warehouse')(expr)) }}
{%- endmacro %}

{% macro default__fold_ascii(expr) -%}
    regexp_replace(normalize({{ expr }}, NFD), r'\pM', '')
{%- endmacro %}

{% macro duckdb__fold_ascii(expr) -%}
    strip_accents({{ expr }})
{%- endmacro %}
