package dev.masync.console;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What can be checked in the console's files without a browser: text colours meet WCAG AA contrast (4.5:1) on the
 * backgrounds they are drawn on, the focus ring and control borders 3:1, no rule removes the focus outline, every
 * form control with a fixed id has a label, and dates are formatted by ui.js in the browser's locale. The browser
 * test (ConsoleBrowserIT) checks what needs layout and scripts.
 */
class ConsoleStaticFilesTest {
    static final Path ROOT = Path.of("src/main/resources/META-INF/resources/console");
    static final double TEXT = 4.5;
    static final double NON_TEXT = 3.0;

    private static final Pattern BLOCK = Pattern.compile("([^{}]+)\\{([^{}]*)}");
    private static final Pattern DECL = Pattern.compile("([a-z-]+)\\s*:\\s*([^;]+)");
    private static final Pattern HEX = Pattern.compile("#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?\\b");

    @Test
    void textColoursMeetAaContrastOnTheirBackgrounds() throws IOException {
        Map<String, String> vars = variables();
        List<String> offenders = new ArrayList<>();
        for (String file : List.of("style.css", "ops.css")) {
            for (Rule rule : rules(read(file))) {
                String fg = colour(rule.decls.get("color"), vars);
                if (fg == null) continue;
                String bg = colour(background(rule.decls), vars);
                List<String> backgrounds = bg != null ? List.of(bg) : List.of(vars.get("--bg"), vars.get("--panel"));
                for (String b : backgrounds) {
                    double ratio = contrast(fg, b);
                    if (ratio < TEXT) {
                        offenders.add(
                                String.format("%s: %s { color %s on %s = %.2f:1 }", file, rule.selector, fg, b, ratio));
                    }
                }
            }
        }
        assertThat(offenders).isEmpty();
    }

    @Test
    void theFocusRingAndControlBordersStandOut() throws IOException {
        Map<String, String> vars = variables();
        List<String> offenders = new ArrayList<>();
        for (String name : List.of("--focus", "--control")) {
            for (String bg : List.of("--bg", "--panel")) {
                double ratio = contrast(vars.get(name), vars.get(bg));
                if (ratio < NON_TEXT) offenders.add(String.format("%s on %s = %.2f:1", name, bg, ratio));
            }
        }
        assertThat(offenders).isEmpty();
        String css = read("style.css");
        assertThat(css).containsPattern(":focus-visible\\s*\\{[^}]*outline:\\s*[23]px solid var\\(--focus\\)");
        List<String> removed = new ArrayList<>();
        for (String file : List.of("style.css", "ops.css")) {
            for (Rule rule : rules(read(file))) {
                String outline = rule.decls.getOrDefault("outline", "");
                if (outline.matches("\\s*(none|0)\\s*(!important)?")) removed.add(file + ": " + rule.selector);
            }
        }
        assertThat(removed).as("rules that hide the focus outline").isEmpty();
    }

    /** The checks above read what they should: a low-contrast pair and a removed outline are found. */
    @Test
    void theContrastCheckCanFail() {
        assertThat(contrast("#f59e0b", "#ffffff")).isLessThan(NON_TEXT); // the focus colour before
        assertThat(contrast("#767676", "#ffffff")).isGreaterThan(TEXT);
        assertThat(rules("a:focus { outline: none; color: #999 }").get(0).decls)
                .containsEntry("outline", "none")
                .containsEntry("color", "#999");
    }

    @Test
    void everyControlOfTheIndexHasALabel() throws IOException {
        String html = read("index.html");
        Matcher control = Pattern.compile("<(input|select|textarea)\\b([^>]*)>").matcher(html);
        int n = 0;
        while (control.find()) {
            n++;
            String attrs = control.group(2);
            if (attrs.contains("aria-label") || attrs.contains("type=\"hidden\"")) continue;
            Matcher id = Pattern.compile("\\bid=\"([^\"]+)\"").matcher(attrs);
            assertThat(id.find()).as(control.group()).isTrue();
            assertThat(html).as(control.group()).contains("<label for=\"" + id.group(1) + "\"");
        }
        assertThat(n).isPositive();
    }

    /**
     * Controls a script creates with a fixed id ({@code h('select', {id: 'errors-sync'…})}) have a label pointing at
     * that id in the same file, or an aria-label. Controls with generated ids (ui.js field(), uid()) are left to the
     * browser test: a static reading of them would be guesswork.
     */
    @Test
    void scriptControlsWithAFixedIdHaveALabel() throws IOException {
        Pattern control = Pattern.compile("h\\('(input|select|textarea)',\\s*\\{([^}]*)}");
        Pattern fixedId = Pattern.compile("\\bid:\\s*'([^']+)'");
        List<String> offenders = new ArrayList<>();
        int checked = 0;
        for (Path js : scripts()) {
            String source = Files.readString(js);
            Matcher m = control.matcher(source);
            while (m.find()) {
                String attrs = m.group(2);
                Matcher id = fixedId.matcher(attrs);
                if (!id.find() || attrs.contains("'aria-label'") || attrs.contains("'aria-labelledby'")) continue;
                checked++;
                if (!source.contains("for: '" + id.group(1) + "'")) {
                    offenders.add(ROOT.relativize(js) + ": #" + id.group(1));
                }
            }
        }
        assertThat(checked).isPositive();
        assertThat(offenders).as("controls without a <label for>").isEmpty();
    }

    /** ui.js formats dates in the browser's preferred languages (one format for every page), with a fallback for bad input. */
    @Test
    void datesAreFormattedInTheBrowsersLocale() throws IOException {
        String ui = read("ui.js");
        assertThat(ui)
                .contains("navigator.languages")
                .contains("new Intl.DateTimeFormat(LOCALES, { dateStyle: 'medium', timeStyle: 'medium' })")
                .contains("export const fmtTime")
                .contains("export const timeEl");
        for (String page : List.of("pages/segment-list.js", "pages/errors.js")) {
            assertThat(read(page)).as(page).contains("timeEl(").doesNotContain("toLocaleString(");
        }
    }

    @Test
    void navLinksTakeTheirRoleFromTheRoutes() throws IOException {
        // the shell hides a nav link whose route needs a role the key lacks (Destinations for non-admins)
        assertThat(read("pages.js")).containsPattern("path: '/destinations'.*role: 'admin'");
        assertThat(read("app.js")).contains("function showNavFor()").contains("match(a.getAttribute('href'))");
    }

    // ---- helpers ----

    record Rule(String selector, Map<String, String> decls) {}

    static List<Rule> rules(String css) {
        String plain = css.replaceAll("(?s)/\\*.*?\\*/", "");
        List<Rule> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(plain);
        while (m.find()) {
            Map<String, String> decls = new HashMap<>();
            Matcher d = DECL.matcher(m.group(2));
            while (d.find()) decls.put(d.group(1).trim(), d.group(2).trim());
            String selector = m.group(1).trim();
            selector = selector.substring(selector.lastIndexOf('{') + 1).trim(); // inside @media
            out.add(new Rule(selector, decls));
        }
        return out;
    }

    private static Map<String, String> variables() throws IOException {
        Map<String, String> vars = new HashMap<>();
        Matcher m =
                Pattern.compile("(--[a-z-]+)\\s*:\\s*(#[0-9a-fA-F]{3,6})\\b").matcher(read("style.css"));
        while (m.find()) vars.put(m.group(1), m.group(2));
        assertThat(vars).containsKeys("--fg", "--bg", "--panel", "--muted", "--accent", "--focus", "--control");
        return vars;
    }

    private static String background(Map<String, String> decls) {
        String bg = decls.getOrDefault("background-color", decls.get("background"));
        return bg == null || bg.startsWith("none") || bg.startsWith("transparent") ? null : bg;
    }

    /** A hex colour from a value (its first #hex, or var(--x)); null when the value names none. */
    private static String colour(String value, Map<String, String> vars) {
        if (value == null) return null;
        Matcher v = Pattern.compile("var\\((--[a-z-]+)\\)").matcher(value);
        if (v.find()) return vars.get(v.group(1));
        Matcher hex = HEX.matcher(value);
        return hex.find() ? hex.group() : null;
    }

    /** WCAG 2 contrast ratio of two sRGB colours. */
    static double contrast(String a, String b) {
        double la = luminance(a), lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    private static double luminance(String hex) {
        String h = hex.substring(1);
        if (h.length() == 3) h = h.replaceAll("(.)", "$1$1");
        double[] c = new double[3];
        for (int i = 0; i < 3; i++) {
            double s = Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16) / 255.0;
            c[i] = s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    }

    private static String read(String file) throws IOException {
        return Files.readString(ROOT.resolve(file));
    }

    private static List<Path> scripts() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.toString().endsWith(".js")).sorted().toList();
        }
    }
}
