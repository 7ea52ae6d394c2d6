{#-
    expect_column_pair_values_to_be_equal(column_A, column_B, row_condition=None)
    Same name and arguments as dbt-expectations. Fails each row where `A = B` is false.
    NULLs PASS: a NULL in either column (or both) makes the comparison NULL, not false.
    Exact equality: compare floats through round() in the column expressions if needed.
-#}
{% test expect_column_pair_values_to_be_equal(model, column_A, column_B, row_condition=None) %}

with filtered as (
    {{ dq_filtered(model, row_condition) }}
)

select {{ dq_select_list([column_A, column_B]) }}
from filtered
where not ({{ column_A }} = {{ column_B }})

{% endtest %}
