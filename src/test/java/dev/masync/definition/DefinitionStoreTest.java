package dev.masync.definition;

import dev.masync.audit.AuditLog;
import dev.masync.destination.StoredDestination;
import dev.masync.platform.problem.ApiException;
import dev.masync.segment.Segment;
import dev.masync.sync.SyncEntity;
import io.quarkus.hibernate.orm.panache.Panache;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The kernel's guarantees with the interleaving forced, on each real entity: a writer that passed the
 * {@code If-Match} check loses with 412 when another request committed in between (the JPA version, not the check,
 * stops it), and a creator that saw the key free loses with 409 when another request took it in between.
 */
@QuarkusTest
class DefinitionStoreTest {
    static final DefinitionKind KIND = new DefinitionKind("thing", "Thing", "/api/v1/things");

    @Inject
    Clock clock;

    @Inject
    AuditLog audit;

    @AfterEach
    void removeRows() {
        QuarkusTransaction.requiringNew().run(() -> {
            for (Class<? extends ManagedDefinition> type :
                    List.of(Segment.class, StoredDestination.class, SyncEntity.class)) {
                Panache.getEntityManager()
                        .createQuery("delete from " + type.getSimpleName() + " where key like 'race_store_%'")
                        .executeUpdate();
            }
        });
    }

    @Test
    void aSegmentWriteThatLostTheRaceIs412() {
        lostUpdate(Segment.class, Segment::new, s -> s.ruleJson = "{\"attribute\": \"plan\"}", "race_store_segment");
    }

    @Test
    void aDestinationWriteThatLostTheRaceIs412() {
        lostUpdate(
                StoredDestination.class,
                StoredDestination::new,
                d -> {
                    d.type = "file";
                    d.settingsJson = "{}";
                },
                "race_store_destination");
    }

    @Test
    void aSyncWriteThatLostTheRaceIs412() {
        lostUpdate(
                SyncEntity.class,
                SyncEntity::new,
                s -> {
                    s.segmentKey = "x";
                    s.destinationKey = "y";
                    s.definitionJson = "{}";
                    s.stateId = "s1";
                },
                "race_store_sync");
    }

    @Test
    void aCreateThatLostTheRaceIs409() {
        DefinitionStore<Segment, Integer> store = store(Segment.class);
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
                    store.requireAbsent("race_store_create");
                    // another request takes the key now, and commits
                    CompletableFuture.runAsync(() -> QuarkusTransaction.requiringNew()
                                    .run(() ->
                                            create(store, Segment::new, s -> s.ruleJson = "{}", "race_store_create")))
                            .join();
                    create(store, Segment::new, s -> s.ruleJson = "{}", "race_store_create");
                }))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.code()).isEqualTo("thing_exists");
                });
    }

    @Test
    void aStaleOrMissingIfMatchIsRefusedBeforeAnyWrite() {
        DefinitionStore<Segment, Integer> store = store(Segment.class);
        QuarkusTransaction.requiringNew()
                .run(() -> create(store, Segment::new, s -> s.ruleJson = "{}", "race_store_if"));
        QuarkusTransaction.requiringNew().run(() -> {
            Segment s = store.get("race_store_if");
            assertThatThrownBy(() -> store.requireWritable(s, null))
                    .isInstanceOfSatisfying(
                            ApiException.class, e -> assertThat(e.status()).isEqualTo(428));
            assertThatThrownBy(() -> store.requireWritable(s, 7))
                    .isInstanceOfSatisfying(
                            ApiException.class, e -> assertThat(e.code()).isEqualTo("version_mismatch"));
            store.requireWritable(s, 1);
        });
    }

    @Test
    void aFileCannotTakeAKeyTheApiManages() {
        DefinitionStore<Segment, Integer> store = store(Segment.class);
        QuarkusTransaction.requiringNew()
                .run(() -> create(store, Segment::new, s -> s.ruleJson = "{}", "race_store_api"));
        QuarkusTransaction.requiringNew()
                .run(() -> assertThatThrownBy(() -> store.forFile("race_store_api", "segments/x.yaml", Segment::new))
                        .isInstanceOfSatisfying(
                                ApiException.class, e -> assertThat(e.status()).isEqualTo(409)));
    }

    /**
     * Reads version 1 and passes the If-Match check; another request then writes and commits version 2; this write
     * must fail with 412 and leave the other's write in place.
     */
    private <E extends ManagedDefinition> void lostUpdate(
            Class<E> type, Supplier<E> factory, Consumer<E> fill, String key) {
        DefinitionStore<E, Integer> store = store(type);
        QuarkusTransaction.requiringNew().run(() -> create(store, factory, fill, key));

        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
                    E mine = store.get(key);
                    store.requireWritable(mine, 1);
                    CompletableFuture.runAsync(() -> QuarkusTransaction.requiringNew()
                                    .run(() -> {
                                        E theirs = store.get(key);
                                        store.requireWritable(theirs, 1);
                                        theirs.name = "Theirs";
                                        store.touch(theirs, "other");
                                        assertThat(store.saved(theirs, 1)).isEqualTo(2);
                                    }))
                            .join();
                    mine.name = "Mine";
                    store.touch(mine, "me");
                    store.saved(mine, 1);
                }))
                .as("the second writer loses")
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(412);
                    assertThat(e.code()).isEqualTo("version_mismatch");
                });
        E stored = QuarkusTransaction.requiringNew().call(() -> store.get(key));
        assertThat(stored.version).isEqualTo(2);
        assertThat(stored.name).isEqualTo("Theirs");
    }

    private <E extends ManagedDefinition> DefinitionStore<E, Integer> store(Class<E> type) {
        return new DefinitionStore<>(KIND, type, e -> e.version, clock, audit);
    }

    private static <E extends ManagedDefinition> void create(
            DefinitionStore<E, Integer> store, Supplier<E> factory, Consumer<E> fill, String key) {
        E e = store.newApiManaged(key, "test", factory);
        e.name = "Created";
        fill.accept(e);
        store.touch(e, "test");
        assertThat(store.created(e)).isEqualTo(1);
    }
}
