{#-
    expect_column_values_to_not_be_in_set(column_name, value_set, quote_values=True,
                                          row_condition=None)
    Same name and arguments as dbt-expectations. Fails each row whose value matches a
    member of value_set (inner join against the set).
    NULLs PASS: NULL matches nothing. quote_values as in expect_column_values_to_be_in_set.
-#}
{% test expect_column_values_to_not_be_in_set(model, column_name, value_set, quote_values=True, row_condition=None) %}

with filtered as (
    {{ dq_filtered(model, row_condition) }}
),

column_values as (
    select {{ column_name }} as value_field
    from filtered
),

set_values as (
    {{ dq_value_set_query(value_set, quote_values, "expect_column_values_to_not_be_in_set") }}
)

select column_values.value_field
from column_values
inner join set_values
    on column_values.value_field = set_values.value_field

{% endtest %}
