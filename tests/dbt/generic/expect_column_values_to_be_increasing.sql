{#-
    expect_column_values_to_be_increasing(column_name, sort_column=None, strictly=True,
                                          group_by=None, row_condition=None)
    Same name and arguments as dbt-expectations (without `step`). Rows are ordered by
    sort_column (default: the column itself) within each group_by partition, and each
    value is compared with its predecessor via lag(): it fails when not `>` (or `>=`
    with strictly: false). Ties fail while strict.
    NULLs PASS: the first row per partition, a NULL value and the row after a NULL are
    not compared. Rows whose sort_column is NULL are left out before ordering (DuckDB
    and BigQuery place NULLs at opposite ends). sort_column should be unique within a
    partition, or the order of tied rows is arbitrary.
-#}
{% test expect_column_values_to_be_increasing(model, column_name, sort_column=None, strictly=True, group_by=None, row_condition=None) %}

{%- set sort_expression = column_name if sort_column is none else sort_column %}
{%- set groups = dq_as_list(group_by) %}
{%- set operator = ">" if strictly else ">=" %}

with filtered as (
    {{ dq_filtered(model, row_condition) }}
),

sequenced as (
    select
        {%- for group_column in groups %}
        {{ group_column }},
        {%- endfor %}
        {{ sort_expression }} as sort_value,
        {{ column_name }} as value_field,
        lag({{ column_name }}) over (
            {%- if groups %}
            partition by {{ groups | join(", ") }}
            {%- endif %}
            order by {{ sort_expression }}
        ) as previous_value_field
    from filtered
    where {{ sort_expression }} is not null
)

select *
from sequenced
where not (value_field {{ operator }} previous_value_field)

{% endtest %}
