package dev.masync.definition;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.Version;

import java.time.Instant;

/**
 * The columns every managed definition (segment, destination, sync) has. Each table names its key column itself
 * ({@code @AttributeOverride(name = "key", ...)}).
 *
 * <p>{@link #version} is the JPA {@code @Version}: the provider raises it by one on every write of the row and
 * writes with {@code WHERE version = <read>}, so of two writers that read the same version only one can win. It is
 * also the definition's version as the API shows it (ETag, {@code If-Match}). Never assign it after creation; bulk
 * JPQL updates of bookkeeping columns (leases, schedules) leave it alone.
 */
@MappedSuperclass
public abstract class ManagedDefinition extends PanacheEntityBase {
    /** Managed through the REST API. */
    public static final String SOURCE_API = "api";
    /** Managed by a file; read-only through REST. */
    public static final String SOURCE_FILE = "file";

    @Id
    @Column(length = 100)
    public String key;

    @Column(nullable = false, length = 200)
    public String name;

    @Version
    @Column(nullable = false)
    public int version;

    /** {@link #SOURCE_API} or {@link #SOURCE_FILE}. */
    @Column(nullable = false, length = 16)
    public String source;

    /** The file that manages it, as the loader found it (the folder as configured, then the file name). */
    @Column(name = "source_file", length = 500)
    public String sourceFile;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "created_by", nullable = false, length = 100)
    public String createdBy;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    @Column(name = "updated_by", nullable = false, length = 100)
    public String updatedBy;

    public boolean fileManaged() {
        return SOURCE_FILE.equals(source);
    }
}
