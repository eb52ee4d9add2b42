WITH e0 AS (SELECT "learner_id" AS k, MAX("viewed_at") AS v FROM "lecture_views" GROUP BY "learner_id")
SELECT COUNT(*) AS count FROM "learners" AS l
  LEFT JOIN e0 ON e0.k = l."learner_id" WHERE COALESCE(e0.v < ?, FALSE)
-- p0 TIMESTAMP = 2026-02-01T00:00
