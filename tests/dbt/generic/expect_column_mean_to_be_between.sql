{#-
    expect_column_mean_to_be_between(column_name, min_value=None, max_value=None,
                                      group_by=None, row_condition=None, strictly=False)
    Same name and arguments as dbt-expectations. Aggregate level: avg() of the
    column; NULL inputs are ignored.
    Fails when the aggregate lies outside the range (exclusive with strictly), one row per
    failing group with group_by (columns: the group columns, then aggregate_value).
    At least one bound is required. An aggregate that is NULL (every value NULL, or no
    rows) PASSES; a group with no rows is absent and cannot fail.
    Shared logic: dq_aggregate_between in macros/testing/dq_helpers.sql.
-#}
{% test expect_column_mean_to_be_between(model, column_name, min_value=None, max_value=None, group_by=None, row_condition=None, strictly=False) %}

{{ dq_aggregate_between(
    model,
    "avg(" ~ column_name ~ ")",
    "aggregate_value",
    min_value=min_value,
    max_value=max_value,
    group_by=group_by,
    row_condition=row_condition,
    strictly=strictly,
    test_name="expect_column_mean_to_be_between"
) }}

{% endtest %}
