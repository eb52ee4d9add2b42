WITH seg0 AS (SELECT l.`learner_id` AS k FROM `test-project.learning.learners` AS l WHERE COALESCE(@p0 IN UNNEST(l.`tags`), FALSE)),
ref0 AS (SELECT k, ARRAY_AGG(id) AS ids FROM (SELECT k, 0 AS id FROM seg0) AS u GROUP BY k)
SELECT COUNT(*) AS count FROM `test-project.learning.learners` AS l
  LEFT JOIN ref0 AS ref0 ON ref0.k = l.`learner_id` WHERE ((COALESCE(0 IN UNNEST(ref0.ids), FALSE) AND COALESCE(l.`grade` = @p1, FALSE)) OR (COALESCE(0 IN UNNEST(ref0.ids), FALSE) AND (NOT COALESCE(l.`plan_status` = @p2, FALSE))))
-- p0 STRING = math
-- p1 STRING = hs3
-- p2 STRING = lapsed
