package dev.chorus.node.persistence;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.chorus.node.Log;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;

/**
 * Makes room in the heap once before a bulk load (an RDB of a known size). The node runs the serial collector with a
 * small initial heap (the image's Jib jvmFlags: -Xms16m) so that RSS follows the dataset; loaded as it arrives, a large
 * dataset then grows the old generation in steps, each step a full collection of everything loaded so far (four of
 * them, about 40% of the GC time, for 1M small keys). Serial sizes the old generation after a full collection to
 * {@code used / (1 - MinHeapFreeRatio/100)}, and that flag is manageable at run time: this picks the ratio that leaves
 * room for the load, runs one collection while the heap is still small, and restores the flags. Pages the load does not
 * use are only reserved, not touched; an over-estimate is given back by a later full collection (MaxHeapFreeRatio).
 * With another collector (no "Tenured Gen" pool) it does nothing.
 */
final class HeapHeadroom {
    private static final String OLD_GEN = "Tenured Gen";

    private HeapHeadroom() {
    }

    /** Ensures the old generation has about {@code bytes} free (capped by -Xmx). Best effort; never throws. */
    static void reserve(long bytes) {
        try {
            MemoryPoolMXBean old = null;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (OLD_GEN.equals(pool.getName())) {
                    old = pool;
                }
            }
            if (old == null || bytes <= 0) {
                return;
            }
            MemoryUsage usage = old.getUsage();
            Runtime rt = Runtime.getRuntime();
            // Live data after a full collection: at most what the whole heap holds now (young objects get promoted).
            long live = rt.totalMemory() - rt.freeMemory();
            long max = usage.getMax() > 0 ? usage.getMax() : rt.maxMemory();
            // A tenth more than asked: used-mem is the saving server's estimate, and an old generation that fills up
            // just before the end costs a full collection of everything loaded.
            long wanted = Math.min(max, live + bytes + bytes / 10);
            if (usage.getCommitted() - usage.getUsed() >= bytes || wanted <= usage.getCommitted()) {
                return;
            }
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            String minBefore = vm.getVMOption("MinHeapFreeRatio").getValue();
            String maxBefore = vm.getVMOption("MaxHeapFreeRatio").getValue();
            long start = System.nanoTime();
            long committedBefore = usage.getCommitted();
            // The ratio applies to what survives the collection, known only afterwards: a second round corrects a
            // first one that assumed too much live data (cheap: the heap is small when that happens).
            for (int round = 0; round < 2 && old.getUsage().getCommitted() < wanted; round++) {
                long ratio = Math.min(99, Math.max(1, 100 - (100 * live) / wanted)); // rounds the old size up
                if (Long.parseLong(minBefore) >= ratio) {
                    break;
                }
                vm.setVMOption("MaxHeapFreeRatio", "100"); // MinHeapFreeRatio may not exceed it
                vm.setVMOption("MinHeapFreeRatio", Long.toString(ratio));
                try {
                    System.gc();
                } finally {
                    vm.setVMOption("MinHeapFreeRatio", minBefore);
                    vm.setVMOption("MaxHeapFreeRatio", maxBefore);
                }
                live = Math.max(1, old.getUsage().getUsed());
                wanted = Math.min(max, live + bytes + bytes / 10);
            }
            Log.verbose(String.format(java.util.Locale.ROOT,
                    "Heap headroom for loading: old generation %d -> %d MB in %.1f ms",
                    committedBefore >> 20, old.getUsage().getCommitted() >> 20, (System.nanoTime() - start) / 1e6));
        } catch (RuntimeException | LinkageError e) {
            Log.verbose("Heap headroom for loading not reserved: " + e);
        }
    }
}
