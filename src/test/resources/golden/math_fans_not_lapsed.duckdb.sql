SELECT COUNT(*) AS count FROM "learners" AS l WHERE (COALESCE(list_contains(l."tags", ?), FALSE) AND (NOT COALESCE(l."plan_status" = ?, FALSE)))
-- p0 STRING = math
-- p1 STRING = lapsed
