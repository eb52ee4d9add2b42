WITH e0 AS (SELECT `learner_id` AS k, SUM(`watch_seconds`) AS v FROM `test-project.learning.lecture_views` WHERE `viewed_at` >= @p0 AND `viewed_at` < @p1 GROUP BY `learner_id`)
SELECT COUNT(*) AS count FROM `test-project.learning.learners` AS l
  LEFT JOIN e0 ON e0.k = l.`learner_id` WHERE COALESCE(COALESCE(e0.v, 0) > @p2, FALSE)
-- p0 TIMESTAMP = 2026-02-01T00:00
-- p1 TIMESTAMP = 2026-02-15T00:00
-- p2 NUMBER = 3600.0
