package dev.masync.demo;

import dev.masync.warehouse.WarehouseWriter;
import jakarta.enterprise.context.ApplicationScoped;

/** Demo mode owns the DuckDB file: it generates and advances it. */
@ApplicationScoped
class DemoWarehouseWriter implements WarehouseWriter {
    private final DemoConfig demo;

    DemoWarehouseWriter(DemoConfig demo) {
        this.demo = demo;
    }

    @Override
    public boolean writesDuckDb() {
        return demo.enabled();
    }
}
