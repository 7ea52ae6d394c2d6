{#-
    expect_compound_columns_to_be_unique(column_list, ignore_row_if="all_values_are_missing",
                                         quote_columns=False, row_condition=None)
    Same name and arguments as dbt-expectations. Fails each key tuple that occurs more
    than once (one row per tuple, with n_records).
    NULLs: with the default all_values_are_missing only rows whose keys are ALL NULL are
    skipped; partly-NULL tuples are grouped together, so two rows (1, NULL) FAIL. With
    any_value_is_missing every row with a NULL key is skipped. quote_columns quotes each
    key with the adapter's identifier quoting. Use for grain checks.
-#}
{% test expect_compound_columns_to_be_unique(model, column_list, ignore_row_if="all_values_are_missing", quote_columns=False, row_condition=None) %}

{{ dq_duplicate_keys(
    model,
    column_list,
    ignore_row_if=ignore_row_if,
    quote_columns=quote_columns,
    row_condition=row_condition,
    test_name="expect_compound_columns_to_be_unique"
) }}

{% endtest %}
