{#-
  Feature health for analysts: per game date and feature, how many rows had it, its NULL
  rate, mean and standard deviation, and the mix of row quality behind it. One row per
  (game_date, feature_name), built from the same ordered feature list as the ML step (the
  feature store's YAML), so a plot of any feature's health over a season is one query.
-#}

{%- set store = graph.nodes.values() | selectattr('name', 'equalto', 'ml_feature_store') | first -%}
{%- set features = [] -%}
{%- for column in (store.columns.values() | list) if execute -%}
    {%- if column.meta.get('feature') -%}{%- do features.append(column.name) -%}{%- endif -%}
{%- endfor %}

with

store as (
    select * from {{ ref('ml_feature_store') }}
),

{% if features | length == 0 -%}
per_feature as (
    select
        cast(null as date) as game_date,
        cast(null as {{ dbt.type_string() }}) as season,
        cast(null as {{ dbt.type_string() }}) as feature_name,
        cast(null as {{ dbt.type_int() }}) as feature_order,
        cast(null as {{ dbt.type_bigint() }}) as row_count,
        cast(null as {{ dbt.type_bigint() }}) as non_null_count,
        cast(null as {{ dbt.type_float() }}) as mean_value,
        cast(null as {{ dbt.type_float() }}) as std_value,
        cast(null as {{ dbt.type_bigint() }}) as complete_rows,
        cast(null as {{ dbt.type_bigint() }}) as partial_rows,
        cast(null as {{ dbt.type_bigint() }}) as cold_start_rows
    from store
    where false
)
{%- else -%}
    -- Every feature's statistics in one pass over the store (a scan per feature took most of
    -- this model's time), then one row per feature.
    per_date as (
        select
            game_date,
            season,
            {%- for feature in features %}
                count({{ feature }}) as non_null_{{ loop.index }},
                avg({{ feature }}) as mean_{{ loop.index }},
                stddev_samp({{ feature }}) as std_{{ loop.index }},
            {%- endfor %}
            count(*) as row_count,
            sum(case when quality_tier = 'complete' then 1 else 0 end) as complete_rows,
            sum(case when quality_tier = 'partial' then 1 else 0 end) as partial_rows,
            sum(case when quality_tier = 'cold_start' then 1 else 0 end) as cold_start_rows
        from store
        group by game_date, season
    ),

    feature_list as (
        {%- for feature in features %}
            select
                '{{ feature }}' as feature_name,
                {{ loop.index }} as feature_order
            {%- if not loop.last %}
                union all
            {%- endif %}
        {%- endfor %}
    ),

    per_feature as (
        select
            per_date.game_date,
            per_date.season,
            feature_list.feature_name,
            feature_list.feature_order,
            per_date.row_count,
            {%- for statistic, column in [
                ('non_null', 'non_null_count'), ('mean', 'mean_value'), ('std', 'std_value')
            ] %}
                case feature_list.feature_order
                    {%- for feature in features %}
                        when {{ loop.index }} then per_date.{{ statistic }}_{{ loop.index }}
                    {%- endfor %}
                end as {{ column }},
            {%- endfor %}
            per_date.complete_rows,
            per_date.partial_rows,
            per_date.cold_start_rows
        from per_date
        cross join feature_list
    )
{%- endif %}

select
    game_date,
    season,
    feature_name,
    feature_order,
    row_count,
    non_null_count,
    1.0 - non_null_count / nullif(cast(row_count as {{ dbt.type_float() }}), 0) as null_rate,
    mean_value,
    std_value,
    complete_rows,
    partial_rows,
    cold_start_rows
from per_feature
