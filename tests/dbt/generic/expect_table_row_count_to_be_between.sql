{#-
    expect_table_row_count_to_be_between(min_value=None, max_value=None, group_by=None,
                                         row_condition=None, strictly=False)
    Same name and arguments as dbt-expectations. Fails when count(*) lies outside the
    range (exclusive with strictly); with group_by, one failing row per group. At least
    one bound is required. Without group_by an empty table counts 0 and can fail
    min_value; with group_by a group that has no rows is absent and cannot fail (pair
    with expect_column_distinct_values_to_equal_set to catch missing groups).
-#}
{% test expect_table_row_count_to_be_between(model, min_value=None, max_value=None, group_by=None, row_condition=None, strictly=False) %}

{{ dq_aggregate_between(
    model,
    "count(*)",
    "row_count",
    min_value=min_value,
    max_value=max_value,
    group_by=group_by,
    row_condition=row_condition,
    strictly=strictly,
    test_name="expect_table_row_count_to_be_between"
) }}

{% endtest %}
