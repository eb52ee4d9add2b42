package dev.masync.connector;

import dev.masync.connector.file.FileConnector;
import dev.masync.connector.spi.Batch;
import dev.masync.connector.spi.BatchLimits;
import dev.masync.connector.spi.BatchResult;
import dev.masync.connector.spi.Destination;
import dev.masync.connector.spi.DestinationContext;
import dev.masync.connector.spi.SettingProblem;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectorsTest {

    record Named(String type) implements Destination {
        @Override
        public List<SettingProblem> validate(Map<String, String> settings) {
            return List.of();
        }

        @Override
        public BatchResult push(DestinationContext context, Batch batch) {
            return BatchResult.allConfirmed(batch);
        }

        @Override
        public BatchLimits limits() {
            return new BatchLimits(1, 1);
        }
    }

    @Test
    void findsEachConnectorByItsType() {
        FileConnector file = new FileConnector();
        Connectors connectors = Connectors.of(new Named("webhook"), file, new Named("braze"));

        assertThat(connectors.types()).containsExactly("braze", "file", "webhook");
        assertThat(connectors.byType("file")).containsSame(file);
        assertThat(connectors.byType("hubspot")).isEmpty();
        assertThat(connectors.byType(null)).isEmpty();
    }

    @Test
    void twoConnectorsOfOneTypeAreAMistake() {
        assertThatThrownBy(() -> Connectors.of(new Named("file"), new FileConnector()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two connectors declare type 'file'");
    }
}
