WITH e0 AS (SELECT "learner_id" AS k, COUNT(DISTINCT "subject") AS v FROM "quiz_attempts" WHERE ("correct" IS TRUE) AND "answered_at" >= ? AND "answered_at" <= ? GROUP BY "learner_id"),
e1 AS (SELECT "learner_id" AS k, AVG("watch_seconds") AS v FROM "lecture_views" GROUP BY "learner_id")
SELECT COUNT(*) AS count FROM "learners" AS l
  LEFT JOIN e0 ON e0.k = l."learner_id"
  LEFT JOIN e1 ON e1.k = l."learner_id" WHERE (COALESCE(COALESCE(e0.v, 0) >= ?, FALSE) AND COALESCE(e1.v >= ?, FALSE))
-- p0 TIMESTAMP = 2026-01-31T21:00
-- p1 TIMESTAMP = 2026-02-28T21:00
-- p2 INTEGER = 3
-- p3 NUMBER = 600.0
