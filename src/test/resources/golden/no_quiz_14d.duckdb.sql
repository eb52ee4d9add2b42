WITH e0 AS (SELECT "learner_id" AS k, COUNT(*) AS v FROM "quiz_attempts" WHERE "answered_at" >= ? AND "answered_at" <= ? GROUP BY "learner_id")
SELECT COUNT(*) AS count FROM "learners" AS l
  LEFT JOIN e0 ON e0.k = l."learner_id" WHERE COALESCE(COALESCE(e0.v, 0) = ?, FALSE)
-- p0 TIMESTAMP = 2026-02-14T21:00
-- p1 TIMESTAMP = 2026-02-28T21:00
-- p2 INTEGER = 0
