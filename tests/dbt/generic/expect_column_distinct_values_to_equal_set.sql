{#-
    expect_column_distinct_values_to_equal_set(column_name, value_set, quote_values=True,
                                               row_condition=None)
    Same name and arguments as dbt-expectations. The distinct values of the column must
    be exactly value_set: a full outer join of the distinct values against the set fails
    every value found on one side only (data_value or set_value is reported).
    NULLs FAIL: a NULL distinct value matches no member. Set members absent from the data
    fail too (a missing team or season is caught). An empty (filtered) table fails once
    per member of the set.
-#}
{% test expect_column_distinct_values_to_equal_set(model, column_name, value_set, quote_values=True, row_condition=None) %}

with filtered as (
    {{ dq_filtered(model, row_condition) }}
),

data_values as (
    select distinct
        {{ column_name }} as value_field,
        1 as is_present
    from filtered
),

set_values as (
    {{ dq_value_set_query(value_set, quote_values, "expect_column_distinct_values_to_equal_set") }}
),

expected_values as (
    select
        value_field,
        1 as is_present
    from set_values
),

compared as (
    select
        data_values.value_field as data_value,
        expected_values.value_field as set_value,
        data_values.is_present as in_data,
        expected_values.is_present as in_set
    from data_values
    full outer join expected_values
        on data_values.value_field = expected_values.value_field
)

select data_value, set_value
from compared
where in_data is null or in_set is null

{% endtest %}
