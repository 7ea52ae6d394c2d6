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
-#}

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
        quarantine.quarantined_at
    from paths
    left join inventory
        on paths.landed_path = inventory.landed_path
    left join loaded
        on paths.landed_path = loaded.landed_path
    left join quarantine
        on paths.landed_path = quarantine.landed_path
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
        when not is_inventoried then 'not_inventoried'
        when loaded_copies > 1 then 'loaded_more_than_once'
        when is_loaded and is_quarantined then 'loaded_and_quarantined'
        when is_loaded then 'loaded'
        when is_quarantined then 'quarantined'
        else 'unaccounted'
    end as outcome
from joined
