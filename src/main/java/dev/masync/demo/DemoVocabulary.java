package dev.masync.demo;

import java.util.List;

/** The demo's fixed vocabularies and their weights. */
final class DemoVocabulary {

    private DemoVocabulary() {}

    static final List<String> SUBJECTS = List.of("math", "english", "japanese", "science", "social");
    static final double[] SUBJECT_W = {28, 30, 12, 15, 15};
    /** Subjects by their 1-based position in {@link #SUBJECTS}. */
    static final List<Integer> SUBJECT_NOS = List.of(1, 2, 3, 4, 5);

    static final List<String> GRADES = List.of("es4", "es5", "es6", "jh1", "jh2", "jh3", "hs1", "hs2", "hs3", "ronin");
    static final double[] GRADE_W = {4, 5, 8, 7, 7, 12, 10, 12, 25, 10};

    static final List<String> PLANS = List.of("free", "basic", "exam_coach", "personal_coach");
    /** Plans of learners in an exam year (hs3, ronin, jh3) and of everyone else; overall about 60/30/7/3. */
    static final double[] PLAN_W_EXAM_YEAR = {55, 28, 13, 4};

    static final double[] PLAN_W_OTHER = {63, 31, 3.5, 2.5};

    static final List<String> PAID_STATUSES = List.of("active", "cancel_scheduled", "lapsed");
    static final double[] PAID_STATUS_W = {80, 4, 16};

    /** Engagement levels 0 dormant, 1 light, 2 regular, 3 heavy, by plan (lapsed learners count as free). */
    static final List<Integer> LEVELS = List.of(0, 1, 2, 3);

    static final double[] LEVEL_W_FREE = {60, 24, 13, 3};
    static final double[] LEVEL_W_BASIC = {38, 28, 28, 6};
    static final double[] LEVEL_W_EXAM_COACH = {25, 27, 36, 12};
    static final double[] LEVEL_W_PERSONAL = {20, 25, 40, 15};

    static final List<String> UNIV_EXAMS = List.of("common_test", "national_2nd", "private_univ", "none");
    static final double[] UNIV_EXAM_W_FINAL = {40, 20, 35, 5};
    static final double[] UNIV_EXAM_W_EARLY = {25, 10, 25, 40};

    static final List<String> DEVICES = List.of("ios", "android", "web");
    static final double[] DEVICE_W = {45, 35, 20};

    /** Reserved example domains (RFC 2606 and JPRS), so that no demo address can reach a real mailbox. */
    static final List<String> DOMAINS =
            List.of("example.com", "example.jp", "example.co.jp", "example.ne.jp", "example.net", "example.org");

    static final double[] DOMAIN_W = {35, 20, 15, 15, 10, 5};

    static final List<String> GIVEN_NAMES = List.of(
            "haruto", "yuto", "sota", "yuki", "hayato", "haruki", "ryusei", "koki", "sora", "riku", "kaito", "kenta",
            "shota", "daiki", "takumi", "yui", "hina", "mio", "yuna", "sakura", "rin", "aoi", "mei", "koharu", "himari",
            "ema", "akari", "saki", "nanami", "miyu");
    static final List<String> FAMILY_NAMES = List.of(
            "sato",
            "suzuki",
            "takahashi",
            "tanaka",
            "ito",
            "watanabe",
            "yamamoto",
            "nakamura",
            "kobayashi",
            "kato",
            "yoshida",
            "yamada",
            "sasaki",
            "yamaguchi",
            "matsumoto",
            "inoue",
            "kimura",
            "hayashi",
            "shimizu",
            "yamazaki",
            "mori",
            "abe",
            "ikeda",
            "hashimoto",
            "ishikawa",
            "ogawa",
            "maeda",
            "fujita",
            "okada",
            "goto");

    /** The 47 prefectures with their 2020 census population in thousands. */
    static final List<String> PREFECTURES = List.of(
            "hokkaido",
            "aomori",
            "iwate",
            "miyagi",
            "akita",
            "yamagata",
            "fukushima",
            "ibaraki",
            "tochigi",
            "gunma",
            "saitama",
            "chiba",
            "tokyo",
            "kanagawa",
            "niigata",
            "toyama",
            "ishikawa",
            "fukui",
            "yamanashi",
            "nagano",
            "gifu",
            "shizuoka",
            "aichi",
            "mie",
            "shiga",
            "kyoto",
            "osaka",
            "hyogo",
            "nara",
            "wakayama",
            "tottori",
            "shimane",
            "okayama",
            "hiroshima",
            "yamaguchi",
            "tokushima",
            "kagawa",
            "ehime",
            "kochi",
            "fukuoka",
            "saga",
            "nagasaki",
            "kumamoto",
            "oita",
            "miyazaki",
            "kagoshima",
            "okinawa");

    static final double[] PREFECTURE_W = {
        5225, 1238, 1211, 2302, 960, 1068, 1833, 2867, 1933, 1939, 7345, 6284, 14048, 9237, 2201, 1035, 1133, 767, 810,
        2048, 1979, 3633, 7542, 1770, 1414, 2578, 8838, 5465, 1324, 923, 553, 671, 1888, 2800, 1342, 720, 950, 1335,
        692, 5135, 811, 1312, 1738, 1124, 1070, 1588, 1467
    };

    static final List<Integer> HOURS =
            List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23);
    /** Start hours of study on school days: commute, lunch, and mostly the evening. */
    static final double[] HOUR_W_WEEKDAY = {
        0.6, 0.3, 0.15, 0.1, 0.1, 0.3, 1.2, 2.0, 1.2, 0.8, 0.8, 0.9,
        1.6, 1.2, 1.0, 1.6, 3.0, 4.0, 4.5, 6.0, 8.0, 9.0, 7.0, 3.5
    };
    /** Start hours on Saturdays and Sundays: spread over the day, still peaking in the evening. */
    static final double[] HOUR_W_WEEKEND = {
        0.8, 0.4, 0.2, 0.1, 0.1, 0.2, 0.6, 1.2, 2.0, 3.5, 4.5, 4.5,
        3.5, 4.5, 5.0, 5.0, 4.5, 4.0, 3.5, 4.5, 6.0, 6.5, 5.0, 2.5
    };

    /** The course catalogue: per stage, how many courses each subject has. */
    static final String STAGES_SQL = "(VALUES ('es', 3), ('jh', 3), ('hs', 4)) st(stage, courses)";

    static String subjectsSql() {
        StringBuilder b = new StringBuilder("(VALUES ");
        for (int i = 0; i < SUBJECTS.size(); i++) {
            b.append(i == 0 ? "" : ", ")
                    .append("('")
                    .append(SUBJECTS.get(i))
                    .append("', ")
                    .append(i + 1)
                    .append(')');
        }
        return b.append(") sb(subject, sno)").toString();
    }
}
