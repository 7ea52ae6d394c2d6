{#-
  Date and time helpers for the pre-game context models, one body per engine.
  Timestamps are UTC throughout: BigQuery TIMESTAMP is absolute, DuckDB TIMESTAMP has no zone
  and holds UTC wall time (the raw loader writes it that way). Local dates (the NBA game date
  is the US Eastern date) are derived with an explicit IANA zone, never from the session.
-#}

{#- ISO-8601 text ('2025-03-09T23:50:38Z', '2025-03-09T19:50:38-04:00') to a UTC TIMESTAMP;
    unreadable text is NULL. -#}
{% macro parse_utc_timestamp(text_expr) -%}
    {{ return(adapter.dispatch('parse_utc_timestamp', 'nba_props_warehouse')(text_expr)) }}
{%- endmacro %}

{% macro default__parse_utc_timestamp(text_expr) -%}
    safe_cast({{ text_expr }} as timestamp)
{%- endmacro %}

{% macro duckdb__parse_utc_timestamp(text_expr) -%}
    cast(try_cast({{ text_expr }} as timestamptz) at time zone 'UTC' as timestamp)
{%- endmacro %}


{#- The local calendar date of a UTC timestamp in an IANA time zone. -#}
{% macro utc_to_local_date(ts_expr, time_zone) -%}
    {{ return(adapter.dispatch('utc_to_local_date', 'nba_props_warehouse')(ts_expr, time_zone)) }}
{%- endmacro %}

{% macro default__utc_to_local_date(ts_expr, time_zone) -%}
    date({{ ts_expr }}, '{{ time_zone }}')
{%- endmacro %}

{% macro duckdb__utc_to_local_date(ts_expr, time_zone) -%}
    cast(({{ ts_expr }} at time zone 'UTC') at time zone '{{ time_zone }}' as date)
{%- endmacro %}


{#- Midnight UTC at the start of a DATE, as a TIMESTAMP. -#}
{% macro date_start_utc(date_expr) -%}
    {{ return(adapter.dispatch('date_start_utc', 'nba_props_warehouse')(date_expr)) }}
{%- endmacro %}

{% macro default__date_start_utc(date_expr) -%}
    timestamp({{ date_expr }})
{%- endmacro %}

{% macro duckdb__date_start_utc(date_expr) -%}
    cast({{ date_expr }} as timestamp)
{%- endmacro %}


{#- A DATE moved by a whole number of days (negative goes back); the result is a DATE on both
    engines (dbt.dateadd yields a DATETIME on BigQuery and a TIMESTAMP on DuckDB). -#}
{% macro add_days(date_expr, days) -%}
    {{ return(adapter.dispatch('add_days', 'nba_props_warehouse')(date_expr, days)) }}
{%- endmacro %}

{% macro default__add_days(date_expr, days) -%}
    date_add({{ date_expr }}, interval {{ days }} day)
{%- endmacro %}

{% macro duckdb__add_days(date_expr, days) -%}
    ({{ date_expr }} + cast({{ days }} as integer))
{%- endmacro %}


{#- Whole days from `start_date` to `end_date` (DATEs): 1 when end is the next day. -#}
{% macro days_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('days_between', 'nba_props_warehouse')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__days_between(start_date, end_date) -%}
    date_diff({{ end_date }}, {{ start_date }}, day)
{%- endmacro %}

{% macro duckdb__days_between(start_date, end_date) -%}
    date_diff('day', {{ start_date }}, {{ end_date }})
{%- endmacro %}
