package dev.masync.connector.file;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchLimits;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.Capabilities;
import dev.masync.connector.spi.Destination;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.PermanentException;
import dev.masync.connector.spi.Probe;
import dev.masync.connector.spi.RecordChange;
import dev.masync.connector.spi.RetryableException;
import dev.masync.connector.spi.SettingProblem;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Writes each batch to {@code <dir>/<sync>/batch-<id>.ndjson} (or {@code .csv} with {@code format=csv}).
 * The file appears atomically (temp file in the same directory, fsync, atomic rename), and a replayed batch
 * replaces its own file, so pushes are idempotent.
 *
 * <p>Settings: {@code dir} (the outbox directory; required unless the connector was built with a default
 * directory), {@code format} ({@code ndjson}, the default, or {@code csv}). The {@linkplain #probe probe} checks
 * that the directory can be created and written.
 */
public final class FileConnector implements Destination, Probe {
    public static final String TYPE = "file";
    private static final Capabilities CAPABILITIES = new Capabilities(
            Set.of(Capabilities.IdentityKind.ANY_STRING),
            EnumSet.allOf(Capabilities.WriteMode.class),
            Set.of(Capabilities.MembershipStyle.BOOLEAN, Capabilities.MembershipStyle.VALUE));
    private static final BatchLimits LIMITS = new BatchLimits(10_000, 64L * 1024 * 1024);
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final List<String> FIXED_COLUMNS = List.of("learnerKey", "recordKey", "kind");

    private final ObjectMapper json = new ObjectMapper()
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private final Optional<Path> defaultDir;

    /** A connector whose destinations must set {@code dir}. */
    public FileConnector() {
        this.defaultDir = Optional.empty();
    }

    /** A connector that writes to {@code defaultDir} for destinations that leave {@code dir} out. */
    public FileConnector(Path defaultDir) {
        this.defaultDir = Optional.of(Objects.requireNonNull(defaultDir, "defaultDir"));
    }

    @Override
    public String type() {
        return TYPE;
    }

    /**
     * Any string as the key, every mode (leavers arrive as {@code REMOVE} records), membership as a boolean or value
     * field written with the record; lists are not a concept here.
     */
    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public BatchLimits limits() {
        return LIMITS;
    }

    @Override
    public Set<String> settingNames() {
        return Set.of("dir", "format");
    }

    @Override
    public List<SettingProblem> validate(Map<String, String> settings) {
        List<SettingProblem> problems = new ArrayList<>();
        String dir = settings.get("dir");
        if (dir == null ? defaultDir.isEmpty() : dir.isBlank()) {
            problems.add(new SettingProblem("dir", "set dir to the outbox directory, e.g. /var/lib/ma-sync/outbox"));
        } else if (dir != null) {
            try {
                Path.of(dir);
            } catch (java.nio.file.InvalidPathException e) {
                problems.add(new SettingProblem("dir", "dir is not a valid path here: " + e.getReason()));
            }
        }
        String format = settings.getOrDefault("format", "ndjson");
        if (!format.equals("ndjson") && !format.equals("csv")) {
            problems.add(new SettingProblem("format", "format must be ndjson or csv, not '" + format + "'"));
        }
        return problems;
    }

    @Override
    public BatchResult push(DestinationContext context, Batch batch) {
        boolean csv = context.setting("format").orElse("ndjson").equals("csv");
        Path syncDir = dir(context).resolve(safe("sync key", batch.syncKey()));
        Path target = syncDir.resolve("batch-" + safe("batch id", batch.id()) + (csv ? ".csv" : ".ndjson"));
        Path temp = syncDir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(syncDir);
            try {
                try (FileChannel channel =
                        FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    Writer out = new BufferedWriter(
                            new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8));
                    if (csv) writeCsv(out, batch.records());
                    else writeNdjson(out, batch.records());
                    out.flush();
                    channel.force(true);
                }
                move(temp, target);
            } finally {
                Files.deleteIfExists(temp);
            }
            syncDirectory(syncDir);
        } catch (IOException | UncheckedIOException e) {
            throw new RetryableException("cannot write " + target + ": " + e.getMessage(), null, e);
        }
        return BatchResult.allConfirmed(batch);
    }

    /** Creates the outbox directory if needed and writes and removes a hidden temporary file in it. */
    @Override
    public void probe(DestinationContext context) {
        Path dir = dir(context);
        try {
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, ".probe-", ".tmp"));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            throw new PermanentException(
                    PermanentException.Code.INVALID_CONFIG,
                    "the outbox " + dir.toAbsolutePath() + " cannot be written: " + e,
                    e);
        }
    }

    private Path dir(DestinationContext context) {
        Optional<String> dir = context.setting("dir");
        if (dir.isEmpty() && defaultDir.isPresent()) return defaultDir.get();
        return Path.of(context.requiredSetting("dir"));
    }

    private void writeNdjson(Writer out, List<RecordChange> records) throws IOException {
        for (RecordChange change : records) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("learnerKey", change.learnerKey());
            line.put("recordKey", change.destinationKey());
            line.put("kind", change.kind().name());
            line.put("fields", change.fields());
            json.writeValue(out, line);
            out.write('\n');
        }
    }

    /** Columns: the fixed ones, then every field name in order of first appearance; absent or null is empty. */
    private static void writeCsv(Writer out, List<RecordChange> records) throws IOException {
        Set<String> fieldNames = new LinkedHashSet<>();
        records.forEach(change -> fieldNames.addAll(change.fields().keySet()));
        List<String> header = new ArrayList<>(FIXED_COLUMNS);
        header.addAll(fieldNames);
        writeCsvRow(out, header);
        for (RecordChange change : records) {
            List<String> row = new ArrayList<>(List.of(
                    change.learnerKey(), change.destinationKey(), change.kind().name()));
            for (String name : fieldNames) {
                Object value = change.fields().get(name);
                row.add(value == null ? "" : String.valueOf(value));
            }
            writeCsvRow(out, row);
        }
    }

    private static void writeCsvRow(Writer out, List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) out.write(',');
            out.write(csvCell(cells.get(i)));
        }
        out.write("\r\n");
    }

    /** RFC 4180: quote cells holding a comma, quote or line break; double inner quotes. */
    static String csvCell(String value) {
        if (value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    private static void move(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new PermanentException(
                    PermanentException.Code.INVALID_CONFIG,
                    "the outbox file system cannot rename atomically: " + target.getParent(),
                    e);
        }
    }

    /** Makes the rename durable; not every platform can open a directory, which is then best effort. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Windows cannot open directories; the rename itself is still atomic.
        }
    }

    private static String safe(String what, String name) {
        if (!SAFE_NAME.matcher(name).matches()) {
            throw new PermanentException(
                    PermanentException.Code.INVALID_REQUEST,
                    what + " '" + name + "' is not a safe file name (letters, digits, '.', '_', '-')");
        }
        return name;
    }
}
