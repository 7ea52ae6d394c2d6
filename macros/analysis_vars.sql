{#-
  Checked values of the dbt vars the analyses take. Each var is pasted into SQL, so anything
  that is not of the expected shape stops the compile with a message instead.
-#}

{#- A date var ('2025-01-10') as a SQL DATE literal, or none when the var is not set. -#}
{% macro analysis_date_var(name) -%}
    {%- set value = var(name, none) -%}
    {%- if value is none or value | string | trim == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set text = value | string | trim -%}
    {%- if not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', text) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be a date written YYYY-MM-DD, got '" ~ text ~ "'") }}
    {%- endif -%}
    {{ return("cast('" ~ text ~ "' as date)") }}
{%- endmacro %}


{#- A text var (a name, a season, a feature) as a quoted SQL string literal; none when the var
    is not set. Letters (accents too), digits, spaces and - . _ only; apostrophes are dropped
    (the one quote character both dialects escape differently; player names are matched on
    player_name_key(), which drops punctuation anyway). -#}
{% macro analysis_text_var(name, default=none) -%}
    {%- set value = var(name, default) -%}
    {%- if value is none or value | string | trim == '' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set text = value | string | trim | replace("'", "") | replace("’", "") -%}
    {%- if not modules.re.match('^[A-Za-z0-9À-ɏ ._-]+$', text) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " may hold letters, digits, spaces and - . _ only, got '" ~ text ~ "'") }}
    {%- endif -%}
    {{ return("'" ~ text ~ "'") }}
{%- endmacro %}
