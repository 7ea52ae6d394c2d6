{#-
  The vars of the analyses, as query parameters. dbt renders a `--vars` value as a Jinja
  template before anything could check it, so user values never go to dbt: the runner
  (pipeline/analyses.py) checks each value against its type here (text or date), compiles the
  analysis with the list var `analysis_params` naming the vars that were given, and binds
  their values when it runs the query ($name on DuckDB; @name query parameters on BigQuery).
  The compiled SQL therefore reads `cast($player as TEXT)` where the value goes.
-#}

{#- A date var as a DATE parameter, or none when the var was not given. -#}
{% macro analysis_date_var(name) -%}
    {%- if not analysis_var_is_bound(name) -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(analysis_param(name, 'date')) }}
{%- endmacro %}


{#- A text var (a name, a season, a feature) as a string parameter; when it was not given,
    `default` (written in the analysis, never by a user) as a string literal, or none. -#}
{% macro analysis_text_var(name, default=none) -%}
    {%- if analysis_var_is_bound(name) -%}
        {{ return(analysis_param(name, dbt.type_string())) }}
    {%- endif -%}
    {%- if default is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if "'" in default or "\\" in default -%}
        {{ exceptions.raise_compiler_error("the default of var " ~ name ~ " is pasted into SQL and may not hold quotes or backslashes") }}
    {%- endif -%}
    {{ return("'" ~ default ~ "'") }}
{%- endmacro %}


{#- True when the runner binds `name`; a value given to dbt itself is refused, since dbt
    would have rendered it as a template. -#}
{% macro analysis_var_is_bound(name) -%}
    {%- if var.has_var(name) -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " of the analyses is a query parameter: give it with `nba-props analysis <name> --var " ~ name ~ "=VALUE`, which checks and binds it, not as a dbt --vars value (dbt renders those as templates)") }}
    {%- endif -%}
    {%- set bound = var('analysis_params', []) -%}
    {%- if bound is string or bound is mapping -%}
        {{ exceptions.raise_compiler_error("var analysis_params is the list of the var names the runner binds, got " ~ bound) }}
    {%- endif -%}
    {{ return(name in bound) }}
{%- endmacro %}


{#- The placeholder of query parameter `name`, cast to `type`. The cast states the type in the
    SQL, and lets the BigQuery check type a parameter it was not told about. -#}
{% macro analysis_param(name, type) -%}
    {{ return(adapter.dispatch('analysis_param', 'nba_props_warehouse')(name, type)) }}
{%- endmacro %}

{% macro default__analysis_param(name, type) -%}
    cast(${{ name }} as {{ type }})
{%- endmacro %}

{% macro bigquery__analysis_param(name, type) -%}
    cast(@{{ name }} as {{ type }})
{%- endmacro %}
