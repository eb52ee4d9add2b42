SELECT COUNT(*) AS count FROM `test-project.learning.learners` AS l WHERE COALESCE(l.`exam_date` >= @p0 AND l.`exam_date` <= @p1, FALSE)
-- p0 DATE = 2026-02-28
-- p1 DATE = 2026-04-29
