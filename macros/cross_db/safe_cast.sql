{#-
  dbt.safe_cast on DuckDB. dbt's default body is a plain `cast`, which stops the whole build
  on the first value that does not convert ('abc' or 'NaN' for points in a re-scrape) and
  names neither the file nor a test. try_cast yields NULL instead, as BigQuery's safe_cast
  does (dbt-bigquery's own body), so an unreadable value reaches staging's checks on both
  engines. Picked up through the project's dispatch search order (dbt_project.yml).
-#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}


{#- A whole number sent as text ('12', '-3') to an integer type; anything else is NULL,
    the same on both engines: DuckDB's try_cast reads '12.0', ' 12' and '1e3' as integers
    and BigQuery's safe_cast does not, so the text is matched first. Digits are capped below
    each type's range, so an overflow is NULL rather than an error. -#}
{% macro text_to_integer(text_expr, integer_type=none) -%}
    {%- set integer_type = integer_type or dbt.type_int() -%}
    {%- set digits = 18 if integer_type == dbt.type_bigint() else 9 -%}
    case
        when {{ regex_matches(text_expr, '^-?[0-9]{1,' ~ digits ~ '}$') }}
            then cast({{ text_expr }} as {{ integer_type }})
    end
{%- endmacro %}
