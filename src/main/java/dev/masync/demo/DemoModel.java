package dev.masync.demo;

import static dev.masync.demo.DemoSql.choose;
import static dev.masync.demo.DemoSql.date;
import static dev.masync.demo.DemoSql.exec;
import static dev.masync.demo.DemoSql.pick;
import static dev.masync.demo.DemoVocabulary.*;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;

/**
 * The hidden model of the demo: learner profiles with a latent engagement level, and the events that level produces
 * day by day. All randomness is {@code hash(seed, key..., salt)}, so a row depends only on its keys, never on row
 * order or threads. Days are epoch-day integers and times are zone-less local times.
 */
final class DemoModel {

    /** Salts: one per independent draw. Never reuse one for two purposes. */
    private static final int S_SIGNUP_DAY = 1, S_SIGNUP_HOUR = 2, S_SIGNUP_SEC = 3, S_GRADE = 4, S_PREF = 5,
            S_PLAN = 6, S_STATUS = 7, S_CANCEL_AT = 8, S_EXAM = 9, S_EXAM_DAY = 10, S_EMAIL_OPT = 11,
            S_PUSH_OPT = 12, S_LINE = 13, S_LEVEL = 14, S_SWITCH = 15, S_SWITCH_DAY = 16, S_PREV_LEVEL = 17,
            S_FREQ = 18, S_VOL1 = 19, S_VOL2 = 20, S_FAV = 21, S_DEVICE = 22, S_SKILL = 23, S_LAST_ACTIVE = 24,
            S_NEVER_ACTIVE = 25, S_GIVEN = 26, S_FAMILY = 27, S_STYLE = 28, S_DOMAIN = 29, S_MALFORMED = 30,
            S_MALFORM_KIND = 31, S_BASE = 32, S_LAST_ACTIVE_TIME = 33;
    private static final int S_ACTIVE = 40, S_BLOCKS = 41, S_N1 = 42, S_N2 = 43, S_SUBJ1 = 44, S_SUBJ1_PICK = 45,
            S_SUBJ2 = 46, S_START_HOUR = 47, S_START_SEC = 48, S_REWATCH1 = 49, S_REWATCH2 = 50, S_INC1 = 51,
            S_INC2 = 52, S_SEQ = 53, S_DONE = 54, S_FRAC = 55, S_JITTER = 56, S_VIEW_DEVICE = 57,
            S_VIEW_DEVICE_OTHER = 58, S_QUIZ = 59, S_QUIZ_N = 60, S_CORRECT = 61;
    static final int S_TRANSITION = 70, S_CONVERT = 71, S_CANCEL = 72, S_CANCEL_DAY = 73, S_UPGRADE = 74,
            S_UPGRADE_PLAN = 75, S_WINBACK = 76, S_SIGNUP_RATE = 77, S_TRIAL_TIME = 78;

    /** Seconds reserved per lecture view: the longest lecture (1,499 s) plus up to three quiz answers. */
    static final int VIEW_SLOT_SECONDS = 1620;
    /** Days of events kept before the anchor. */
    static final int WINDOW_DAYS = 90;
    static final int TRIAL_DAYS = 14;
    private static final long CATALOGUE_SEED = 20_240_401L;
    private static final String EPOCH = "DATE '1970-01-01'";

    private final long seed;

    DemoModel(long seed) {
        this.seed = seed;
    }

    String u(int salt, String... keys) {
        return DemoSql.u(seed, salt, keys);
    }

    /** A draw from the row's key hash column {@code kh}. */
    private static String d(int salt) {
        return DemoSql.draw("kh", salt);
    }

    // ---------------------------------------------------------------- schema

    static void createTables(Connection c) throws SQLException {
        exec(c, """
                CREATE TABLE demo_profile (
                  learner_idx BIGINT, learner_id VARCHAR, email VARCHAR, grade VARCHAR, stage VARCHAR,
                  prefecture VARCHAR, plan VARCHAR, plan_status VARCHAR, signup_at TIMESTAMP, trial_ends_at TIMESTAMP,
                  cancel_at DATE, target_exam VARCHAR, exam_date DATE, email_opt_in BOOLEAN, push_opt_in BOOLEAN,
                  line_linked BOOLEAN, level INTEGER, prev_level INTEGER, level_since DATE, freq DOUBLE, vol DOUBLE,
                  fav_subject VARCHAR, device VARCHAR, skill DOUBLE, last_active_before TIMESTAMP)""");
        exec(c, "CREATE TABLE demo_progress_base (learner_id VARCHAR, subject VARCHAR, completed_before INTEGER)");
        exec(c, """
                CREATE TABLE lecture_views (learner_id VARCHAR, lecture_id VARCHAR, course_id VARCHAR,
                  subject VARCHAR, viewed_at TIMESTAMP, watch_seconds INTEGER, completed BOOLEAN, device VARCHAR)""");
        exec(c, """
                CREATE TABLE quiz_attempts (learner_id VARCHAR, quiz_id VARCHAR, subject VARCHAR,
                  answered_at TIMESTAMP, correct BOOLEAN)""");
        createCatalogue(c);
    }

    /**
     * The course catalogue, the same for every seed: per stage and subject 3-4 courses of 14-26 lectures of 5-25
     * minutes; {@code seq} numbers a subject's lectures of one stage in study order.
     */
    private static void createCatalogue(Connection c) throws SQLException {
        String len = DemoSql.uAny(CATALOGUE_SEED, 1, "stage", "subject", "course_no");
        String dur = DemoSql.uAny(CATALOGUE_SEED, 2, "stage", "subject", "course_no", "lecture_no");
        exec(c, """
                CREATE TABLE demo_lectures AS
                WITH courses AS (
                  SELECT st.stage, sb.subject, sb.sno, cn.range::INTEGER AS course_no
                  FROM %s CROSS JOIN %s CROSS JOIN range(1, 5) cn
                  WHERE cn.range <= st.courses
                ), sized AS (
                  SELECT *, 14 + floor(%s * 13)::INTEGER AS lectures FROM courses
                ), lectures AS (
                  SELECT s.stage, s.subject, s.sno, s.course_no, ln.range::INTEGER AS lecture_no,
                    row_number() OVER (PARTITION BY s.stage, s.subject ORDER BY s.course_no, ln.range)::INTEGER AS seq
                  FROM sized s CROSS JOIN range(1, 27) ln WHERE ln.range <= s.lectures
                )
                SELECT stage || '-' || subject || '-' || course_no || '-' || lpad(lecture_no::VARCHAR, 2, '0')
                         AS lecture_id,
                       stage || '-' || subject || '-' || course_no AS course_id,
                       subject, stage, course_no, lecture_no, seq,
                       (300 + floor(%s * 1200))::INTEGER AS duration_seconds,
                       ((CASE stage WHEN 'es' THEN 1 WHEN 'jh' THEN 2 ELSE 3 END * 10 + sno) * 1000 + seq)::INTEGER
                         AS lkey
                FROM lectures
                ORDER BY stage, subject, seq""".formatted(STAGES_SQL, DemoVocabulary.subjectsSql(), len, dur));
    }

    // ---------------------------------------------------------------- profiles

    /** Source of the initial learners 1..n: sign-up days over the three years before the anchor, skewed recent. */
    String initialLearners(int n, LocalDate anchor) {
        long a = anchor.toEpochDay();
        return "SELECT range AS idx, (%d - floor(1094 * pow(%s, 1.3)))::BIGINT AS sd FROM range(1, %d)"
                .formatted(a - 1, u(S_SIGNUP_DAY, "range"), (long) n + 1);
    }

    /** Source of learners signing up on one day. */
    static String newLearners(long fromIdx, long toIdxExclusive, LocalDate day) {
        return "SELECT range AS idx, %d::BIGINT AS sd FROM range(%d, %d)"
                .formatted(day.toEpochDay(), fromIdx, toIdxExclusive);
    }

    /**
     * Inserts the profiles of the learners in {@code src} (columns idx, sd = sign-up epoch day). {@code ref} is the
     * day the profile is drawn for: the anchor at generation (with a history before the event window: earlier
     * activity, an engagement change, decided trials), or the sign-up day when advancing (a fresh learner).
     */
    void insertProfiles(Connection c, String src, LocalDate ref, boolean initial) throws SQLException {
        long r = ref.toEpochDay();
        long ws = r - WINDOW_DAYS;
        int sy = DemoSql.schoolYear(ref);
        String refTs = "CAST(" + date(ref) + " AS TIMESTAMP)";
        String sql = """
                INSERT INTO demo_profile
                WITH s AS (%s),
                k AS (SELECT idx, sd, %s AS kh FROM s),
                r AS (
                  SELECT idx, sd,
                    %s AS u_hour, %s AS u_sec, %s AS u_grade, %s AS u_pref, %s AS u_plan, %s AS u_status,
                    %s AS u_cancel, %s AS u_exam, %s AS u_exam_day, %s AS u_email_opt, %s AS u_push_opt, %s AS u_line,
                    %s AS u_level, %s AS u_switch, %s AS u_switch_day, %s AS u_prev, %s AS u_freq, %s AS u_vol1,
                    %s AS u_vol2, %s AS u_fav, %s AS u_device, %s AS u_skill, %s AS u_last, %s AS u_last_time,
                    %s AS u_never, %s AS u_given, %s AS u_family, %s AS u_style, %s AS u_domain, %s AS u_malformed,
                    %s AS u_malform_kind
                  FROM k
                ),
                a AS (
                  SELECT *,
                    make_timestamp((sd * 86400 + %s * 3600 + floor(u_sec * 3600)::BIGINT) * 1000000) AS signup_at,
                    %s AS grade,
                    CASE WHEN grade LIKE 'es%%' THEN 'es' WHEN grade LIKE 'jh%%' THEN 'jh' ELSE 'hs' END AS stage,
                    %s AS prefecture,
                    CASE WHEN grade IN ('hs3', 'ronin', 'jh3') THEN %s ELSE %s END AS plan,
                    CASE WHEN plan = 'free' THEN 'active'
                         WHEN signup_at + INTERVAL %d DAY > %s THEN 'trial'
                         ELSE %s END AS plan_status,
                    CASE WHEN plan <> 'free' THEN signup_at + INTERVAL %d DAY END AS trial_ends_at,
                    CASE WHEN plan_status = 'cancel_scheduled' THEN %s + 1 + floor(u_cancel * 28)::INTEGER END
                      AS cancel_at,
                    CASE WHEN grade IN ('hs3', 'ronin', 'hs2', 'hs1') THEN
                           CASE WHEN grade IN ('hs3', 'ronin') THEN %s ELSE %s END
                         WHEN grade = 'jh3' THEN CASE WHEN u_exam < 0.85 THEN 'hs_entrance' ELSE 'none' END
                         WHEN grade IN ('jh1', 'jh2') THEN CASE WHEN u_exam < 0.45 THEN 'hs_entrance' ELSE 'none' END
                         ELSE 'none' END AS target_exam,
                    %d + CASE WHEN grade IN ('hs2', 'jh2') THEN 1 WHEN grade IN ('hs1', 'jh1') THEN 2 ELSE 0 END
                      AS exam_year,
                    CASE target_exam
                      WHEN 'common_test' THEN make_date(exam_year, 1, 13)
                        + ((13 - isodow(make_date(exam_year, 1, 13))) %% 7)::INTEGER
                      WHEN 'national_2nd' THEN make_date(exam_year, 2, 25)
                      WHEN 'private_univ' THEN make_date(exam_year, 2, 1) + floor(u_exam_day * 18)::INTEGER
                      WHEN 'hs_entrance' THEN make_date(exam_year, 2, 10) + floor(u_exam_day * 24)::INTEGER
                    END AS exam_date,
                    u_email_opt < 0.72 AS email_opt_in,
                    u_push_opt < 0.55 AS push_opt_in,
                    u_line < 0.35 AS line_linked,
                    CASE WHEN plan_status = 'lapsed' OR plan = 'free' THEN %s
                         WHEN plan = 'basic' THEN %s WHEN plan = 'exam_coach' THEN %s ELSE %s END AS level,
                    %s AND u_switch < 0.25 AND sd < %d - 2 AS switched,
                    CASE WHEN NOT switched THEN level
                         WHEN level = 0 THEN %s
                         WHEN u_prev < 0.5 THEN 0
                         WHEN u_prev < 0.75 THEN greatest(level - 1, 0)
                         ELSE least(level + 1, 3) END AS prev_level,
                    %s + CASE WHEN switched THEN greatest(sd + 1, %d - 1 - floor(u_switch_day * 89)::BIGINT)
                                   ELSE sd END::INTEGER AS level_since,
                    0.6 + 0.8 * u_freq AS freq,
                    exp(0.45 * sqrt(-2 * ln(1 - u_vol1)) * cos(2 * pi() * u_vol2)) AS vol,
                    %s AS fav_subject,
                    %s AS device,
                    0.45 + 0.45 * u_skill AS skill,
                    CASE WHEN NOT %s OR sd >= %d - 1 THEN NULL
                         WHEN greatest(level, prev_level) = 0 AND u_never < 0.15 THEN NULL
                         ELSE make_timestamp(((%d - 1 - floor(pow(u_last,
                                  CASE WHEN greatest(level, prev_level) = 0 THEN 1 ELSE 4 END) * (%d - 1 - sd))::BIGINT)
                                * 86400 + 61200 + floor(u_last_time * 21600)::BIGINT) * 1000000) END
                      AS last_active_before,
                    %s AS given, %s AS family,
                    CASE floor(u_style * 5)::INTEGER
                      WHEN 0 THEN given || '.' || family WHEN 1 THEN family || '.' || given WHEN 2 THEN given
                      WHEN 3 THEN given || '_' || family ELSE left(given, 1) || family END || idx::VARCHAR AS local,
                    %s AS domain
                  FROM r
                )
                SELECT idx, printf('L%%07d', idx),
                  CASE WHEN u_malformed >= 0.004 THEN local || '@' || domain
                       ELSE CASE floor(u_malform_kind * 5)::INTEGER
                         WHEN 0 THEN local || domain
                         WHEN 1 THEN local || '@@' || domain
                         WHEN 2 THEN local || '.@' || domain
                         WHEN 3 THEN local || '@' || split_part(domain, '.', 1)
                         ELSE local || '@' || replace(domain, '.', ',') END END,
                  grade, stage, prefecture, plan, plan_status, signup_at, trial_ends_at, cancel_at, target_exam,
                  exam_date, email_opt_in, push_opt_in, line_linked, level, prev_level, level_since, freq, vol,
                  fav_subject, device, skill, last_active_before
                FROM a
                ORDER BY idx""".formatted(
                src, DemoSql.key(seed, "idx"),
                d(S_SIGNUP_HOUR), d(S_SIGNUP_SEC), d(S_GRADE), d(S_PREF),
                d(S_PLAN), d(S_STATUS), d(S_CANCEL_AT), d(S_EXAM),
                d(S_EXAM_DAY), d(S_EMAIL_OPT), d(S_PUSH_OPT), d(S_LINE),
                d(S_LEVEL), d(S_SWITCH), d(S_SWITCH_DAY), d(S_PREV_LEVEL),
                d(S_FREQ), d(S_VOL1), d(S_VOL2), d(S_FAV),
                d(S_DEVICE), d(S_SKILL), d(S_LAST_ACTIVE), d(S_LAST_ACTIVE_TIME),
                d(S_NEVER_ACTIVE), d(S_GIVEN), d(S_FAMILY), d(S_STYLE),
                d(S_DOMAIN), d(S_MALFORMED), d(S_MALFORM_KIND),
                // a
                pick("u_hour", HOURS, HOUR_W_WEEKDAY),
                pick("u_grade", GRADES, GRADE_W),
                pick("u_pref", PREFECTURES, PREFECTURE_W),
                pick("u_plan", PLANS, PLAN_W_EXAM_YEAR), pick("u_plan", PLANS, PLAN_W_OTHER),
                TRIAL_DAYS, refTs, pick("u_status", PAID_STATUSES, PAID_STATUS_W),
                TRIAL_DAYS,
                date(ref),
                pick("u_exam", UNIV_EXAMS, UNIV_EXAM_W_FINAL), pick("u_exam", UNIV_EXAMS, UNIV_EXAM_W_EARLY),
                sy + 1,
                pick("u_level", LEVELS, LEVEL_W_FREE), pick("u_level", LEVELS, LEVEL_W_BASIC),
                pick("u_level", LEVELS, LEVEL_W_EXAM_COACH), pick("u_level", LEVELS, LEVEL_W_PERSONAL),
                initial, r,
                pick("u_prev", List.of(1, 2, 3), new double[] {55, 35, 10}),
                EPOCH, r,
                pick("u_fav", SUBJECTS, SUBJECT_W),
                pick("u_device", DEVICES, DEVICE_W),
                initial, ws, ws, ws,
                choose("u_given", GIVEN_NAMES), choose("u_family", FAMILY_NAMES),
                pick("u_domain", DOMAINS, DOMAIN_W));
        exec(c, sql);
    }

    /**
     * Lectures completed before the event window, as a prefix of each subject's course sequence: proportional to
     * the months between sign-up and the last earlier activity, the engagement and the learner's favourite subject.
     */
    void insertProgressBase(Connection c) throws SQLException {
        exec(c, """
                INSERT INTO demo_progress_base
                WITH t AS (SELECT stage, subject, count(*) AS total FROM demo_lectures GROUP BY ALL),
                b AS (
                  SELECT p.learner_idx, p.learner_id, sb.subject, t.total,
                    (CAST(p.last_active_before AS DATE) - CAST(p.signup_at AS DATE)) / 30.0 AS months,
                    [0.01, 0.02, 0.035, 0.05][greatest(p.level, p.prev_level) + 1] AS rate,
                    CASE WHEN sb.subject = p.fav_subject THEN 0.8 ELSE 0.1 END + 0.8 * %s AS factor
                  FROM demo_profile p CROSS JOIN %s JOIN t ON t.stage = p.stage AND t.subject = sb.subject
                  WHERE p.last_active_before IS NOT NULL
                ), v AS (
                  SELECT learner_idx, learner_id, subject,
                    least(total, floor(total * least(1.0, months * rate * factor)))::INTEGER AS n
                  FROM b
                )
                SELECT learner_id, subject, n FROM v WHERE n > 0 ORDER BY learner_idx, subject"""
                .formatted(u(S_BASE, "p.learner_idx", "sb.sno"), DemoVocabulary.subjectsSql()));
    }

    // ---------------------------------------------------------------- events

    /**
     * Appends the lecture views and quiz attempts of the days [from, to) for every learner, from the engagement
     * level of each day. A day's study is one or two blocks of consecutive lectures of one subject; a block either
     * continues the learner's course (so completions always form a prefix of the course sequence) or rewatches
     * earlier lectures; each completed view may be followed by a short quiz.
     */
    void appendEvents(Connection c, LocalDate from, LocalDate to) throws SQLException {
        long f = from.toEpochDay();
        long t = to.toEpochDay();
        String wd = "(day + 3) % 7"; // 0 = Monday ... 5 = Saturday, 6 = Sunday
        exec(c, """
                CREATE OR REPLACE TEMP TABLE demo_tmp_days AS
                WITH p AS (
                  SELECT learner_idx AS idx, learner_id, stage, grade, fav_subject, device, freq, vol,
                    level, prev_level, level_since - %1$s AS ls, exam_date - %1$s AS ed,
                    CAST(trial_ends_at AS DATE) - %1$s AS td, CAST(signup_at AS DATE) - %1$s AS sd,
                    %2$s AS kh
                  FROM demo_profile
                ), cand AS (
                  SELECT p.*, d.range AS day, CASE WHEN d.range >= ls THEN level ELSE prev_level END AS lvl,
                    %3$s AS khd
                  FROM p CROSS JOIN range(%4$d, %5$d) d
                  WHERE d.range > sd
                ), act AS (
                  SELECT * FROM cand
                  WHERE %6$s < least(0.95, [0.002, 0.03, 0.11, 0.35][lvl + 1] * freq
                    * CASE %7$s WHEN 5 THEN 1.35 WHEN 6 THEN 1.35 WHEN 4 THEN 0.85 ELSE 0.95 END
                    * CASE WHEN ed IS NULL OR grade NOT IN ('hs3', 'ronin', 'jh3') THEN 1.0
                           WHEN day > ed THEN 0.35
                           WHEN ed - day <= 120 THEN 1.0 + 1.5 * (120 - (ed - day)) / 120.0
                           ELSE 1.0 END
                    * CASE WHEN day - sd < 14 THEN 1.5 ELSE 1.0 END
                    * CASE WHEN td - day BETWEEN 0 AND 2 THEN 2.0 ELSE 1.0 END)
                ), r AS (
                  SELECT idx, learner_id, stage, fav_subject, device, day, lvl, khd,
                    %8$s AS u_blocks, %9$s AS u_n1, %10$s AS u_n2, %11$s AS u_s1, %12$s AS u_s1_pick, %13$s AS u_s2,
                    %14$s AS u_hour, %15$s AS u_sec, %16$s AS u_rw1, %17$s AS u_rw2, %18$s AS u_inc1,
                    %19$s AS u_inc2, [0.6, 1.0, 1.6, 2.2][lvl + 1] * vol AS m, %7$s AS dow
                  FROM act
                )
                SELECT idx, learner_id, stage, device, day, khd,
                  CASE WHEN u_blocks < [0.1, 0.15, 0.3, 0.45][lvl + 1] THEN 2 ELSE 1 END AS nb,
                  least(8, 1 + floor(ln(1 - u_n1) / ln(m / (1 + m))))::INTEGER AS n1,
                  CASE WHEN nb = 2 THEN least(8, 1 + floor(ln(1 - u_n2) / ln(m / (1 + m))))::INTEGER ELSE 0 END AS n2,
                  CASE WHEN u_s1 < 0.5 THEN fav_subject ELSE %20$s END AS s1,
                  %21$s AS s2_pick,
                  CASE WHEN s2_pick <> s1 THEN s2_pick
                       ELSE %22$s[(list_position(%22$s, s1) %% 5) + 1] END AS s2,
                  least(CASE WHEN dow >= 5 THEN %23$s ELSE %24$s END * 3600 + floor(u_sec * 3600)::INTEGER,
                        86400 - %25$d * (n1 + n2) - 60) AS start_sec,
                  u_rw1 < 0.12 AS rw1, u_rw2 < 0.12 AS rw2,
                  (u_inc1 < 0.3)::INTEGER AS inc1, (u_inc2 < 0.3)::INTEGER AS inc2
                FROM r""".formatted(
                EPOCH, DemoSql.key(seed, "learner_idx"), DemoSql.extend("kh", "d.range"), f, t,
                DemoSql.draw("khd", S_ACTIVE), wd,
                dd(S_BLOCKS), dd(S_N1), dd(S_N2), dd(S_SUBJ1), dd(S_SUBJ1_PICK), dd(S_SUBJ2), dd(S_START_HOUR),
                dd(S_START_SEC), dd(S_REWATCH1), dd(S_REWATCH2), dd(S_INC1), dd(S_INC2),
                pick("u_s1_pick", SUBJECTS, SUBJECT_W), pick("u_s2", SUBJECTS, SUBJECT_W), subjectList(),
                pick("u_hour", HOURS, HOUR_W_WEEKEND), pick("u_hour", HOURS, HOUR_W_WEEKDAY),
                VIEW_SLOT_SECONDS));

        // Where each learner stands in each subject's course: the prefix completed so far.
        exec(c, """
                CREATE OR REPLACE TEMP TABLE demo_tmp_pos0 AS
                WITH who AS (SELECT DISTINCT learner_id FROM demo_tmp_days)
                SELECT learner_id, subject, max(done)::INTEGER AS pos FROM (
                  SELECT b.learner_id, b.subject, b.completed_before AS done
                  FROM demo_progress_base b SEMI JOIN who USING (learner_id)
                  UNION ALL
                  SELECT v.learner_id, v.subject, max(l.seq)
                  FROM lecture_views v JOIN demo_lectures l USING (lecture_id) SEMI JOIN who USING (learner_id)
                  WHERE v.completed
                  GROUP BY ALL
                ) GROUP BY ALL""");

        // One row per study block, with the course position before it (a running sum of completed new lectures).
        exec(c, """
                CREATE OR REPLACE TEMP TABLE demo_tmp_blocks AS
                WITH b AS (
                  SELECT idx, learner_id, stage, device, day, khd, 1 AS blk, s1 AS subject, n1 AS n, 0 AS slot0,
                    start_sec, rw1 AS rw, inc1 AS inc FROM demo_tmp_days
                  UNION ALL
                  SELECT idx, learner_id, stage, device, day, khd, 2, s2, n2, n1, start_sec, rw2, inc2
                  FROM demo_tmp_days WHERE nb = 2
                ), t AS (
                  SELECT stage, subject, count(*)::INTEGER AS total, min(lkey - seq) AS key0
                  FROM demo_lectures GROUP BY ALL
                )
                SELECT b.idx, b.learner_id, b.device, b.day, b.blk, b.subject, b.n, b.slot0, b.start_sec, b.rw, b.inc,
                  t.total, t.key0, %s AS khb,
                  least(t.total, coalesce(p.pos, 0) + coalesce(sum(CASE WHEN b.rw THEN 0 ELSE b.n - b.inc END) OVER (
                    PARTITION BY b.idx, b.subject ORDER BY b.day, b.blk
                    ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0))::INTEGER AS pos
                FROM b JOIN t USING (stage, subject) LEFT JOIN demo_tmp_pos0 p USING (learner_id, subject)"""
                .formatted(DemoSql.extend("b.khd", "b.blk")));

        exec(c, """
                INSERT INTO lecture_views
                WITH v AS (
                  SELECT b.*, unnest(range(b.n)) AS k FROM demo_tmp_blocks b
                ), r AS (
                  SELECT v.*, %1$s AS khv
                  FROM v
                ), x AS (
                  SELECT idx, learner_id, device, subject, day, start_sec, slot0, k, rw, inc, n, pos, total, key0,
                    %2$s AS u_seq, %3$s AS u_done, %4$s AS u_frac, %5$s AS u_jit, %6$s AS u_dev, %7$s AS u_dev2,
                    NOT rw AND pos + k + 1 <= total AS fresh
                  FROM r
                ), y AS (
                  SELECT *,
                    CASE WHEN fresh THEN pos + k + 1
                         WHEN rw AND pos = 0 THEN 1
                         WHEN rw THEN 1 + floor(u_seq * pos)
                         ELSE 1 + floor(u_seq * total) END::INTEGER AS seq,
                    CASE WHEN fresh THEN NOT (inc = 1 AND k = n - 1)
                         WHEN rw AND pos = 0 THEN false
                         ELSE u_done < 0.85 END AS completed,
                    make_timestamp((day * 86400 + start_sec + (slot0 + k) * %8$d + floor(u_jit * 60)::BIGINT)
                      * 1000000) AS viewed_at
                  FROM x
                )
                SELECT y.learner_id, l.lecture_id, l.course_id, y.subject, y.viewed_at,
                  CASE WHEN y.completed THEN round(l.duration_seconds * (0.9 + 0.1 * y.u_frac))
                       ELSE greatest(10, round(l.duration_seconds * (0.05 + 0.8 * y.u_frac))) END::INTEGER,
                  y.completed,
                  CASE WHEN y.u_dev < 0.85 THEN y.device ELSE %9$s END
                FROM y JOIN demo_lectures l ON l.lkey = y.key0 + y.seq
                ORDER BY y.idx, y.viewed_at""".formatted(
                DemoSql.extend("khb", "k"),
                DemoSql.draw("khv", S_SEQ), DemoSql.draw("khv", S_DONE), DemoSql.draw("khv", S_FRAC),
                DemoSql.draw("khv", S_JITTER), DemoSql.draw("khv", S_VIEW_DEVICE),
                DemoSql.draw("khv", S_VIEW_DEVICE_OTHER),
                VIEW_SLOT_SECONDS, choose("y.u_dev2", DEVICES)));

        String tFrom = "make_timestamp(" + f * 86_400_000_000L + ")";
        String tTo = "make_timestamp(" + t * 86_400_000_000L + ")";
        exec(c, """
                INSERT INTO quiz_attempts
                WITH v AS (
                  SELECT p.learner_idx AS idx, v.learner_id, v.lecture_id, v.subject, v.watch_seconds,
                    p.skill, p.fav_subject, epoch_us(v.viewed_at) AS t_us
                  FROM lecture_views v JOIN demo_profile p USING (learner_id)
                  WHERE v.completed AND v.viewed_at >= %1$s AND v.viewed_at < %2$s
                ), k AS (
                  SELECT *, %3$s AS khq FROM v
                ), q AS (
                  SELECT k.*, unnest(range(1 + floor(%4$s * 3)::BIGINT)) AS j FROM k WHERE %5$s < 0.5
                )
                SELECT learner_id, lecture_id || '-q' || (j + 1), subject,
                  make_timestamp(t_us + (watch_seconds + 20 * (j + 1)) * 1000000),
                  %6$s < least(0.97, skill + CASE WHEN subject = fav_subject THEN 0.05 ELSE 0.0 END)
                FROM q
                ORDER BY idx, t_us, j""".formatted(
                tFrom, tTo, DemoSql.key(seed, "idx", "t_us"), DemoSql.draw("khq", S_QUIZ_N),
                DemoSql.draw("khq", S_QUIZ), DemoSql.draw(DemoSql.extend("khq", "j"), S_CORRECT)));

        exec(c, "DROP TABLE demo_tmp_days");
        exec(c, "DROP TABLE demo_tmp_pos0");
        exec(c, "DROP TABLE demo_tmp_blocks");
    }

    /** A draw from the learner-day key hash column {@code khd}. */
    private static String dd(int salt) {
        return DemoSql.draw("khd", salt);
    }

    private static String subjectList() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < SUBJECTS.size(); i++) {
            b.append(i == 0 ? "" : ", ").append('\'').append(SUBJECTS.get(i)).append('\'');
        }
        return b.append(']').toString();
    }
}
