{#-
    Shared helpers for the data-quality generic tests in tests/dbt/generic/.
    Every test there re-implements a dbt-expectations (metaplane fork) or dbt_utils test
    under the same name and argument names; these helpers hold the pieces they share.
    Portable SQL only (DuckDB and BigQuery): no `::` casts, no `group by all`.
-#}

{#- Normalise an optional column list argument (None, a single name or a list) to a list. -#}
{% macro dq_as_list(value) -%}
    {%- if value is none -%}
        {{ return([]) }}
    {%- elif value is string -%}
        {{ return([value]) }}
    {%- else -%}
        {{ return(value | list) }}
    {%- endif -%}
{%- endmacro %}


{#- Raise a compile error from a test body. Guarded by `execute` so that a bad argument
    fails only the test node that carries it (status "error"), not the whole parse. -#}
{% macro dq_raise(test_name, message) -%}
    {%- if execute -%}
        {{ exceptions.raise_compiler_error(test_name ~ ": " ~ message) }}
    {%- endif -%}
{%- endmacro %}


{#- The rows a test evaluates: the model with `row_condition` applied first, so the
    condition is ANDed in before any comparison, aggregate or window function. -#}
{% macro dq_filtered(model, row_condition=none) -%}
select * from {{ model }}
{%- if row_condition %}
    where ({{ row_condition }})
{%- endif %}
{%- endmacro %}


{#- Select list for row-level failures: only the columns involved (BigQuery bills by
    column scanned), or every column when failures are stored for inspection. -#}
{% macro dq_select_list(columns) -%}
    {%- if should_store_failures() -%}
        *
    {%- else -%}
        {{ columns | join(', ') }}
    {%- endif -%}
{%- endmacro %}


{#- A boolean SQL expression that is true when `expression` lies within the bounds.
    `strictly` makes the bounds exclusive. At least one bound is required: a range test
    without bounds could never fail. A NULL expression yields NULL, and since the tests
    return rows where `not (condition)`, NULL never fails a range check. -#}
{% macro dq_between_condition(expression, min_value=none, max_value=none, strictly=false, test_name="between") -%}
    {%- if min_value is none and max_value is none -%}
        {{ dq_raise(test_name, "at least one of min_value or max_value is required") }}
    {%- endif -%}
    {%- set lower_operator = ">" if strictly else ">=" -%}
    {%- set upper_operator = "<" if strictly else "<=" -%}
    {%- set parts = [] -%}
    {%- if min_value is not none -%}
        {%- do parts.append(expression ~ " " ~ lower_operator ~ " " ~ min_value) -%}
    {%- endif -%}
    {%- if max_value is not none -%}
        {%- do parts.append(expression ~ " " ~ upper_operator ~ " " ~ max_value) -%}
    {%- endif -%}
    {%- if parts | length == 0 -%}
        {%- do parts.append("true") -%}
    {%- endif -%}
    ({{ parts | join(" and ") }})
{%- endmacro %}


{#- An aggregate (count(*), avg(x), sum(x), ...) per group, or over the whole (filtered)
    table, returning each group whose value falls outside the range. Aggregates ignore
    NULL inputs; an aggregate that is NULL (all-NULL or, except count, empty input)
    passes. A group with no rows does not exist in the output, so it cannot fail. -#}
{% macro dq_aggregate_between(model, aggregate_expression, value_alias, min_value=none, max_value=none, group_by=none, row_condition=none, strictly=false, test_name="aggregate_between") -%}
{%- set groups = dq_as_list(group_by) -%}
with filtered as (
    {{ dq_filtered(model, row_condition) }}
),

aggregated as (
    select
        {%- for group_column in groups %}
        {{ group_column }},
        {%- endfor %}
        {{ aggregate_expression }} as {{ value_alias }}
    from filtered
    {%- if groups %}
    group by {{ groups | join(", ") }}
    {%- endif %}
)

select *
from aggregated
where not {{ dq_between_condition(value_alias, min_value, max_value, strictly, test_name) }}
{%- endmacro %}


{#- One SQL literal of a value set. quote_values=true renders a string literal (with the
    adapter's own quote escaping); false renders the value as written (numbers,
    expressions). A YAML null always renders as SQL null, which never matches. -#}
{% macro dq_value_literal(value, quote_values=true) -%}
    {%- if value is none -%}
        null
    {%- elif quote_values -%}
        '{{ dbt.escape_single_quotes(value | string) }}'
    {%- else -%}
        {{ value }}
    {%- endif -%}
{%- endmacro %}


{#- The value set as a one-column query (`value_field`), duplicates removed. Indented to
    sit inside a CTE. -#}
{% macro dq_value_set_query(value_set, quote_values=true, test_name="value_set") -%}
    {%- set values = dq_as_list(value_set) -%}
    {%- if values | length == 0 -%}
        {{ dq_raise(test_name, "value_set must contain at least one value") }}
        {%- set values = [none] -%}
    {%- endif -%}
select distinct value_field
    from (
        {%- for value in values %}
        select {{ dq_value_literal(value, quote_values) }} as value_field
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}
    ) as value_set_literals
{%- endmacro %}


{#- Key tuples that occur more than once. ignore_row_if decides which rows with NULL
    keys are left out first: all_values_are_missing (default) skips only rows whose
    keys are all NULL, so partly-NULL tuples are grouped (GROUP BY puts NULLs together)
    and their duplicates fail; any_value_is_missing skips a row with any NULL key. -#}
{% macro dq_duplicate_keys(model, columns, ignore_row_if="all_values_are_missing", quote_columns=false, row_condition=none, test_name="compound_unique") -%}
    {%- set keys = [] -%}
    {%- for column in dq_as_list(columns) -%}
        {%- do keys.append(adapter.quote(column) if quote_columns else column) -%}
    {%- endfor -%}
    {%- if keys | length == 0 -%}
        {{ dq_raise(test_name, "column_list must name at least one column") }}
        {%- do keys.append("null") -%}
    {%- endif -%}
    {%- if ignore_row_if not in ["all_values_are_missing", "any_value_is_missing"] -%}
        {{ dq_raise(test_name, "ignore_row_if must be all_values_are_missing or any_value_is_missing, got " ~ ignore_row_if) }}
    {%- endif -%}
with filtered as (
    {{ dq_filtered(model, row_condition) }}
),

keyed as (
    select {{ keys | join(", ") }}
    from filtered
    {%- if ignore_row_if == "any_value_is_missing" %}
    where {% for key in keys %}{{ key }} is not null{% if not loop.last %} and {% endif %}{% endfor %}
    {%- else %}
    where not ({% for key in keys %}{{ key }} is null{% if not loop.last %} and {% endif %}{% endfor %})
    {%- endif %}
)

select
    {{ keys | join(", ") }},
    count(*) as n_records
from keyed
group by {{ keys | join(", ") }}
having count(*) > 1
{%- endmacro %}
