{#-
  One row per loaded file and raw payload table: which table holds it and the SHA-256 of the
  bytes loaded. Only the file columns, never the payloads: the load ledger's input.
-#}

{%- set raw_tables = [
    'nba_stats__player_game_logs', 'nba_stats__team_game_logs', 'nba_stats__play_by_play',
    'nba_cdn__play_by_play', 'bigdataball__play_by_play', 'nba_schedule__league_schedule',
    'odds_api__events', 'odds_api__player_props', 'odds_api__game_lines',
    'pickem_lines__player_props', 'user_lines__player_points'
] -%}

{%- for table in raw_tables %}
    select
        landed_path,
        source,
        entity,
        sha256,
        '{{ table }}' as raw_table
    from {{ source('raw_layer', table) }}
    {%- if not loop.last %}
        union all
    {%- endif %}
{%- endfor %}
