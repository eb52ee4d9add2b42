SELECT COUNT(*) AS count FROM "learners" AS l WHERE (COALESCE(starts_with(l."prefecture", ?), FALSE) AND COALESCE(contains(l."email", ?), FALSE) AND COALESCE(l."signup_tz" >= ? AND l."signup_tz" < ?, FALSE) AND COALESCE(list_has_any(l."tags", ?), FALSE))
-- p0 STRING = to
-- p1 STRING = 1
-- p2 TIMESTAMP_TZ = 2024-12-31T15:00:00Z
-- p3 TIMESTAMP_TZ = 2025-12-31T15:00:00Z
-- p4 ARRAY<STRING> = [line, science]
