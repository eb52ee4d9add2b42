SELECT COUNT(*) AS count FROM "learners" AS l WHERE COALESCE(l."last_active_at" < ?, FALSE)
-- p0 TIMESTAMP = 2026-02-21T21:00
