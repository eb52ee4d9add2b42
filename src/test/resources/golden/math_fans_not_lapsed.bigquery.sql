SELECT COUNT(*) AS count FROM `test-project.learning.learners` AS l WHERE (COALESCE(@p0 IN UNNEST(l.`tags`), FALSE) AND (NOT COALESCE(l.`plan_status` = @p1, FALSE)))
-- p0 STRING = math
-- p1 STRING = lapsed
