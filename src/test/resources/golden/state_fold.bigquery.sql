INSERT INTO `test-project.masync_state.statelog__s1` (k, dk, h, fh, fp, v, run, del)
SELECT c.k, c.dk, c.h, c.fh, c.fp, (SELECT COALESCE(MAX(v), 0) + 1 FROM `test-project.masync_state.statelog__s1`), @p0, c.op = 'L' FROM (SELECT p.op, p.k, p.dk, p.h, p.fh, p.fp FROM `test-project.masync_state.changes__s1__1` AS p
  JOIN (SELECT zipped AS `lo`, @p1[OFFSET(o)] AS `hi` FROM UNNEST(@p2) AS zipped WITH OFFSET AS o) AS r ON p.seq BETWEEN r.lo AND r.hi
  LEFT JOIN (SELECT zipped AS `xk`, @p3[OFFSET(o)] AS `xlo`, @p4[OFFSET(o)] AS `xhi` FROM UNNEST(@p5) AS zipped WITH OFFSET AS o) AS x ON x.xk = p.k AND p.seq BETWEEN x.xlo AND x.xhi
  WHERE x.xk IS NULL AND p.op NOT IN ('N', 'D')) AS c
-- p0 INTEGER = 1
-- p1 ARRAY<INTEGER> = [150, 170]
-- p2 ARRAY<INTEGER> = [1, 160]
-- p3 ARRAY<INTEGER> = [1, 1, 160]
-- p4 ARRAY<INTEGER> = [100, 100, 170]
-- p5 ARRAY<STRING> = [5, 6, x]
