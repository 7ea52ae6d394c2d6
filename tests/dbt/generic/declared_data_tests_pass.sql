{#-
    declared_data_tests_pass()
    Our own test (no dbt-expectations counterpart): every data test declared on the same
    model, seed or source, rendered by that test's own macro with its own arguments and run
    as one query. It fails with one row per failing declared test: its name and how many
    rows it returned. `dbt build --selector nightly` runs this instead of the tests it
    stands for (selectors.yml), because dbt spends tens of ms on every test node and a
    query costs a few (docs/benchmark.md); the default selection runs the individual tests
    and leaves this out. Which tests it stands for: declared_test_queries.
-#}
{% test declared_data_tests_pass(model) %}
{%- set checks = declared_test_queries(model) %}
{%- if checks | length == 0 %}
select
    cast(null as {{ dbt.type_string() }}) as test_name,
    cast(null as {{ dbt.type_bigint() }}) as failing_rows
from (select 1 as no_declared_tests) as nothing
where 1 = 0
{%- else %}
select test_name, failing_rows
from (
    {%- for test_name, query in checks %}
    select
        '{{ test_name | replace("'", "''") }}' as test_name,
        (select count(*) from ({{ query }}) as test_rows) as failing_rows
    {{- "\n    union all" if not loop.last }}
    {%- endfor %}
) as declared_tests
where failing_rows > 0
{%- endif %}
{% endtest %}
