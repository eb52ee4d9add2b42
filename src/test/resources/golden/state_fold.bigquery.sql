MERGE INTO `test-project.masync_state.state__s1` AS s
USING (SELECT p.op, p.k, p.dk, p.h, p.fh, p.fp FROM `test-project.masync_state.pending__s1` AS p
  JOIN (SELECT zipped AS `lo`, @p0[OFFSET(o)] AS `hi` FROM UNNEST(@p1) AS zipped WITH OFFSET AS o) AS r ON p.seq BETWEEN r.lo AND r.hi
  LEFT JOIN (SELECT zipped AS `xk`, @p2[OFFSET(o)] AS `xlo`, @p3[OFFSET(o)] AS `xhi` FROM UNNEST(@p4) AS zipped WITH OFFSET AS o) AS x ON x.xk = p.k AND p.seq BETWEEN x.xlo AND x.xhi
  WHERE x.xk IS NULL) AS c
ON s.k = c.k
WHEN MATCHED AND c.op = 'L' THEN DELETE
WHEN MATCHED THEN UPDATE SET dk = c.dk, h = c.h, fh = c.fh, fp = c.fp
WHEN NOT MATCHED AND c.op <> 'L' THEN INSERT (k, dk, h, fh, fp) VALUES (c.k, c.dk, c.h, c.fh, c.fp)
-- p0 ARRAY<INTEGER> = [150, 170]
-- p1 ARRAY<INTEGER> = [1, 160]
-- p2 ARRAY<INTEGER> = [1, 1, 160]
-- p3 ARRAY<INTEGER> = [100, 100, 170]
-- p4 ARRAY<STRING> = [5, 6, x]
