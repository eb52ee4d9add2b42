package dev.masync.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.masync.connector.Connectors;
import dev.masync.connector.ConnectorsConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;

/** Build guards that keep the shape of the code; each says what to do instead. */
class ArchitectureTest {
    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.masync");
    }

    @Test
    void bigQueryClientStaysInsideTheWarehouse() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.masync.warehouse.bigquery..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("com.google.cloud.bigquery..")
                .because("only the BigQuery warehouse talks to BigQuery; use the Warehouse SPI instead")
                .check(classes);
    }

    @Test
    void duckDbDriverStaysInsideTheWarehouse() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.masync.warehouse.duckdb..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.duckdb..")
                .because("only the DuckDB warehouse uses the driver; go through Warehouse or plain java.sql")
                .check(classes);
    }

    @Test
    void warehouseSpiHasNoFrameworkImports() {
        noClasses()
                .that()
                .resideInAPackage("dev.masync.warehouse")
                .and()
                .haveSimpleNameNotEndingWith("Provider")
                .and()
                .haveSimpleNameNotEndingWith("HealthCheck")
                .and()
                .haveSimpleNameNotEndingWith("Config")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("jakarta..", "io.quarkus..")
                .because("the SPI is plain Java so warehouses can be tested without the application")
                .check(classes);
    }

    @Test
    void connectorSpiHasNoFrameworkImports() {
        noClasses()
                .that()
                .resideInAPackage("dev.masync.connector.spi..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("jakarta..", "io.quarkus..", "okhttp3..", "okio..", "com.fasterxml.jackson..")
                .because("the connector SPI is plain Java so connectors build and test without the application; "
                        + "keep HTTP in connector.http or the vendor package and wiring in the application")
                .check(classes);
    }

    @Test
    void destinationsAndSyncsReachConnectorsOnlyThroughTheSpiAndTheRegistry() {
        DescribedPredicate<JavaClass> connectorInternals = JavaClass.Predicates.resideInAPackage(
                        "dev.masync.connector..")
                .and(DescribedPredicate.not(JavaClass.Predicates.resideInAPackage("dev.masync.connector.spi..")))
                .and(DescribedPredicate.not(
                        JavaClass.Predicates.belongToAnyOf(Connectors.class, ConnectorsConfig.class)))
                .as("are connector internals (vendor packages, connector.http, producers)");
        noClasses()
                .that()
                .resideInAnyPackage("dev.masync.destination..", "dev.masync.sync..")
                .should()
                .dependOnClassesThat(connectorInternals)
                .because("destinations and syncs work with any connector: ask the Connectors registry for a "
                        + "Destination and use only connector.spi types (capabilities, batches, outcomes); a vendor's "
                        + "classes and the HTTP helpers stay inside dev.masync.connector")
                .check(classes);
    }

    @Test
    void syncStateAndTheRunEngineStayPlainJava() {
        noClasses()
                .that()
                .resideInAPackage("dev.masync.sync.state..")
                .or()
                .haveFullyQualifiedName("dev.masync.sync.run.RunEngine")
                .or()
                .haveFullyQualifiedName("dev.masync.sync.run.ChangeBuilder")
                .or()
                .haveFullyQualifiedName("dev.masync.sync.run.Pacer")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("jakarta..", "io.quarkus..")
                .because(
                        "the diff, the state store and the engine are tested in plain JUnit against real DuckDB; "
                                + "persistence and scheduling belong in the run's parts (RunLeases, RunScheduler, RecordErrorLedger…)")
                .check(classes);
    }

    @Test
    void platformKnowsNoFeature() {
        noClasses()
                .that()
                .resideInAPackage("dev.masync.platform..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.masync.sync..", "dev.masync.segment..", "dev.masync.destination..", "dev.masync.demo..")
                .because("platform is what every feature builds on; start-up orchestration across features goes in "
                        + "dev.masync.app, and a feature's errors reach the problem mapping as a DomainException")
                .check(classes);
    }

    @Test
    void warehouseKnowsNoDemo() {
        noClasses()
                .that()
                .resideInAPackage("dev.masync.warehouse..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.masync.demo..")
                .because("the warehouse declares what it needs from features (e.g. WarehouseWriter) and the demo "
                        + "implements it as a bean; the warehouse must not import the demo")
                .check(classes);
    }

    @Test
    void noTestSeamsInProductionClasses() {
        noClasses()
                .should()
                .haveSimpleNameEndingWith("ForTest")
                .because("tests reach behaviour through the real parts (inject the component, e.g. RunLeases), "
                        + "not through seams in production code")
                .check(classes);
    }

    @Test
    void noTestSeamsInProductionMethods() {
        noMethods()
                .should()
                .haveNameMatching(".*ForTest")
                .because("tests reach behaviour through the real parts (inject the component, e.g. RunLeases), "
                        + "not through seams in production code")
                .check(classes);
    }

    @Test
    void theRunPathThrowsDomainErrorsNotHttpOnes() {
        noClasses()
                .that()
                .resideInAPackage("dev.masync.sync.run..")
                .and()
                .areNotAnnotatedWith("jakarta.ws.rs.Path")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("dev.masync.platform.problem.ApiException")
                .because("the run path throws RunException (a DomainException with a code and a kind); "
                        + "ProblemMappers turns it into a problem in one place. Only the REST resources speak HTTP")
                .check(classes);
    }
}
