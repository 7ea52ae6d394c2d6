{#-
    expect_table_row_count_to_equal_other_table(compare_model, group_by=None,
        compare_group_by=None, factor=1, row_condition=None, compare_row_condition=None)
    Same name and arguments as dbt-expectations (factor covers the _times_factor sibling).
    Fails when count(model) <> count(compare_model) * factor, exactly, no tolerance.
    row_condition filters the model, compare_row_condition the compare_model.
    With group_by (and compare_group_by, defaulting to group_by, same length and order)
    counts are compared per group after a full outer join; a group present on one side
    only counts 0 on the other and fails. Group keys are joined with `=`, so NULL keys
    never match and a NULL group is reported on both sides: keep group keys not null.
    Output: group_key_1..n, row_count, compare_row_count.
-#}
{% test expect_table_row_count_to_equal_other_table(model, compare_model, group_by=None, compare_group_by=None, factor=1, row_condition=None, compare_row_condition=None) %}

{%- set groups = dq_as_list(group_by) %}
{%- set compare_groups = groups if compare_group_by is none else dq_as_list(compare_group_by) %}
{%- if groups | length != compare_groups | length %}
    {{ dq_raise("expect_table_row_count_to_equal_other_table", "group_by and compare_group_by must have the same number of columns") }}
{%- endif %}

with model_rows as (
    {{ dq_filtered(model, row_condition) }}
),

compare_rows as (
    {{ dq_filtered(compare_model, compare_row_condition) }}
),

model_counts as (
    select
        {%- for group_column in groups %}
        {{ group_column }} as group_key_{{ loop.index }},
        {%- endfor %}
        count(*) as row_count
    from model_rows
    {%- if groups %}
    group by {{ groups | join(", ") }}
    {%- endif %}
),

compare_counts as (
    select
        {%- for group_column in compare_groups %}
        {{ group_column }} as group_key_{{ loop.index }},
        {%- endfor %}
        count(*) as row_count
    from compare_rows
    {%- if compare_groups %}
    group by {{ compare_groups | join(", ") }}
    {%- endif %}
),

compared as (
    select
        {%- for group_column in groups %}
        coalesce(model_counts.group_key_{{ loop.index }}, compare_counts.group_key_{{ loop.index }}) as group_key_{{ loop.index }},
        {%- endfor %}
        coalesce(model_counts.row_count, 0) as row_count,
        coalesce(compare_counts.row_count, 0) as compare_row_count
    from model_counts
    {%- if groups %}
    full outer join compare_counts
        on {% for group_column in groups -%}
        model_counts.group_key_{{ loop.index }} = compare_counts.group_key_{{ loop.index }}
        {%- if not loop.last %}
        and {% endif %}
        {%- endfor %}
    {%- else %}
    {#- without group_by each side is exactly one row (count over no groups) #}
    cross join compare_counts
    {%- endif %}
)

select *
from compared
where row_count <> compare_row_count * {{ factor }}

{% endtest %}
