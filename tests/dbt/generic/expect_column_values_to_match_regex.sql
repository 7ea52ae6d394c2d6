{#-
    expect_column_values_to_match_regex(column_name, regex, row_condition=None,
                                        is_raw=False, flags="")
    Same name and arguments as dbt-expectations. Fails each row whose (string) value
    contains no match of regex; it is a search, so anchor with ^...$ for a full match.
    NULLs PASS. The function differs per adapter, hence dq_regexp_matches dispatches
    (macros/testing/dq_regexp_matches.sql): DuckDB regexp_matches, BigQuery
    regexp_contains with a raw r'' literal. The pattern reaches the engine exactly as
    written in YAML on both targets (what is_raw: true means in dbt-expectations), so
    is_raw is accepted for compatibility and changes nothing here; if you switch to the
    hub package, set is_raw: true on patterns with backslashes to keep them portable.
    flags: RE2 inline flags (i, m, s, U), e.g. flags: i for case-insensitive. Keep
    patterns to the RE2 subset both engines share (no look-around, no backreferences).
-#}
{% test expect_column_values_to_match_regex(model, column_name, regex, row_condition=None, is_raw=False, flags="") %}

with filtered as (
    {{ dq_filtered(model, row_condition) }}
)

select {{ dq_select_list([column_name]) }}
from filtered
where not ({{ dq_regexp_matches(column_name, regex, flags) }})

{% endtest %}
