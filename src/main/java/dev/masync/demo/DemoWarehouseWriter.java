package dev.masync.demo;

import dev.masync.platform.MasyncConfig;
import dev.masync.warehouse.WarehouseConfig;
import dev.masync.warehouse.WarehouseWriter;
import jakarta.enterprise.context.ApplicationScoped;

/** Demo mode owns the DuckDB file: it generates and advances it. */
@ApplicationScoped
class DemoWarehouseWriter implements WarehouseWriter {
    private final DemoConfig demo;
    private final WarehouseConfig warehouse;
    private final MasyncConfig masync;

    DemoWarehouseWriter(DemoConfig demo, WarehouseConfig warehouse, MasyncConfig masync) {
        this.demo = demo;
        this.warehouse = warehouse;
        this.masync = masync;
    }

    @Override
    public boolean writesDuckDb() {
        return DemoConfig.active(demo, warehouse, masync);
    }
}
