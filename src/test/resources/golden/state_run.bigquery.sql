-- execute
CREATE TABLE IF NOT EXISTS `test-project.masync_state.state__s1` (`k` STRING, `dk` STRING, `h` INT64, `fh` ARRAY<INT64>, `fp` INT64)

-- execute
CREATE TABLE IF NOT EXISTS `test-project.masync_state.statelog__s1` (`k` STRING, `dk` STRING, `h` INT64, `fh` ARRAY<INT64>, `fp` INT64, `v` INT64, `run` INT64, `del` BOOL)

-- execute
CREATE OR REPLACE TABLE `test-project.masync_state.pending__s1` AS
WITH m AS (SELECT l.`pid`, l.`mail`, l.`minutes`, l.`exam` FROM `test-project.learning.people` AS l WHERE (COALESCE(l.`minutes` >= @p0, FALSE) AND COALESCE(l.`exam` >= @p1 AND l.`exam` <= @p2, FALSE))),
c AS (SELECT CAST(m.`pid` AS STRING) AS k, CAST(m.`mail` AS STRING) AS dk, m.`minutes` AS v0, m.`exam` AS v1,
  [FARM_FINGERPRINT(CONCAT(@p3, TO_JSON_STRING(m.`minutes`))),
   FARM_FINGERPRINT(CONCAT(@p4, TO_JSON_STRING(m.`exam`)))] AS fh FROM m),
d AS (SELECT *, FARM_FINGERPRINT(TO_JSON_STRING(STRUCT(CAST(@p5 AS INT64) AS fp, dk AS dk, fh AS fh))) AS h,
  CASE WHEN dk IS NULL THEN 'N' WHEN COUNT(*) OVER (PARTITION BY dk) > 1 THEN 'D' END AS bad FROM c),
changed AS (SELECT CASE WHEN d.bad IS NOT NULL THEN d.bad WHEN s.k IS NULL THEN 'E' WHEN d.k IS NULL THEN 'L' WHEN d.h IS DISTINCT FROM s.h THEN 'C' ELSE 'U' END AS op, COALESCE(d.k, s.k) AS k, d.dk, s.dk AS old_dk, s.h AS old_h, s.fh AS old_fh, (s.fp IS DISTINCT FROM CAST(@p6 AS INT64)) AS redefined, d.h, d.fh, d.v0, d.v1
FROM d FULL OUTER JOIN (SELECT k, dk, h, fh, fp FROM `test-project.masync_state.state__s1` WHERE k NOT IN (SELECT k FROM `test-project.masync_state.statelog__s1`)
  UNION ALL SELECT k, dk, h, fh, fp FROM (SELECT k, dk, h, fh, fp, del, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM `test-project.masync_state.statelog__s1`) AS l WHERE rn = 1 AND NOT del) AS s ON d.k = s.k
WHERE d.h IS DISTINCT FROM s.h OR d.bad IS NOT NULL OR (CAST(@p7 AS BOOL) AND d.k IS NOT NULL))
SELECT ROW_NUMBER() OVER () AS seq, p.op, p.k, p.dk, p.old_dk, p.h, p.fh, CAST(@p8 AS INT64) AS fp, p.redefined,
  (p.fh[SAFE_OFFSET(0)] IS DISTINCT FROM p.old_fh[SAFE_OFFSET(0)]) AS ch0,
  (p.fh[SAFE_OFFSET(1)] IS DISTINCT FROM p.old_fh[SAFE_OFFSET(1)]) AS ch1, p.v0, p.v1
FROM changed AS p
-- p0 INTEGER = 5
-- p1 DATE = 2026-11-02
-- p2 DATE = 2027-01-01
-- p3 STRING = mins|AUTO
-- p4 STRING = exam_date|DATE
-- p5 INTEGER = -5906749819736082454
-- p6 INTEGER = -5906749819736082454
-- p7 BOOLEAN = false
-- p8 INTEGER = -5906749819736082454

-- query
SELECT (SELECT COUNT(*) FROM (SELECT k FROM `test-project.masync_state.state__s1` WHERE k NOT IN (SELECT k FROM `test-project.masync_state.statelog__s1`)
  UNION ALL SELECT k FROM (SELECT k, del, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM `test-project.masync_state.statelog__s1`) AS l WHERE rn = 1 AND NOT del)) AS previous, COUNTIF(op = 'E') AS entered, COUNTIF(op = 'C') AS changed, COUNTIF(op = 'C' AND NOT redefined) AS changed_by_values, COUNTIF(op = 'L') AS leaving, COUNTIF(op = 'U') AS resent, COUNTIF(op = 'N') AS identity_null, COUNTIF(op = 'D') AS identity_duplicate, COUNTIF(op IN ('N', 'D') AND old_dk IS NULL) AS identity_not_held FROM `test-project.masync_state.pending__s1`

-- query
SELECT seq, op, k, dk, old_dk, (op IN ('E', 'U') OR redefined) AS all_fields, CAST(h AS STRING) AS h, ch0, ch1, v0, v1 FROM `test-project.masync_state.pending__s1` ORDER BY seq

-- execute
CREATE OR REPLACE TABLE `test-project.masync_state.changes__s1__1` AS
SELECT seq, op, k, dk, old_dk, h, fh, fp FROM `test-project.masync_state.pending__s1`

-- sending(1, 2, []), confirm(1, 2, [6]): journaled

-- sending(3, 3, []), confirm(3, 3, []): journaled

-- execute
INSERT INTO `test-project.masync_state.statelog__s1` (k, dk, h, fh, fp, v, run, del)
SELECT c.k, c.dk, c.h, c.fh, c.fp, (SELECT COALESCE(MAX(v), 0) + 1 FROM `test-project.masync_state.statelog__s1`), @p0, c.op = 'L' FROM (SELECT p.op, p.k, p.dk, p.h, p.fh, p.fp FROM `test-project.masync_state.changes__s1__1` AS p
  JOIN (SELECT zipped AS `lo`, @p1[OFFSET(o)] AS `hi` FROM UNNEST(@p2) AS zipped WITH OFFSET AS o) AS r ON p.seq BETWEEN r.lo AND r.hi
  LEFT JOIN (SELECT zipped AS `xk`, @p3[OFFSET(o)] AS `xlo`, @p4[OFFSET(o)] AS `xhi` FROM UNNEST(@p5) AS zipped WITH OFFSET AS o) AS x ON x.xk = p.k AND p.seq BETWEEN x.xlo AND x.xhi
  WHERE x.xk IS NULL AND p.op NOT IN ('N', 'D')) AS c
-- p0 INTEGER = 1
-- p1 ARRAY<INTEGER> = [3]
-- p2 ARRAY<INTEGER> = [1]
-- p3 ARRAY<INTEGER> = [1]
-- p4 ARRAY<INTEGER> = [2]
-- p5 ARRAY<STRING> = [6]

-- execute
DROP TABLE IF EXISTS `test-project.masync_state.changes__s1__1`

-- query
SELECT (SELECT COUNT(*) FROM `test-project.masync_state.statelog__s1`) AS log_rows, (SELECT COUNT(*) FROM `test-project.masync_state.state__s1`) AS state_rows, (SELECT COALESCE(MAX(v), 0) FROM `test-project.masync_state.statelog__s1`) AS top

-- execute
DROP TABLE IF EXISTS `test-project.masync_state.pending__s1`

