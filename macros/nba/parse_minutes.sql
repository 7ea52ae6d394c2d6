{#-
  Minutes played from any of the encodings NBA feeds use, to a float number of minutes:
    '34' or '34.5'          plain number (leaguegamelog, most CSVs)
    '34:12'                 MM:SS (box scores, gamebooks); seconds must be 0-59
    'PT34M12.00S'           ISO-8601 duration (cdn live data)
  Anything else, including '', '-' and 'null', is NULL: a value we cannot read must show up
  in the not-null and coverage tests, never be coerced to 0 (the original system lost two
  months of minutes to a silent coercion).
-#}
{% macro parse_minutes(text_expr) -%}
    {%- set value = 'trim(cast(' ~ text_expr ~ ' as ' ~ dbt.type_string() ~ '))' -%}
    case
        when {{ regex_matches(value, '^[0-9]+([.][0-9]+)?$') }}
            then cast({{ value }} as {{ dbt.type_float() }})
        when {{ regex_matches(value, '^[0-9]+:[0-5]?[0-9]$') }}
            then cast({{ regex_capture(value, '^([0-9]+):') }} as {{ dbt.type_float() }})
                + cast({{ regex_capture(value, ':([0-9]+)$') }} as {{ dbt.type_float() }}) / 60
        when {{ regex_matches(value, '^PT[0-9]+M[0-9]+([.][0-9]+)?S$') }}
            then cast({{ regex_capture(value, '^PT([0-9]+)M') }} as {{ dbt.type_float() }})
                + cast({{ regex_capture(value, 'M([0-9]+(?:[.][0-9]+)?)S$') }} as {{ dbt.type_float() }}) / 60
    end
{%- endmacro %}
