{#-
    expect_column_values_to_be_between(column_name, min_value=None, max_value=None,
                                       row_condition=None, strictly=False)
    Same name and arguments as dbt-expectations. Fails each row whose value lies outside
    [min_value, max_value] (exclusive bounds when strictly). Bounds are SQL literals or
    expressions; at least one is required (compile error otherwise).
    NULLs PASS: a NULL value makes the range condition NULL, which is not a failure.
    Pair with a not-null test where NULL is not allowed.
-#}
{% test expect_column_values_to_be_between(model, column_name, min_value=None, max_value=None, row_condition=None, strictly=False) %}

with filtered as (
    {{ dq_filtered(model, row_condition) }}
)

select {{ dq_select_list([column_name]) }}
from filtered
where not {{ dq_between_condition(column_name, min_value, max_value, strictly, "expect_column_values_to_be_between") }}

{% endtest %}
