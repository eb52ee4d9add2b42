CREATE OR REPLACE TABLE `test-project.masync_state.pending__s1` AS
WITH m AS (SELECT l.`pid`, l.`mail`, l.`minutes`, l.`exam` FROM `test-project.learning.people` AS l WHERE (COALESCE(l.`minutes` >= @p0, FALSE) AND COALESCE(l.`exam` >= @p1 AND l.`exam` <= @p2, FALSE))),
c AS (SELECT CAST(m.`pid` AS STRING) AS k, CAST(m.`mail` AS STRING) AS dk, m.`minutes` AS v0, m.`exam` AS v1,
  [FARM_FINGERPRINT(CONCAT(@p3, TO_JSON_STRING(m.`minutes`))),
   FARM_FINGERPRINT(CONCAT(@p4, TO_JSON_STRING(m.`exam`)))] AS fh FROM m),
d AS (SELECT *, FARM_FINGERPRINT(TO_JSON_STRING(STRUCT(CAST(@p5 AS INT64) AS fp, dk AS dk, fh AS fh))) AS h FROM c)
SELECT ROW_NUMBER() OVER () AS seq, CASE WHEN s.k IS NULL THEN 'E' WHEN d.k IS NULL THEN 'L' WHEN d.h IS DISTINCT FROM s.h THEN 'C' ELSE 'U' END AS op, COALESCE(d.k, s.k) AS k, d.dk, s.dk AS old_dk, d.h, d.fh, CAST(@p6 AS INT64) AS fp, (s.fp IS DISTINCT FROM CAST(@p7 AS INT64)) AS redefined,
  (d.fh[SAFE_OFFSET(0)] IS DISTINCT FROM s.fh[SAFE_OFFSET(0)]) AS ch0,
  (d.fh[SAFE_OFFSET(1)] IS DISTINCT FROM s.fh[SAFE_OFFSET(1)]) AS ch1, d.v0, d.v1
FROM d FULL OUTER JOIN `test-project.masync_state.state__s1` AS s ON d.k = s.k
WHERE d.h IS DISTINCT FROM s.h OR (CAST(@p8 AS BOOL) AND d.k IS NOT NULL)
-- p0 INTEGER = 5
-- p1 DATE = 2026-11-02
-- p2 DATE = 2027-01-01
-- p3 STRING = mins|AUTO
-- p4 STRING = exam_date|DATE
-- p5 INTEGER = -5906749819736082454
-- p6 INTEGER = -5906749819736082454
-- p7 INTEGER = -5906749819736082454
-- p8 BOOLEAN = false
