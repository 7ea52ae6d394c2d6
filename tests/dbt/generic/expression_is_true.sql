{#-
    expression_is_true(expression, column_name=None)
    dbt_utils semantics and arguments: fails each row where `not (expression)` is true,
    i.e. where the expression is false. Defined on a column, the expression is
    `<column> <expression>` (e.g. expression: ">= 0"). NULLs PASS: a NULL expression is
    not a failure. No row_condition (as in dbt_utils): use `config: where:`.
-#}
{% test expression_is_true(model, expression, column_name=None) %}

select {{ dq_select_list(["1 as failing_row"]) }}
from {{ model }}
where not ({% if column_name is not none %}{{ column_name }} {% endif %}{{ expression }})

{% endtest %}
