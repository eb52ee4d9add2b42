SELECT COUNT(*) AS count FROM "learners" AS l WHERE (COALESCE(l."watch_minutes_7d" < ?, FALSE) AND (l."email_opt_in" IS TRUE))
-- p0 INTEGER = 30
