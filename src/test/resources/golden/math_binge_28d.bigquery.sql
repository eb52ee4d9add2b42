WITH e0 AS (SELECT `learner_id` AS k, COUNT(*) AS v FROM `test-project.learning.lecture_views` WHERE COALESCE(`subject` = @p0, FALSE) AND `viewed_at` >= @p1 AND `viewed_at` <= @p2 GROUP BY `learner_id`)
SELECT COUNT(*) AS count FROM `test-project.learning.learners` AS l
  LEFT JOIN e0 ON e0.k = l.`learner_id` WHERE COALESCE(COALESCE(e0.v, 0) >= @p3, FALSE)
-- p0 STRING = math
-- p1 TIMESTAMP = 2026-01-31T21:00
-- p2 TIMESTAMP = 2026-02-28T21:00
-- p3 INTEGER = 5
