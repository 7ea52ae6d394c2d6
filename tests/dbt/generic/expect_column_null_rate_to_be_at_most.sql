{#-
    expect_column_null_rate_to_be_at_most(column_name, max_null_rate, group_by=None,
                                          row_condition=None)
    OURS, not in dbt-expectations (which has no `mostly`): the fractional version of a
    not-null test, for gating ML feature NULL rates (e.g. per season with group_by).
    Per group (or over the whole filtered table): null_rate = null_count / total. Fails
    with one row per group (the group columns, null_count, total, null_rate) only where
    null_rate > max_null_rate; a rate equal to the threshold passes. max_null_rate must
    be between 0 and 1 (0 = no NULL allowed).
    A group with zero rows cannot fail: with group_by it does not exist, and without
    group_by an empty table has total 0 and a NULL rate. Pair with a row-count test.
-#}
{% test expect_column_null_rate_to_be_at_most(model, column_name, max_null_rate, group_by=None, row_condition=None) %}

{%- set groups = dq_as_list(group_by) %}
{%- if max_null_rate is none or max_null_rate is string or max_null_rate < 0 or max_null_rate > 1 %}
    {{ dq_raise("expect_column_null_rate_to_be_at_most", "max_null_rate must be a number between 0 and 1, got " ~ max_null_rate) }}
{%- endif %}

with filtered as (
    {{ dq_filtered(model, row_condition) }}
),

counted as (
    select
        {%- for group_column in groups %}
        {{ group_column }},
        {%- endfor %}
        count(*) - count({{ column_name }}) as null_count,
        count(*) as total
    from filtered
    {%- if groups %}
    group by {{ groups | join(", ") }}
    {%- endif %}
),

rated as (
    select
        *,
        1.0 * null_count / nullif(total, 0) as null_rate
    from counted
)

select *
from rated
where null_rate > {{ max_null_rate }}

{% endtest %}
