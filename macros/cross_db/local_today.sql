{#- Today's calendar date in an IANA time zone (the NBA's game date is the US Eastern date),
    never the session's zone. Used by the analyses to find tonight's games. -#}
{% macro local_today(time_zone) -%}
    {{ return(adapter.dispatch('local_today', 'nba_props_warehouse')(time_zone)) }}
{%- endmacro %}

{% macro default__local_today(time_zone) -%}
    current_date('{{ time_zone }}')
{%- endmacro %}

{% macro duckdb__local_today(time_zone) -%}
    cast(current_timestamp at time zone '{{ time_zone }}' as date)
{%- endmacro %}
