SELECT COUNT(*) AS count FROM "learners" AS l WHERE COALESCE(l."grade" IN (?, ?), FALSE)
-- p0 STRING = hs3
-- p1 STRING = ronin
