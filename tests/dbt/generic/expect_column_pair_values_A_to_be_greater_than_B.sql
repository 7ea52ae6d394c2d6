{#-
    expect_column_pair_values_A_to_be_greater_than_B(column_A, column_B, or_equal=False,
                                                     row_condition=None)
    Same name and arguments as dbt-expectations. Fails each row where `A > B` (or
    `A >= B` with or_equal) is false. Strict by default.
    NULLs PASS: a NULL in either column makes the comparison NULL, not false.
-#}
{% test expect_column_pair_values_A_to_be_greater_than_B(model, column_A, column_B, or_equal=False, row_condition=None) %}

{%- set operator = ">=" if or_equal else ">" %}

with filtered as (
    {{ dq_filtered(model, row_condition) }}
)

select {{ dq_select_list([column_A, column_B]) }}
from filtered
where not ({{ column_A }} {{ operator }} {{ column_B }})

{% endtest %}
