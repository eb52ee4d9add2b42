package dev.masync.demo;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.List;

import static dev.masync.demo.DemoSql.choose;
import static dev.masync.demo.DemoSql.exec;
import static dev.masync.demo.DemoSql.pick;
import static dev.masync.demo.DemoVocabulary.*;

/**
 * The hidden model of the demo: learner profiles with a latent engagement level, and the events that level produces
 * day by day. Every random draw is a chained hash of the seed, the row's keys and a salt ({@link DemoSql#u}), so a
 * row depends only on its keys, never on row order or threads. Days are epoch-day integers and times are zone-less
 * local times.
 */
final class DemoModel {

    /** Salts: one per independent draw (S_BASE + 100 i for subject i). Never reuse one for two purposes. */
    private static final int S_SIGNUP_DAY = 1,
            S_SIGNUP_HOUR = 2,
            S_SIGNUP_SEC = 3,
            S_GRADE = 4,
            S_PREF = 5,
            S_PLAN = 6,
            S_STATUS = 7,
            S_CANCEL_AT = 8,
            S_EXAM = 9,
            S_EXAM_DAY = 10,
            S_EMAIL_OPT = 11,
            S_PUSH_OPT = 12,
            S_LINE = 13,
            S_LEVEL = 14,
            S_PHASE = 15,
            S_EPISODE = 16,
            S_FREQ = 18,
            S_VOL1 = 19,
            S_VOL2 = 20,
            S_FAV = 21,
            S_DEVICE = 22,
            S_SKILL = 23,
            S_LAST_ACTIVE = 24,
            S_NEVER_ACTIVE = 25,
            S_GIVEN = 26,
            S_FAMILY = 27,
            S_STYLE = 28,
            S_DOMAIN = 29,
            S_MALFORMED = 30,
            S_MALFORM_KIND = 31,
            S_BASE = 32,
            S_LAST_ACTIVE_TIME = 33;

    private static final int S_ACTIVE = 40,
            S_BLOCKS = 41,
            S_N1 = 42,
            S_N2 = 43,
            S_SUBJ1 = 44,
            S_SUBJ1_PICK = 45,
            S_SUBJ2 = 46,
            S_START_HOUR = 47,
            S_START_SEC = 48,
            S_REWATCH1 = 49,
            S_REWATCH2 = 50,
            S_INC1 = 51,
            S_INC2 = 52,
            S_SEQ = 53,
            S_DONE = 54,
            S_FRAC = 55,
            S_JITTER = 56,
            S_VIEW_DEVICE = 57,
            S_VIEW_DEVICE_OTHER = 58,
            S_QUIZ = 59,
            S_QUIZ_N = 60,
            S_CORRECT = 61;
    static final int S_CONVERT = 71,
            S_CANCEL = 72,
            S_CANCEL_DAY = 73,
            S_UPGRADE = 74,
            S_UPGRADE_PLAN = 75,
            S_WINBACK = 76,
            S_SIGNUP_RATE = 77,
            S_TRIAL_TIME = 78;

    /** Seconds reserved per lecture view: the longest lecture (1,499 s) plus up to three quiz answers. */
    static final int VIEW_SLOT_SECONDS = 1620;
    /** Days of events kept before the anchor. */
    static final int WINDOW_DAYS = 90;

    static final int TRIAL_DAYS = 14;
    /** Length of the periods in which a learner's engagement may differ from its base level. */
    static final int PERIOD_DAYS = 28;

    private static final long CATALOGUE_SEED = 20_240_401L;
    private static final String EPOCH = "DATE '1970-01-01'";

    private final long seed;

    DemoModel(long seed) {
        this.seed = seed;
    }

    long seed() {
        return seed;
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
                  line_linked BOOLEAN, level INTEGER, phase INTEGER, freq DOUBLE, vol DOUBLE,
                  fav_subject VARCHAR, device VARCHAR, skill DOUBLE, last_active_before TIMESTAMP)""");
        exec(c, """
                CREATE TABLE demo_progress (learner_idx BIGINT, learner_id VARCHAR,
                  before_math INTEGER, before_english INTEGER, before_japanese INTEGER, before_science INTEGER,
                  before_social INTEGER,
                  pos_math INTEGER, pos_english INTEGER, pos_japanese INTEGER, pos_science INTEGER,
                  pos_social INTEGER)""");
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
                       CASE stage WHEN 'es' THEN 1 WHEN 'jh' THEN 2 ELSE 3 END AS stage_no, sno,
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
        return ("SELECT range AS idx, (%d - floor(1094 * pow(%s, 1.3)))::BIGINT AS sd, %d::BIGINT AS rd"
                        + " FROM range(1, %d)")
                .formatted(a - 1, u(S_SIGNUP_DAY, "range"), a, (long) n + 1);
    }

    /** Source of learners signing up during an advance: per day from firstDay on, (first number, count). */
    static String newLearners(List<long[]> firstIdxAndCount, LocalDate firstDay) {
        StringBuilder v = new StringBuilder();
        for (int i = 0; i < firstIdxAndCount.size(); i++) {
            long[] e = firstIdxAndCount.get(i);
            if (e[1] > 0) {
                v.append(v.length() == 0 ? "" : ", ")
                        .append("(%d, %d, %d)".formatted(e[0], e[0] + e[1], firstDay.toEpochDay() + i));
            }
        }
        return "SELECT unnest(range(lo, hi)) AS idx, sd::BIGINT AS sd, sd::BIGINT AS rd FROM (VALUES " + v
                + ") v(lo, hi, sd)";
    }

    /**
     * Inserts the profiles of the learners in {@code src} (columns idx, sd = sign-up epoch day, rd = the epoch day
     * the profile is drawn for). At generation rd is the anchor and the profile gets a history before the event
     * window (earlier activity, decided trials); during an advance rd is the sign-up day (a fresh learner).
     */
    void insertProfiles(Connection c, String src, boolean initial) throws SQLException {
        String sql = """
                INSERT INTO demo_profile
                WITH s AS (%s),
                k AS (SELECT idx, sd, rd, %s AS kh FROM s),
                r AS (
                  SELECT idx, sd, rd,
                    %s AS u_hour, %s AS u_sec, %s AS u_grade, %s AS u_pref, %s AS u_plan, %s AS u_status,
                    %s AS u_cancel, %s AS u_exam, %s AS u_exam_day, %s AS u_email_opt, %s AS u_push_opt, %s AS u_line,
                    %s AS u_level, %s AS u_phase, %s AS u_freq, %s AS u_vol1,
                    %s AS u_vol2, %s AS u_fav, %s AS u_device, %s AS u_skill, %s AS u_last, %s AS u_last_time,
                    %s AS u_never, %s AS u_given, %s AS u_family, %s AS u_style, %s AS u_domain, %s AS u_malformed,
                    %s AS u_malform_kind
                  FROM k
                ),
                a AS (
                  SELECT *,
                    %s + rd::INTEGER AS ref,
                    year(ref) - CASE WHEN month(ref) < 4 THEN 1 ELSE 0 END AS school_year,
                    make_timestamp((sd * 86400 + %s * 3600 + floor(u_sec * 3600)::BIGINT) * 1000000) AS signup_at,
                    %s AS grade,
                    CASE WHEN grade LIKE 'es%%' THEN 'es' WHEN grade LIKE 'jh%%' THEN 'jh' ELSE 'hs' END AS stage,
                    %s AS prefecture,
                    CASE WHEN grade IN ('hs3', 'ronin', 'jh3') THEN %s ELSE %s END AS plan,
                    CASE WHEN plan = 'free' THEN 'active'
                         WHEN signup_at + INTERVAL %d DAY > CAST(ref AS TIMESTAMP) THEN 'trial'
                         ELSE %s END AS plan_status,
                    CASE WHEN plan <> 'free' THEN signup_at + INTERVAL %d DAY END AS trial_ends_at,
                    CASE WHEN plan_status = 'cancel_scheduled' THEN ref + 1 + floor(u_cancel * 28)::INTEGER END
                      AS cancel_at,
                    CASE WHEN grade IN ('hs3', 'ronin', 'hs2', 'hs1') THEN
                           CASE WHEN grade IN ('hs3', 'ronin') THEN %s ELSE %s END
                         WHEN grade = 'jh3' THEN CASE WHEN u_exam < 0.85 THEN 'hs_entrance' ELSE 'none' END
                         WHEN grade IN ('jh1', 'jh2') THEN CASE WHEN u_exam < 0.45 THEN 'hs_entrance' ELSE 'none' END
                         ELSE 'none' END AS target_exam,
                    school_year + 1
                      + CASE WHEN grade IN ('hs2', 'jh2') THEN 1 WHEN grade IN ('hs1', 'jh1') THEN 2 ELSE 0 END
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
                    floor(u_phase * %d)::INTEGER AS phase,
                    0.6 + 0.8 * u_freq AS freq,
                    exp(0.45 * sqrt(-2 * ln(1 - u_vol1)) * cos(2 * pi() * u_vol2)) AS vol,
                    %s AS fav_subject,
                    %s AS device,
                    0.45 + 0.45 * u_skill AS skill,
                    CASE WHEN NOT %s OR sd >= rd - %d - 1 THEN NULL
                         WHEN level = 0 AND u_never < 0.15 THEN NULL
                         ELSE make_timestamp(((rd - %d - 1
                                - floor(pow(u_last, CASE WHEN level = 0 THEN 1 ELSE 4 END)
                                        * (rd - %d - 1 - sd))::BIGINT)
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
                  exam_date, email_opt_in, push_opt_in, line_linked, level, phase, freq, vol,
                  fav_subject, device, skill, last_active_before
                FROM a
                ORDER BY idx""".formatted(
                        src,
                        DemoSql.key(seed, "idx"),
                        d(S_SIGNUP_HOUR),
                        d(S_SIGNUP_SEC),
                        d(S_GRADE),
                        d(S_PREF),
                        d(S_PLAN),
                        d(S_STATUS),
                        d(S_CANCEL_AT),
                        d(S_EXAM),
                        d(S_EXAM_DAY),
                        d(S_EMAIL_OPT),
                        d(S_PUSH_OPT),
                        d(S_LINE),
                        d(S_LEVEL),
                        d(S_PHASE),
                        d(S_FREQ),
                        d(S_VOL1),
                        d(S_VOL2),
                        d(S_FAV),
                        d(S_DEVICE),
                        d(S_SKILL),
                        d(S_LAST_ACTIVE),
                        d(S_LAST_ACTIVE_TIME),
                        d(S_NEVER_ACTIVE),
                        d(S_GIVEN),
                        d(S_FAMILY),
                        d(S_STYLE),
                        d(S_DOMAIN),
                        d(S_MALFORMED),
                        d(S_MALFORM_KIND),
                        // a
                        EPOCH,
                        pick("u_hour", HOURS, HOUR_W_WEEKDAY),
                        pick("u_grade", GRADES, GRADE_W),
                        pick("u_pref", PREFECTURES, PREFECTURE_W),
                        pick("u_plan", PLANS, PLAN_W_EXAM_YEAR),
                        pick("u_plan", PLANS, PLAN_W_OTHER),
                        TRIAL_DAYS,
                        pick("u_status", PAID_STATUSES, PAID_STATUS_W),
                        TRIAL_DAYS,
                        pick("u_exam", UNIV_EXAMS, UNIV_EXAM_W_FINAL),
                        pick("u_exam", UNIV_EXAMS, UNIV_EXAM_W_EARLY),
                        pick("u_level", LEVELS, LEVEL_W_FREE),
                        pick("u_level", LEVELS, LEVEL_W_BASIC),
                        pick("u_level", LEVELS, LEVEL_W_EXAM_COACH),
                        pick("u_level", LEVELS, LEVEL_W_PERSONAL),
                        PERIOD_DAYS,
                        pick("u_fav", SUBJECTS, SUBJECT_W),
                        pick("u_device", DEVICES, DEVICE_W),
                        initial,
                        WINDOW_DAYS,
                        WINDOW_DAYS,
                        WINDOW_DAYS,
                        choose("u_given", GIVEN_NAMES),
                        choose("u_family", FAMILY_NAMES),
                        pick("u_domain", DOMAINS, DOMAIN_W));
        exec(c, sql);
    }

    /**
     * The engagement level on a day: the learner's base level, or for some periods an episode of another level (a
     * light learner lapsing into dormancy or turning regular, a dormant one returning...). Periods are
     * {@link #PERIOD_DAYS} long and shifted per learner by {@code phase}, so about 1/28 of learners reach a period
     * boundary each day. {@code kh} is the learner's key hash.
     */
    static String levelAt(String kh, String base, String phase, String day) {
        return levelFrom(base, "(" + episodeDraw(kh, phase, day) + ")");
    }

    /** The uniform draw of the learner's period containing the day. */
    static String episodeDraw(String kh, String phase, String day) {
        return DemoSql.draw(DemoSql.extend(kh, "(" + day + " + " + phase + ") // " + PERIOD_DAYS), S_EPISODE);
    }

    /** The level from the base level and the period's draw {@code x} (a column or parenthesised expression). */
    static String levelFrom(String base, String x) {
        return """
                (CASE %1$s
                   WHEN 0 THEN CASE WHEN %2$s < 0.12 THEN 1 WHEN %2$s < 0.15 THEN 2 ELSE 0 END
                   WHEN 1 THEN CASE WHEN %2$s < 0.25 THEN 0 WHEN %2$s < 0.35 THEN 2 ELSE 1 END
                   WHEN 2 THEN CASE WHEN %2$s < 0.10 THEN 0 WHEN %2$s < 0.30 THEN 1 WHEN %2$s < 0.40 THEN 3 ELSE 2 END
                   ELSE CASE WHEN %2$s < 0.05 THEN 1 WHEN %2$s < 0.30 THEN 2 ELSE 3 END END)""".formatted(base, x);
    }

    /**
     * Inserts the course progress of learners [fromIdx, toIdx): {@code before_<subject>} = lectures completed before
     * the kept events, always the first n of the subject's course sequence, proportional to the months between
     * sign-up and the last earlier activity, the engagement and the learner's favourite subject (0 for learners
     * without earlier activity); {@code pos_<subject>}, the generator's cursor, starts there.
     */
    void insertProgress(Connection c, long fromIdx, long toIdx) throws SQLException {
        StringBuilder before = new StringBuilder();
        StringBuilder pos = new StringBuilder();
        for (int i = 0; i < SUBJECTS.size(); i++) {
            String sub = SUBJECTS.get(i);
            before.append((",\n    least(t_%1$s, floor(t_%1$s * least(1.0, mr * (CASE WHEN fav_subject = '%1$s'"
                            + " THEN 0.8 ELSE 0.1 END + 0.8 * %2$s))))::INTEGER AS b_%1$s")
                    .formatted(sub, DemoSql.draw("kh", S_BASE + i * 100)));
            pos.append(", b_").append(sub);
        }
        exec(c, """
                INSERT INTO demo_progress
                WITH t AS (SELECT stage, %1$s FROM demo_lectures GROUP BY stage),
                p AS (
                  SELECT p.learner_idx, p.learner_id, p.fav_subject, t.*, %2$s AS kh,
                    coalesce((CAST(p.last_active_before AS DATE) - CAST(p.signup_at AS DATE)) / 30.0
                      * [0.01, 0.02, 0.035, 0.05][p.level + 1], 0.0) AS mr
                  FROM demo_profile p JOIN t USING (stage)
                  WHERE p.learner_idx >= %3$d AND p.learner_idx < %4$d
                ), b AS (
                  SELECT learner_idx, learner_id%5$s FROM p
                )
                SELECT * %6$s FROM b ORDER BY learner_idx""".formatted(totalsBySubject(), DemoSql.key(seed, "p.learner_idx"), fromIdx, toIdx, before, pos));
    }

    /** {@code count(*) FILTER (WHERE subject = 's') AS t_s} for every subject. */
    private static String totalsBySubject() {
        StringBuilder b = new StringBuilder();
        for (String sub : SUBJECTS) {
            b.append(b.length() == 0 ? "" : ", ")
                    .append("count(*) FILTER (WHERE subject = '%1$s') AS t_%1$s".formatted(sub));
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- events

    /**
     * Appends the lecture views and quiz attempts of the days [from, to) for every learner, from the engagement
     * level of each day, and moves the course cursors ({@code demo_progress.pos_*}). A day's study is one or two
     * blocks of consecutive lectures of one subject; a block either continues the learner's course, so completions
     * always form a prefix of the course sequence, or rewatches earlier lectures; a completed view may be followed
     * by a short quiz. Subjects and devices travel as their 1-based positions in the vocabularies.
     */
    void appendEvents(Connection c, LocalDate from, LocalDate to) throws SQLException {
        long f = from.toEpochDay();
        long t = to.toEpochDay();
        String wd = "(day + 3) % 7"; // 0 = Monday ... 5 = Saturday, 6 = Sunday
        String pDay = """
                least(0.95, [0.0, 0.02, 0.075, 0.28][lvl + 1] * freq
                    * CASE %1$s WHEN 5 THEN 1.35 WHEN 6 THEN 1.35 WHEN 4 THEN 0.85 ELSE 0.95 END
                    * CASE WHEN ed IS NULL THEN 1.0
                           WHEN day > ed THEN 0.35
                           WHEN ed - day <= 120 THEN 1.0 + 1.5 * (120 - (ed - day)) / 120.0
                           ELSE 1.0 END
                    * CASE WHEN day - sd < 14 THEN 1.5 ELSE 1.0 END
                    * CASE WHEN td - day BETWEEN 0 AND 2 THEN 2.0 ELSE 1.0 END)""".formatted(wd);
        // Dormant learners never study, so only learners awake in some period of the range have their days
        // enumerated, narrow; a cheap bound (every day factor at its maximum, 10.125) drops most of those days
        // before the exact probability is evaluated.
        exec(c, """
                CREATE OR REPLACE TEMP TABLE demo_tmp_days AS
                WITH p AS (
                  SELECT learner_idx AS idx, level, phase, freq,
                    CASE WHEN grade IN ('hs3', 'ronin', 'jh3') THEN exam_date - %1$s END AS ed,
                    CAST(trial_ends_at AS DATE) - %1$s AS td, CAST(signup_at AS DATE) - %1$s AS sd, %2$s AS kh
                  FROM demo_profile
                  WHERE CAST(signup_at AS DATE) - %1$s + 1 < %4$d
                ), awake AS (
                  SELECT * FROM p
                  WHERE list_max(list_transform(range((%3$d + phase) // %30$d, (%4$d - 1 + phase) // %30$d + 1),
                          k -> %31$s)) > 0
                ), cand AS (
                  SELECT *, unnest(range(greatest(%3$d, sd + 1), %4$d)) AS day FROM awake
                ), lv AS (
                  SELECT idx, day, freq, ed, td, sd, kh, %28$s AS lvl
                  FROM (SELECT *, %29$s AS ep FROM cand)
                ), drawn AS (
                  SELECT *, %5$s AS khd FROM lv WHERE lvl > 0
                ), act AS (
                  SELECT idx, day, khd, lvl FROM (SELECT *, %6$s AS ua FROM drawn)
                  WHERE ua < [0.0, 0.02, 0.075, 0.28][lvl + 1] * freq * 10.125 AND ua < %7$s
                ), r AS (
                  SELECT a.idx, a.day, a.khd, a.lvl, p.learner_id, p.skill,
                    CASE p.stage WHEN 'es' THEN 1 WHEN 'jh' THEN 2 ELSE 3 END AS stage_no,
                    list_position(%8$s, p.fav_subject) AS fav, list_position(%9$s, p.device) AS dev,
                    [0.6, 1.3, 2.0, 2.8][a.lvl + 1] * p.vol AS m, %10$s AS dow,
                    %11$s AS u_blocks, %12$s AS u_n1, %13$s AS u_n2, %14$s AS u_s1, %15$s AS u_s1_pick, %16$s AS u_s2,
                    %17$s AS u_hour, %18$s AS u_sec, %19$s AS u_rw1, %20$s AS u_rw2, %21$s AS u_inc1, %22$s AS u_inc2
                  FROM act a JOIN demo_profile p ON p.learner_idx = a.idx
                )
                SELECT idx, learner_id, skill, stage_no, fav, dev, day, khd,
                  CASE WHEN u_blocks < [0.1, 0.15, 0.3, 0.45][lvl + 1] THEN 2 ELSE 1 END AS nb,
                  least(10, 1 + floor(ln(1 - u_n1) / ln(m / (1 + m))))::INTEGER AS n1,
                  CASE WHEN nb = 2 THEN least(10, 1 + floor(ln(1 - u_n2) / ln(m / (1 + m))))::INTEGER ELSE 0 END AS n2,
                  CASE WHEN u_s1 < 0.5 THEN fav ELSE %23$s END AS s1,
                  %24$s AS s2_pick,
                  CASE WHEN s2_pick <> s1 THEN s2_pick ELSE s1 %% 5 + 1 END AS s2,
                  least(CASE WHEN dow >= 5 THEN %25$s ELSE %26$s END * 3600 + floor(u_sec * 3600)::INTEGER,
                        86400 - %27$d * (n1 + n2) - 60) AS start_sec,
                  u_rw1 < 0.12 AS rw1, u_rw2 < 0.12 AS rw2,
                  (u_inc1 < 0.3)::INTEGER AS inc1, (u_inc2 < 0.3)::INTEGER AS inc2
                FROM r""".formatted(
                        EPOCH,
                        DemoSql.key(seed, "learner_idx"),
                        f,
                        t,
                        DemoSql.extend("kh", "day"),
                        DemoSql.draw("khd", S_ACTIVE),
                        pDay,
                        list(SUBJECTS),
                        list(DEVICES),
                        wd.replace("day", "a.day"),
                        dd(S_BLOCKS),
                        dd(S_N1),
                        dd(S_N2),
                        dd(S_SUBJ1),
                        dd(S_SUBJ1_PICK),
                        dd(S_SUBJ2),
                        dd(S_START_HOUR),
                        dd(S_START_SEC),
                        dd(S_REWATCH1),
                        dd(S_REWATCH2),
                        dd(S_INC1),
                        dd(S_INC2),
                        pick("u_s1_pick", SUBJECT_NOS, SUBJECT_W),
                        pick("u_s2", SUBJECT_NOS, SUBJECT_W),
                        pick("u_hour", HOURS, HOUR_W_WEEKEND),
                        pick("u_hour", HOURS, HOUR_W_WEEKDAY),
                        VIEW_SLOT_SECONDS,
                        levelFrom("level", "ep"),
                        episodeDraw("kh", "phase", "day"),
                        PERIOD_DAYS,
                        levelFrom("level", "(" + DemoSql.draw(DemoSql.extend("kh", "k"), S_EPISODE) + ")")));

        // One row per study block, with the course position before it: the cursor plus a running sum of the new
        // lectures completed by the learner's earlier blocks of the subject.
        exec(c, """
                CREATE OR REPLACE TEMP TABLE demo_tmp_blocks AS
                WITH b AS (
                  SELECT idx, learner_id, skill, stage_no, fav, dev, day, khd, 1 AS blk, s1 AS sno, n1 AS n,
                    0 AS slot0, start_sec, rw1 AS rw, inc1 AS inc FROM demo_tmp_days
                  UNION ALL
                  SELECT idx, learner_id, skill, stage_no, fav, dev, day, khd, 2, s2, n2, n1, start_sec, rw2, inc2
                  FROM demo_tmp_days WHERE nb = 2
                ), t AS (SELECT stage_no, sno, count(*)::INTEGER AS total FROM demo_lectures GROUP BY ALL)
                SELECT b.*, t.total,
                  least(t.total, CASE b.sno WHEN 1 THEN g.pos_math WHEN 2 THEN g.pos_english WHEN 3 THEN g.pos_japanese
                                            WHEN 4 THEN g.pos_science ELSE g.pos_social END
                    + coalesce(sum(CASE WHEN b.rw THEN 0 ELSE b.n - b.inc END) OVER (
                        PARTITION BY b.idx, b.sno ORDER BY b.day, b.blk
                        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0))::INTEGER AS pos
                FROM b JOIN t USING (stage_no, sno) JOIN demo_progress g ON g.learner_idx = b.idx""");

        exec(c, """
                CREATE OR REPLACE TEMP TABLE demo_tmp_views AS
                WITH v AS (
                  SELECT b.*, unnest(range(b.n)) AS k FROM demo_tmp_blocks b
                ), x AS (
                  SELECT *, %1$s AS u_seq, %2$s AS u_done, %3$s AS u_frac, %4$s AS u_jit, %5$s AS u_dev, %6$s AS u_dev2,
                    NOT rw AND pos + k + 1 <= total AS fresh
                  FROM (SELECT *, %7$s AS khv FROM v)
                ), y AS (
                  SELECT idx, learner_id, skill, stage_no, fav, sno, u_frac,
                    CASE WHEN fresh THEN pos + k + 1
                         WHEN rw AND pos = 0 THEN 1
                         WHEN rw THEN 1 + floor(u_seq * pos)
                         ELSE 1 + floor(u_seq * total) END::INTEGER AS seq,
                    CASE WHEN fresh THEN NOT (inc = 1 AND k = n - 1)
                         WHEN rw AND pos = 0 THEN false
                         ELSE u_done < 0.85 END AS completed,
                    (day * 86400 + start_sec + (slot0 + k) * %8$d + floor(u_jit * 60)::BIGINT) * 1000000 AS t_us,
                    CASE WHEN u_dev < 0.85 THEN dev ELSE 1 + floor(u_dev2 * 3)::INTEGER END AS device_no
                  FROM x
                )
                SELECT y.idx, y.learner_id, y.skill, y.fav, y.sno, y.seq, y.completed, y.t_us, y.device_no,
                  l.lecture_id, l.course_id,
                  CASE WHEN y.completed THEN round(l.duration_seconds * (0.9 + 0.1 * y.u_frac))
                       ELSE greatest(10, round(l.duration_seconds * (0.05 + 0.8 * y.u_frac))) END::INTEGER
                    AS watch_seconds
                FROM y JOIN demo_lectures l ON l.lkey = (y.stage_no * 10 + y.sno) * 1000 + y.seq""".formatted(
                        DemoSql.draw("khv", S_SEQ),
                        DemoSql.draw("khv", S_DONE),
                        DemoSql.draw("khv", S_FRAC),
                        DemoSql.draw("khv", S_JITTER),
                        DemoSql.draw("khv", S_VIEW_DEVICE),
                        DemoSql.draw("khv", S_VIEW_DEVICE_OTHER),
                        DemoSql.extend(DemoSql.extend("khd", "blk"), "k"),
                        VIEW_SLOT_SECONDS));

        exec(c, """
                INSERT INTO lecture_views
                SELECT learner_id, lecture_id, course_id, %s[sno], make_timestamp(t_us), watch_seconds, completed,
                  %s[device_no]
                FROM demo_tmp_views
                ORDER BY idx, t_us""".formatted(list(SUBJECTS), list(DEVICES)));

        exec(c, """
                INSERT INTO quiz_attempts
                WITH k AS (
                  SELECT *, %1$s AS khq FROM demo_tmp_views WHERE completed
                ), q AS (
                  SELECT k.*, unnest(range(1 + floor(%2$s * 2)::BIGINT)) AS j FROM k WHERE %3$s < 0.45
                )
                SELECT learner_id, lecture_id || '-q' || (j + 1), %4$s[sno],
                  make_timestamp(t_us + (watch_seconds + 20 * (j + 1)) * 1000000),
                  %5$s < least(0.97, skill + CASE WHEN sno = fav THEN 0.05 ELSE 0.0 END)
                FROM q
                ORDER BY idx, t_us, j""".formatted(
                        DemoSql.key(seed, "idx", "t_us"),
                        DemoSql.draw("khq", S_QUIZ_N),
                        DemoSql.draw("khq", S_QUIZ),
                        list(SUBJECTS),
                        DemoSql.draw(DemoSql.extend("khq", "j"), S_CORRECT)));

        exec(c, """
                UPDATE demo_progress SET
                  pos_math = greatest(pos_math, m.p1), pos_english = greatest(pos_english, m.p2),
                  pos_japanese = greatest(pos_japanese, m.p3), pos_science = greatest(pos_science, m.p4),
                  pos_social = greatest(pos_social, m.p5)
                FROM (
                  SELECT idx,
                    max(seq) FILTER (WHERE completed AND sno = 1) AS p1,
                    max(seq) FILTER (WHERE completed AND sno = 2) AS p2,
                    max(seq) FILTER (WHERE completed AND sno = 3) AS p3,
                    max(seq) FILTER (WHERE completed AND sno = 4) AS p4,
                    max(seq) FILTER (WHERE completed AND sno = 5) AS p5
                  FROM demo_tmp_views GROUP BY idx
                ) m
                WHERE demo_progress.learner_idx = m.idx""");

        exec(c, "DROP TABLE demo_tmp_days");
        exec(c, "DROP TABLE demo_tmp_blocks");
        exec(c, "DROP TABLE demo_tmp_views");
    }

    /** A draw from the learner-day key hash column {@code khd}. */
    private static String dd(int salt) {
        return DemoSql.draw("khd", salt);
    }

    private static String list(List<String> values) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            b.append(i == 0 ? "" : ", ").append('\'').append(values.get(i)).append('\'');
        }
        return b.append(']').toString();
    }
}
