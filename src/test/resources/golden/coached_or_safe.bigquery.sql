SELECT COUNT(*) AS count FROM `test-project.learning.learners` AS l WHERE (COALESCE(l.`plan` IN (@p0, @p1), FALSE) OR (NOT COALESCE(l.`churn_risk_score` >= @p2, FALSE)))
-- p0 STRING = exam_coach
-- p1 STRING = personal_coach
-- p2 NUMBER = 0.5
