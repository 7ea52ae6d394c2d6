{#-
  Incremental marts rebuild whole games, never parts of one: a re-scraped player row changes
  his team's totals, every team-mate's usage and the opponent's defence. A game is rebuilt
  when any row feeding it was fetched after the newest fetch already in the mart, so a new
  game day and a corrected re-scrape of an old game are picked up the same way. The game's
  play-by-play counts as a feeding row (its shot zones are in the marts). A game missing
  from the mart is built too: setting a file aside removes the rows of the games it fed.

  `incremental_enabled()` is false when the var `incremental` is false, and true without
  looking when it is 'assume'. The offline BigQuery check compiles with each in turn, so
  both the full-build and the incremental SQL are analysed: is_incremental() inspects the
  warehouse, which has no connection there.
-#}
{% macro incremental_enabled() -%}
    {%- if var('incremental', true) == 'assume' -%}
        {{ return(true) }}
    {%- endif -%}
    {{ return(var('incremental', true) and is_incremental()) }}
{%- endmacro %}


{#- A where-clause predicate selecting the games to rebuild (or `1 = 1` on a full build).
    shot_zones: the mart's shot-zone model (int_player_game_shot_zones or
    int_team_game_shot_zones), whose shot_zones_fetched_at marks games whose play-by-play
    landed after their box score. -#}
{% macro changed_games_predicate(game_id_column, shot_zones=none) -%}
    {%- if incremental_enabled() -%}
    {%- do require_watermark_column('source_fetched_at') -%}
    {{ game_id_column }} in (
        select game_id
        from {{ ref('int_team_game_box_scores_unified') }}
        where last_changed_at > (select max(source_fetched_at) from {{ this }})
            -- A game the mart lacks (its rows removed by `ingest set-aside`) is built again
            -- from what is left, whatever its fetch times.
            or game_id not in (select game_id from {{ this }})
        {%- if shot_zones is not none %}
        union all
        select game_id
        from {{ shot_zones }}
        where shot_zones_fetched_at > (select max(source_fetched_at) from {{ this }})
        {%- endif %}
    )
    {%- else -%}
    1 = 1
    {%- endif -%}
{%- endmacro %}


{#- The common config of the incremental marts: merge on BigQuery, delete+insert on DuckDB,
    partitioned by month of game_date and clustered on BigQuery. A changed column list fails
    the build and asks for --full-refresh: appending the column would leave it silently NULL
    on every row built before. -#}
{% macro incremental_mart_config(unique_key, cluster_by) -%}
    {{ config(
        materialized='incremental',
        unique_key=unique_key,
        incremental_strategy=('merge' if target.type == 'bigquery' else 'delete+insert'),
        on_schema_change='fail',
        partition_by=({'field': 'game_date', 'data_type': 'date', 'granularity': 'month'}
                      if target.type == 'bigquery' else none),
        cluster_by=(cluster_by if target.type == 'bigquery' else none),
    ) }}
{%- endmacro %}


{#- The payloads of a raw table not parsed yet into the incremental base model being built
    (all of them on a full build). Landed files are immutable and keyed by path, so a path
    already in the base table has been parsed for good. Used as the relation argument of
    stats_nba_result_set_rows. -#}
{% macro payloads_not_yet_parsed(source_relation) -%}
    {%- if incremental_enabled() -%}
    {%- do require_watermark_column('source_landed_path') -%}
    (
        select *
        from {{ source_relation }}
        where landed_path not in (select source_landed_path from {{ this }})
    ) as payloads_not_yet_parsed
    {%- else -%}
    {{ source_relation }}
    {%- endif -%}
{%- endmacro %}


{#- An incremental model reads its watermark column from the table already built. A table
    built by an older version of the project may not have it, and the warehouse's own error
    ("column not found") would not say what to do; this one does. Skipped where nothing is
    executed (parsing, the offline BigQuery check's assumed incremental compile). -#}
{% macro require_watermark_column(column) -%}
    {%- if not execute or var('incremental', true) == 'assume' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set built = adapter.get_columns_in_relation(this) | map(attribute='name')
        | map('lower') | list -%}
    {%- if column not in built -%}
        {{ exceptions.raise_compiler_error(
            this ~ " has no " ~ column ~ " column: it was built by an older version of this"
            ~ " project. Rebuild it from scratch: nba-props build --full-refresh"
            ~ " (or dbt build --full-refresh --select " ~ this.identifier ~ ")."
        ) }}
    {%- endif -%}
{%- endmacro %}
