SELECT COUNT(*) AS count FROM "learners" AS l WHERE (COALESCE(l."plan" IN (?, ?), FALSE) OR (NOT COALESCE(l."churn_risk_score" >= ?, FALSE)))
-- p0 STRING = exam_coach
-- p1 STRING = personal_coach
-- p2 NUMBER = 0.5
