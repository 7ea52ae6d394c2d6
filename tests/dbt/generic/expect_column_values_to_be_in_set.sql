{#-
    expect_column_values_to_be_in_set(column_name, value_set, quote_values=True,
                                      row_condition=None)
    Same name and arguments as dbt-expectations. Fails each row whose value matches no
    member of value_set (left join against the set).
    NULLs FAIL: NULL never matches, unlike dbt's accepted_values (`not in`) which lets
    NULL through. quote_values=True renders members as string literals; use
    quote_values: false for numeric columns (no implicit cast is made, since BigQuery
    does not compare INT64 with STRING).
-#}
{% test expect_column_values_to_be_in_set(model, column_name, value_set, quote_values=True, row_condition=None) %}

with filtered as (
    {{ dq_filtered(model, row_condition) }}
),

column_values as (
    select {{ column_name }} as value_field
    from filtered
),

set_values as (
    {{ dq_value_set_query(value_set, quote_values, "expect_column_values_to_be_in_set") }}
)

select column_values.value_field
from column_values
left join set_values
    on column_values.value_field = set_values.value_field
where set_values.value_field is null

{% endtest %}
