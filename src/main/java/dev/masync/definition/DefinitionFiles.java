package dev.masync.definition;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.masync.platform.problem.ApiException;
import dev.masync.platform.problem.ProblemError;
import io.quarkus.narayana.jta.QuarkusTransaction;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Definitions as code: one behaviour for every folder of definition files ({@code segments/},
 * {@code connectors/destinations/}, {@code connectors/syncs/}).
 *
 * <ul>
 *   <li>Every regular {@code *.yaml}/{@code *.yml} file of the folder, by name; at most {@value #MAX_FILE_BYTES}
 *       bytes, valid YAML without a key written twice, a mapping. Its key is its {@code key} member, else the file
 *       name without extension.
 *   <li>A key already defined by an earlier file (by name) is an error of the later file; the earlier one loads.
 *   <li>Each file is checked and saved in its own transaction; one that does not validate is logged with every error
 *       (pointer and message) and skipped, never half-applied, and what it defined before stays as it was. Files
 *       may refer to each other (a segment to a segment): the failed ones are retried while others still load.
 *   <li>A file-managed definition that no file claims any more (its file is known to be gone, or was read and names
 *       another key) is removed, unless its kind refuses (still in use); one whose file exists but cannot be read or
 *       checked is kept, and a missing folder removes nothing.
 *   <li>What could not be applied is logged and listed by {@link #problems()} (shown by the readiness check).
 *   <li>Messages give positions only, never file content: a file may hold a pasted secret.
 * </ul>
 */
public final class DefinitionFiles {
    private static final Logger LOG = Logger.getLogger(DefinitionFiles.class);
    /** Largest definition file read. */
    public static final long MAX_FILE_BYTES = 256 * 1024;

    static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private static final Map<String, Map<String, String>> PROBLEMS = new java.util.concurrent.ConcurrentHashMap<>();

    private DefinitionFiles() {}

    /**
     * One definition file that could be read.
     *
     * @param file the file, as found under the configured folder; {@link #sourceFile()} is its string form
     * @param stem the file name without {@code .yaml}/{@code .yml}
     * @param key  the {@code key} member if it is a string, else {@link #stem}
     * @param node the file's content
     */
    public record DefinitionFile(Path file, String stem, String key, ObjectNode node) {
        public DefinitionFile {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(node, "node");
        }

        public String sourceFile() {
            return file.toString();
        }
    }

    /**
     * What a folder holds.
     *
     * @param files       every definition file found
     * @param definitions the usable ones, one per key, by file name
     * @param readFiles   the files that could be read (their {@code sourceFile}), usable or not
     * @param problems    why each other file is not used
     */
    public record Folder(
            List<Path> files, List<DefinitionFile> definitions, Set<String> readFiles, Map<Path, String> problems) {
        public Folder {
            files = List.copyOf(files);
            definitions = List.copyOf(definitions);
            readFiles = Set.copyOf(readFiles);
            problems = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(problems));
        }

        public Set<String> claimedKeys() {
            return definitions.stream().map(DefinitionFile::key).collect(Collectors.toUnmodifiableSet());
        }
    }

    /** What one kind does with its files; each call runs in a transaction of its own. */
    public interface Kind {
        /** For messages: {@code segment}. */
        String name();

        /**
         * Checks a file's definition and saves it (create or replace, as {@link DefinitionStore#forFile}).
         *
         * @return whether anything changed
         * @throws ApiException when the definition is not valid or its key is taken by the API
         */
        boolean save(DefinitionFile file);

        /** The keys of file-managed definitions with their {@code sourceFile} ("" when unknown). */
        Map<String, String> fileManaged();

        /**
         * Removes a file-managed definition whose file no longer defines it.
         *
         * @throws ApiException (409) when it must stay, saying why (e.g. still in use)
         */
        void remove(String key);
    }

    /** Reads a folder; a missing folder is empty. Throws only when the folder itself cannot be listed. */
    public static Folder read(Path dir) throws IOException {
        List<Path> files = list(dir);
        List<DefinitionFile> definitions = new ArrayList<>();
        Set<String> readFiles = new HashSet<>();
        Map<Path, String> problems = new LinkedHashMap<>();
        Map<String, Path> fileOfKey = new LinkedHashMap<>();
        for (Path file : files) {
            JsonNode node;
            try {
                node = parse(file);
            } catch (IOException e) {
                problems.put(file, e.getMessage());
                continue;
            }
            readFiles.add(file.toString());
            if (!(node instanceof ObjectNode object)) {
                problems.put(file, "expected a mapping of fields (key, name, ...) at the top of the file");
                continue;
            }
            String stem = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
            String key = object.path("key").isTextual() ? object.get("key").textValue() : stem;
            Path other = fileOfKey.putIfAbsent(key, file);
            if (other != null) {
                problems.put(
                        file, "key '" + key + "' is already defined by " + other + "; give one of them another key");
                continue;
            }
            definitions.add(new DefinitionFile(file, stem, key, object));
        }
        return new Folder(files, definitions, readFiles, problems);
    }

    /**
     * Parses one file. Error messages give the position only: a YAML parser quotes the offending line, which may
     * hold a pasted secret.
     */
    public static JsonNode parse(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IOException("larger than " + MAX_FILE_BYTES + " bytes (" + size + ")");
        }
        try {
            return YAML.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")) {
                return duplicate(e, where);
            }
            throw new IOException("not valid YAML" + where + "; check indentation and quoting there");
        }
    }

    private static JsonNode duplicate(JsonProcessingException e, String where) throws IOException {
        String message = e.getOriginalMessage();
        int open = message.indexOf('\'');
        int close = message.lastIndexOf('\'');
        String field = open >= 0 && close > open ? " '" + message.substring(open + 1, close) + "'" : "";
        throw new IOException("the field" + field + " is written twice" + where + "; keep one");
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.filter(
                            p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        }
    }

    /**
     * Loads a folder into the control DB: saves every usable file, then removes what no file defines any more.
     * Never throws.
     *
     * @return how many definitions were created, changed or removed
     */
    public static int load(Path dir, Kind kind) {
        Folder folder;
        Map<String, String> problems = new LinkedHashMap<>();
        try {
            folder = read(dir);
        } catch (IOException | RuntimeException e) {
            LOG.errorf("%ss in %s not loaded: %s", kind.name(), dir.toAbsolutePath(), e.getMessage());
            problems.put(dir.toString(), "folder not readable, nothing changed: " + e.getMessage());
            PROBLEMS.put(kind.name(), problems);
            return 0;
        }
        folder.problems().forEach((file, problem) -> problems.put(file.toString(), problem));
        folder.problems().forEach((file, problem) -> LOG.errorf("%s file %s skipped: %s", kind.name(), file, problem));
        int changed = 0;
        List<DefinitionFile> pending = new ArrayList<>(folder.definitions());
        Map<DefinitionFile, RuntimeException> failures = new LinkedHashMap<>();
        boolean progress = true;
        while (!pending.isEmpty() && progress) {
            progress = false;
            failures.clear();
            for (DefinitionFile file : List.copyOf(pending)) {
                try {
                    if (QuarkusTransaction.requiringNew().call(() -> kind.save(file))) {
                        changed++;
                    }
                    pending.remove(file);
                    progress = true;
                } catch (RuntimeException e) {
                    failures.put(file, e);
                }
            }
        }
        failures.forEach((file, e) -> {
            report(kind, file.file(), e);
            problems.put(file.sourceFile(), "not applied, the last valid definition stays: " + describe(e));
        });
        if (Files.isDirectory(dir)) {
            changed += removeUnclaimed(folder, kind);
        } else if (!QuarkusTransaction.requiringNew().call(kind::fileManaged).isEmpty()) {
            // a folder that is not there (a volume not mounted yet, a wrong path) is not a deletion of every file
            LOG.errorf(
                    "%ss: folder %s is missing; the %ss its files defined are kept (empty the folder to remove them)",
                    kind.name(), dir.toAbsolutePath(), kind.name());
            problems.put(dir.toString(), "folder missing; the definitions its files made are kept");
        }
        PROBLEMS.put(kind.name(), problems);
        LOG.infof(
                "%ss as code: %d file(s) in %s, %d created, changed or removed, %d skipped",
                kind.name(),
                folder.files().size(),
                dir.toAbsolutePath(),
                changed,
                folder.problems().size() + failures.size());
        return changed;
    }

    private static int removeUnclaimed(Folder folder, Kind kind) {
        Set<String> claimed = folder.claimedKeys();
        Map<String, String> managed;
        try {
            managed = QuarkusTransaction.requiringNew().call(kind::fileManaged);
        } catch (RuntimeException e) {
            LOG.errorf(e, "file-managed %ss not checked for removal", kind.name());
            return 0;
        }
        int removed = 0;
        for (var row : managed.entrySet()) {
            String key = row.getKey();
            String sourceFile = row.getValue();
            if (claimed.contains(key)) {
                continue;
            }
            // only a file known to be absent is gone: one whose existence cannot be checked now is kept
            boolean gone = sourceFile == null || sourceFile.isEmpty() || Files.notExists(Path.of(sourceFile));
            if (!gone && !folder.readFiles().contains(sourceFile)) {
                continue; // its file is there but unreadable now: keep what it defined
            }
            try {
                QuarkusTransaction.requiringNew().run(() -> kind.remove(key));
                LOG.infof("%s '%s' removed: its file %s no longer defines it", kind.name(), key, sourceFile);
                removed++;
            } catch (ApiException e) {
                LOG.warnf("%s '%s' lost its file %s but is kept: %s", kind.name(), key, sourceFile, e.getMessage());
            } catch (RuntimeException e) {
                LOG.errorf(e, "%s '%s' lost its file %s but could not be removed", kind.name(), key, sourceFile);
            }
        }
        return removed;
    }

    /** The problems of the last load of each kind (kind name to file to problem), for health and operators. */
    public static Map<String, Map<String, String>> problems() {
        return Map.copyOf(PROBLEMS);
    }

    private static String describe(RuntimeException e) {
        if (e instanceof ApiException api) {
            return api.getMessage() + " " + describe(api.toProblem().errors());
        }
        return "could not be saved (see the log)";
    }

    private static void report(Kind kind, Path file, RuntimeException e) {
        if (e instanceof ApiException api) {
            LOG.errorf(
                    "%s file %s skipped (%s): %s %s",
                    kind.name(),
                    file,
                    api.code(),
                    api.getMessage(),
                    describe(api.toProblem().errors()));
        } else {
            LOG.errorf(e, "%s file %s skipped", kind.name(), file);
        }
    }

    /** Errors as {@code [/pointer: message; ...]}, for logs. */
    public static String describe(List<ProblemError> errors) {
        return errors.isEmpty()
                ? ""
                : errors.stream()
                        .map(e -> (e.pointer().isEmpty() ? "/" : e.pointer()) + ": " + e.message())
                        .collect(Collectors.joining("; ", "[", "]"));
    }
}
