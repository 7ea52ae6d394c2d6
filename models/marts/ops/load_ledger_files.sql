{#-
  One row per landed file the warehouse knows of: listed by the loader (raw.landing_inventory),
  loaded (a row in one of the raw payload tables) or quarantined (raw.load_quarantine), with
  what happened to it. Every file must end up exactly once in a raw table or in the quarantine;
  `outcome` names anything else:
    loaded / quarantined      as it should be
    unaccounted               listed, but neither loaded nor quarantined (a load that died half
                              way, a raw row deleted by hand): run `python -m ingest load`
    loaded_and_quarantined    in both (a quarantine row left behind after a replay)
    loaded_more_than_once     in two raw tables
    not_inventoried           loaded or quarantined, never listed (a raw row written by something
                              other than the loader, or a warehouse loaded before the inventory
                              existed: the next `ingest load` lists it)

  Rows, not only files: for the entities whose every landed file is parsed on its own (the
  stats.nba.com game logs, the three play-by-play feeds, the pick'em files, The Odds API event
  odds),
  parsed_rows counts what staging parsed out of the file and held_back_rows how many of those
  staging holds back (ops.held_back_rows). A loaded file that parsed to nothing is visible,
  and a warning names it (an empty re-scrape is one, and legitimate). NULL for entities
  parsed latest-fetch-only.
-#}

{#- The base models that parse each landed file on its own, and the entities they parse. -#}
{%- set file_parsers = [
    ('base_nba_stats__player_game_logs', [('nba_stats', 'player_game_logs')]),
    ('base_nba_stats__team_game_logs', [('nba_stats', 'team_game_logs')]),
    ('base_nba_stats__play_by_play_shots', [('nba_stats', 'play_by_play')]),
    ('base_nba_cdn__shots', [('nba_cdn', 'play_by_play')]),
    ('base_bigdataball__shots', [('bigdataball', 'play_by_play')]),
    ('base_nba_schedule__games', [('nba_schedule', 'league_schedule')]),
    ('base_pickem_lines__player_props', [('pickem_lines', 'player_props')]),
    ('base_odds_api__market_outcomes', [('odds_api', 'player_props'), ('odds_api', 'game_lines')])
] -%}

with

inventory as (
    select * from {{ ref('stg_raw_layer__landing_inventory') }}
),

quarantine as (
    select * from {{ ref('stg_raw_layer__load_quarantine') }}
),

loaded_rows as (
    select * from {{ ref('stg_raw_layer__loaded_files') }}
),

rows_per_file as (
    {%- for model, entities in file_parsers %}
        select
            landed_path,
            count(*) as parsed_rows,
            sum(case when has_problem then 1 else 0 end) as held_back_rows
        from (
            select
                source_landed_path as landed_path,
                row_problem is not null as has_problem
            from {{ ref(model) }}
        ) as parsed
        group by landed_path
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

-- Entities whose files are each parsed on their own, so a file without parsed rows has none.
parsed_entities as (
    {%- for model, entities in file_parsers %}
        {%- set outer_last = loop.last %}
        {%- for source, entity in entities %}
            select
                '{{ source }}' as source,
                '{{ entity }}' as entity
            {%- if not (outer_last and loop.last) %}
                union all
            {%- endif %}
        {%- endfor %}
    {%- endfor %}
),

loaded as (
    select
        landed_path,
        min(source) as source,
        min(entity) as entity,
        min(sha256) as loaded_sha256,
        min(raw_table) as raw_table,
        count(*) as loaded_copies
    from loaded_rows
    group by landed_path
),

every_path as (
    select landed_path from inventory
    union all
    select landed_path from quarantine
    union all
    select landed_path from loaded
),

paths as (
    select landed_path
    from every_path
    group by landed_path
),

joined as (
    select
        paths.landed_path,
        coalesce(inventory.source, loaded.source, quarantine.source) as source,
        coalesce(inventory.entity, loaded.entity, quarantine.entity) as entity,
        inventory.request_key,
        inventory.sha256_prefix,
        inventory.first_seen_at,
        inventory.landed_path is not null as is_inventoried,
        loaded.landed_path is not null as is_loaded,
        quarantine.landed_path is not null as is_quarantined,
        coalesce(loaded.loaded_copies, 0) as loaded_copies,
        loaded.raw_table,
        loaded.loaded_sha256,
        quarantine.reason as quarantine_reason,
        quarantine.quarantined_at,
        parsed_entities.source is not null as is_parsed_per_file,
        rows_per_file.parsed_rows,
        rows_per_file.held_back_rows
    from paths
    left join inventory
        on paths.landed_path = inventory.landed_path
    left join loaded
        on paths.landed_path = loaded.landed_path
    left join quarantine
        on paths.landed_path = quarantine.landed_path
    left join rows_per_file
        on paths.landed_path = rows_per_file.landed_path
    left join parsed_entities
        on
            coalesce(inventory.source, loaded.source, quarantine.source) = parsed_entities.source
            and coalesce(inventory.entity, loaded.entity, quarantine.entity)
            = parsed_entities.entity
)

select
    landed_path,
    source,
    entity,
    request_key,
    sha256_prefix,
    first_seen_at,
    is_inventoried,
    is_loaded,
    is_quarantined,
    loaded_copies,
    raw_table,
    loaded_sha256,
    quarantine_reason,
    quarantined_at,
    case
        when is_loaded and is_parsed_per_file then coalesce(parsed_rows, 0)
    end as parsed_rows,
    case
        when is_loaded and is_parsed_per_file then coalesce(held_back_rows, 0)
    end as held_back_rows,
    case
        when not is_inventoried then 'not_inventoried'
        when loaded_copies > 1 then 'loaded_more_than_once'
        when is_loaded and is_quarantined then 'loaded_and_quarantined'
        when is_loaded then 'loaded'
        when is_quarantined then 'quarantined'
        else 'unaccounted'
    end as outcome
from joined
