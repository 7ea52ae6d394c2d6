{#- Every landed file the loader set aside (raw.load_quarantine), as the load ledger reads it. -#}

select
    landed_path,
    source,
    entity,
    reason,
    quarantined_at
from {{ source('raw_layer', 'load_quarantine') }}
