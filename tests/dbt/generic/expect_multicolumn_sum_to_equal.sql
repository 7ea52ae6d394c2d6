{#-
    expect_multicolumn_sum_to_equal(column_list, sum_total, group_by=None,
                                    row_condition=None)
    Same name and arguments as dbt-expectations. Aggregate level, not row by row: per
    group (or over the whole table) the sum of the column sums must equal sum_total.
    sum_total is rendered as written: a number, or an aggregate expression over the
    group such as max(team_points). Each column sum ignores NULLs and counts as 0 when
    the column is all NULL (coalesce), so missing data fails against a non-zero total;
    a NULL sum_total passes. Exact equality: no tolerance for float rounding.
    Output: the group columns, column_sums_total, expected_total.
-#}
{% test expect_multicolumn_sum_to_equal(model, column_list, sum_total, group_by=None, row_condition=None) %}

{%- set columns = dq_as_list(column_list) %}
{%- set groups = dq_as_list(group_by) %}
{%- if columns | length == 0 %}
    {{ dq_raise("expect_multicolumn_sum_to_equal", "column_list must name at least one column") }}
    {%- set columns = ["null"] %}
{%- endif %}

with filtered as (
    {{ dq_filtered(model, row_condition) }}
),

summed as (
    select
        {%- for group_column in groups %}
        {{ group_column }},
        {%- endfor %}
        {% for column in columns -%}
        coalesce(sum({{ column }}), 0){% if not loop.last %} + {% endif %}
        {%- endfor %} as column_sums_total,
        {{ sum_total }} as expected_total
    from filtered
    {%- if groups %}
    group by {{ groups | join(", ") }}
    {%- endif %}
)

select *
from summed
where not (column_sums_total = expected_total)

{% endtest %}
