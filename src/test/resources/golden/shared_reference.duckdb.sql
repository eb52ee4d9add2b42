WITH seg0 AS MATERIALIZED (SELECT l."learner_id" AS k FROM "learners" AS l WHERE COALESCE(list_contains(l."tags", ?), FALSE)),
ref0 AS MATERIALIZED (SELECT k, list(id) AS ids FROM (SELECT k, 0 AS id FROM seg0) AS u GROUP BY k)
SELECT COUNT(*) AS count FROM "learners" AS l
  LEFT JOIN ref0 AS ref0 ON ref0.k = l."learner_id" WHERE ((COALESCE(list_contains(ref0.ids, 0), FALSE) AND COALESCE(l."grade" = ?, FALSE)) OR (COALESCE(list_contains(ref0.ids, 0), FALSE) AND (NOT COALESCE(l."plan_status" = ?, FALSE))))
-- p0 STRING = math
-- p1 STRING = hs3
-- p2 STRING = lapsed
