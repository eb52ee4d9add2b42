SELECT COUNT(*) AS count FROM `test-project.learning.learners` AS l WHERE COALESCE(l.`last_active_at` < @p0, FALSE)
-- p0 TIMESTAMP = 2026-02-21T21:00
