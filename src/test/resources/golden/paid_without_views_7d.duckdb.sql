WITH e0 AS (SELECT "learner_id" AS k, COUNT(*) AS v FROM "lecture_views" WHERE "viewed_at" >= ? AND "viewed_at" <= ? AND "learner_id" IN (SELECT l."learner_id" FROM "learners" AS l WHERE COALESCE(l."plan" IN (?, ?, ?), FALSE)) GROUP BY "learner_id")
SELECT COUNT(*) AS count FROM "learners" AS l
  LEFT JOIN e0 ON e0.k = l."learner_id" WHERE (COALESCE(l."plan" IN (?, ?, ?), FALSE) AND COALESCE(COALESCE(e0.v, 0) < ?, FALSE))
-- p0 TIMESTAMP = 2026-02-21T21:00
-- p1 TIMESTAMP = 2026-02-28T21:00
-- p2 STRING = basic
-- p3 STRING = exam_coach
-- p4 STRING = personal_coach
-- p5 STRING = basic
-- p6 STRING = exam_coach
-- p7 STRING = personal_coach
-- p8 INTEGER = 1
