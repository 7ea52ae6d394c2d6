{#-
    (test name, compiled query) of every data test declared on the node whose relation is
    `model`, for the test declared_data_tests_pass. A test is taken when it reads that node
    only and fails the build on any returned row (severity error, dbt's default thresholds,
    no limit); its `where` config is applied as dbt applies it. Everything else (singular
    tests, tests reading a second model, warn-severity tests) stays its own node, which
    selectors.yml `nightly` selects by the same rule; tests/python/test_declared_tests.py
    checks the two together cover every data test exactly once.
-#}
{% macro declared_test_queries(model) -%}
    {%- set checks = [] -%}
    {%- if execute -%}
        {%- set relation = model | string | trim -%}
        {%- set owners = [] -%}
        {%- for node in graph.nodes.values() | list + graph.sources.values() | list -%}
            {%- if node.resource_type in ('model', 'seed', 'snapshot', 'source')
                and node.relation_name == relation -%}
                {%- do owners.append(node.unique_id) -%}
            {%- endif -%}
        {%- endfor -%}
        {#- Two sources may name one table (raw_layer reads the raw tables for the ledger). -#}
        {%- if owners | length == 0 -%}
            {{ exceptions.raise_compiler_error(
                "declared_data_tests_pass: no model, seed or source is " ~ relation) }}
        {%- endif -%}
        {%- for test in graph.nodes.values()
            if test.resource_type == 'test' and test.test_metadata
            and test.test_metadata.name != 'declared_data_tests_pass'
            and test.depends_on.nodes | length == 1 and test.depends_on.nodes[0] in owners
            and declared_test_is_bundled(test) -%}
            {%- set render = context.get('test_' ~ test.test_metadata.name) -%}
            {%- if render is none -%}
                {{ exceptions.raise_compiler_error(
                    "declared_data_tests_pass: no macro for test " ~ test.test_metadata.name) }}
            {%- endif -%}
            {%- set arguments = {} -%}
            {%- for name, value in test.test_metadata.kwargs.items() if name != 'model' -%}
                {%- do arguments.update({name: value}) -%}
            {%- endfor -%}
            {%- set tested = relation -%}
            {%- if test.config.where -%}
                {%- set tested = '(select * from ' ~ relation ~ ' where ' ~ test.config.where
                    ~ ') as dbt_subquery' -%}
            {%- endif -%}
            {%- do checks.append((test.name, render(model=tested, **arguments))) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(checks) }}
{%- endmacro %}


{#- Whether a declared test can be folded into its node's declared_data_tests_pass. -#}
{% macro declared_test_is_bundled(test) -%}
    {{ return(
        test.config.severity | lower == 'error'
        and test.config.error_if | trim == '!= 0'
        and test.config.fail_calc | trim == 'count(*)'
        and test.config.limit is none
    ) }}
{%- endmacro %}
