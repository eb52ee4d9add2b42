SELECT COUNT(*) AS count FROM `test-project.learning.learners` AS l WHERE (COALESCE(STARTS_WITH(l.`prefecture`, @p0), FALSE) AND COALESCE(STRPOS(l.`email`, @p1) > 0, FALSE) AND COALESCE(l.`signup_tz` >= @p2 AND l.`signup_tz` < @p3, FALSE) AND COALESCE(EXISTS (SELECT 1 FROM UNNEST(l.`tags`) AS e WHERE e IN UNNEST(@p4)), FALSE))
-- p0 STRING = to
-- p1 STRING = 1
-- p2 TIMESTAMP_TZ = 2024-12-31T15:00:00Z
-- p3 TIMESTAMP_TZ = 2025-12-31T15:00:00Z
-- p4 ARRAY<STRING> = [line, science]
