SELECT COUNT(*) AS count FROM `test-project.learning.learners` AS l WHERE (COALESCE(l.`watch_minutes_7d` < @p0, FALSE) AND (l.`email_opt_in` IS TRUE))
-- p0 INTEGER = 30
