CREATE OR REPLACE TABLE `test-project.masync_state.pending__s1` AS
WITH m AS (SELECT l.`pid`, l.`mail`, l.`minutes`, l.`exam` FROM `test-project.learning.people` AS l WHERE (COALESCE(l.`minutes` >= @p0, FALSE) AND COALESCE(l.`exam` >= @p1 AND l.`exam` <= @p2, FALSE)) AND (l.`pid` IN (SELECT zipped AS `k` FROM UNNEST(@p3) AS zipped WITH OFFSET AS o) OR l.`mail` IN (SELECT w.`mail` FROM `test-project.learning.people` AS w WHERE w.`pid` IN (SELECT zipped AS `k` FROM UNNEST(@p4) AS zipped WITH OFFSET AS o)))),
c AS (SELECT CAST(m.`pid` AS STRING) AS k, CAST(m.`mail` AS STRING) AS dk, m.`minutes` AS v0, m.`exam` AS v1,
  [FARM_FINGERPRINT(CONCAT(@p5, TO_JSON_STRING(m.`minutes`))),
   FARM_FINGERPRINT(CONCAT(@p6, TO_JSON_STRING(m.`exam`)))] AS fh FROM m),
dw AS (SELECT *, FARM_FINGERPRINT(TO_JSON_STRING(STRUCT(CAST(@p7 AS INT64) AS fp, dk AS dk, fh AS fh))) AS h,
  CASE WHEN dk IS NULL THEN 'N' WHEN COUNT(*) OVER (PARTITION BY dk) > 1 THEN 'D' END AS bad FROM c),
d AS (SELECT * FROM dw WHERE k IN (SELECT zipped AS `k` FROM UNNEST(@p8) AS zipped WITH OFFSET AS o)),
changed AS (SELECT CASE WHEN d.bad IS NOT NULL THEN d.bad WHEN s.k IS NULL THEN 'E' WHEN d.k IS NULL THEN 'L' WHEN d.h IS DISTINCT FROM s.h THEN 'C' ELSE 'U' END AS op, COALESCE(d.k, s.k) AS k, d.dk, s.dk AS old_dk, s.h AS old_h, s.fh AS old_fh, (s.fp IS DISTINCT FROM CAST(@p9 AS INT64)) AS redefined, d.h, d.fh, d.v0, d.v1
FROM d FULL OUTER JOIN (SELECT * FROM `test-project.masync_state.state__s1` AS t WHERE t.k IN (SELECT zipped AS `k` FROM UNNEST(@p10) AS zipped WITH OFFSET AS o)) AS s ON d.k = s.k
WHERE d.h IS DISTINCT FROM s.h OR d.bad IS NOT NULL OR (CAST(@p11 AS BOOL) AND d.k IS NOT NULL))
SELECT ROW_NUMBER() OVER () AS seq, p.op, p.k, p.dk, p.old_dk, p.h, p.fh, CAST(@p12 AS INT64) AS fp, p.redefined,
  (p.fh[SAFE_OFFSET(0)] IS DISTINCT FROM p.old_fh[SAFE_OFFSET(0)]) AS ch0,
  (p.fh[SAFE_OFFSET(1)] IS DISTINCT FROM p.old_fh[SAFE_OFFSET(1)]) AS ch1, p.v0, p.v1
FROM changed AS p
-- p0 INTEGER = 5
-- p1 DATE = 2026-11-02
-- p2 DATE = 2027-01-01
-- p3 ARRAY<INTEGER> = [7]
-- p4 ARRAY<INTEGER> = [7]
-- p5 STRING = mins|AUTO
-- p6 STRING = exam_date|DATE
-- p7 INTEGER = -5906749819736082454
-- p8 ARRAY<STRING> = [7, x'; DROP TABLE t; --]
-- p9 INTEGER = -5906749819736082454
-- p10 ARRAY<STRING> = [7, x'; DROP TABLE t; --]
-- p11 BOOLEAN = false
-- p12 INTEGER = -5906749819736082454
