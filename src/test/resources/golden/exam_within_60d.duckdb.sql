SELECT COUNT(*) AS count FROM "learners" AS l WHERE COALESCE(l."exam_date" >= ? AND l."exam_date" <= ?, FALSE)
-- p0 DATE = 2026-02-28
-- p1 DATE = 2026-04-29
