{#-
    expect_column_values_to_be_unique(column_name, row_condition=None)
    Same name and arguments as dbt-expectations. Fails each non-NULL value that occurs
    more than once (one row per value, with n_records). NULLs are ignored: any number of
    NULLs passes. Shares its logic with expect_compound_columns_to_be_unique on one column.
-#}
{% test expect_column_values_to_be_unique(model, column_name, row_condition=None) %}

{{ dq_duplicate_keys(
    model,
    [column_name],
    ignore_row_if="all_values_are_missing",
    quote_columns=false,
    row_condition=row_condition,
    test_name="expect_column_values_to_be_unique"
) }}

{% endtest %}
