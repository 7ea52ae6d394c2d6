{#-
    expect_column_values_to_not_be_null(column_name, row_condition=None)
    Same name and arguments as dbt-expectations. Fails each row (after row_condition)
    whose column is NULL; equivalent to dbt's not_null plus a row_condition.
-#}
{% test expect_column_values_to_not_be_null(model, column_name, row_condition=None) %}

with filtered as (
    {{ dq_filtered(model, row_condition) }}
)

select {{ dq_select_list([column_name]) }}
from filtered
where {{ column_name }} is null

{% endtest %}
