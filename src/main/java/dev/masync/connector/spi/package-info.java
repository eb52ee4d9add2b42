/**
 * The connector SPI: the contract between the sync engine and a destination.
 *
 * <p>Plain Java only, so a connector can be built and tested without the application. A connector is one
 * {@link dev.masync.connector.spi.Destination} in its own package; nothing central lists connectors.
 *
 * <p>Outcomes of a push come in three kinds:
 * <ul>
 *   <li>per-record rejections, <em>returned</em> in a {@link dev.masync.connector.spi.BatchResult};</li>
 *   <li>{@link dev.masync.connector.spi.RetryableException}: nothing in the batch is known to have been applied
 *       for sure; the engine sends the same batch again later;</li>
 *   <li>{@link dev.masync.connector.spi.PermanentException}: sending again will fail the same way until a human
 *       fixes credentials, permissions, configuration or the data.</li>
 * </ul>
 */
package dev.masync.connector.spi;
