package dev.masync.segment.rule;

import dev.masync.warehouse.QueryParam;
import dev.masync.warehouse.SqlBuilder;

import java.util.ArrayList;
import java.util.List;

/**
 * A piece of compiled SQL whose parameters are named only when it is emitted, so pieces can be built in any order
 * (predicates before the CTEs they need) and emitted more than once.
 */
final class Frag {
    private final List<Object> parts = new ArrayList<>();

    static Frag of(String trusted) {
        return new Frag().sql(trusted);
    }

    Frag sql(String trusted) {
        parts.add(trusted);
        return this;
    }

    Frag param(QueryParam p) {
        parts.add(p);
        return this;
    }

    Frag add(Frag f) {
        parts.addAll(f.parts);
        return this;
    }

    /** Appends a dialect template, replacing {0}, {1}... by the fragments. */
    Frag template(String template, Frag... args) {
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf('{', i);
            if (open < 0
                    || open + 2 >= template.length()
                    || template.charAt(open + 2) != '}'
                    || !Character.isDigit(template.charAt(open + 1))) {
                int next = open < 0 ? template.length() : open + 1;
                parts.add(template.substring(i, next));
                i = next;
                continue;
            }
            parts.add(template.substring(i, open));
            add(args[template.charAt(open + 1) - '0']);
            i = open + 3;
        }
        return this;
    }

    void emit(SqlBuilder b) {
        for (Object p : parts) {
            if (p instanceof QueryParam q) {
                b.param(q);
            } else {
                b.sql((String) p);
            }
        }
    }
}
