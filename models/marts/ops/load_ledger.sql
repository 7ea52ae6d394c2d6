{#-
  Per source and entity: how many landed files the loader listed, how many are loaded and how
  many quarantined. Landed = loaded + quarantined is tested; any difference is a file that was
  seen and then lost (or one loaded from somewhere the loader never listed), and
  load_ledger_files names it. Rows too, where each file is parsed on its own: parsed, held
  back, and loaded files that parsed to nothing.
-#}

select
    source,
    entity,
    sum(case when is_inventoried then 1 else 0 end) as landed_files,
    sum(case when is_loaded then 1 else 0 end) as loaded_files,
    sum(case when is_quarantined then 1 else 0 end) as quarantined_files,
    sum(case when outcome in ('loaded', 'quarantined') then 0 else 1 end) as unexplained_files,
    sum(parsed_rows) as parsed_rows,
    sum(held_back_rows) as held_back_rows,
    sum(case when parsed_rows = 0 then 1 else 0 end) as loaded_files_without_rows,
    min(first_seen_at) as first_seen_at,
    max(first_seen_at) as last_seen_at,
    max(quarantined_at) as last_quarantined_at
from {{ ref('load_ledger_files') }}
group by source, entity
