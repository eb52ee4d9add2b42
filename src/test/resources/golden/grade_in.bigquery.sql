SELECT COUNT(*) AS count FROM `test-project.learning.learners` AS l WHERE COALESCE(l.`grade` IN (@p0, @p1), FALSE)
-- p0 STRING = hs3
-- p1 STRING = ronin
