{#- Every landed file the loader listed (raw.landing_inventory), as the load ledger reads it. -#}

select
    landed_path,
    source,
    entity,
    request_key,
    sha256_prefix,
    first_seen_at
from {{ source('raw_layer', 'landing_inventory') }}
