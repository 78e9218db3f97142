package dev.chorus.node.net;

import dev.chorus.node.Log;
import dev.chorus.node.Server;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.concurrent.TimeUnit;

/**
 * Gives memory back to the operating system once the node goes idle after memory-significant activity: a large value
 * that was set and deleted, a burst of reply or query buffers, thousands of connections that came and went. Redis frees
 * such memory at once (jemalloc returns the pages); a JVM keeps the heap it grew to until a full collection shrinks it
 * (the serial collector only then, and by default in damped steps: 0%, 10%, 40%, then all of the excess), and G1 waits
 * for a collection too.
 *
 * <p>Twice a second, on the server thread: the node is idle when no command, connection or input arrived since the
 * last look and no client has output waiting. Activity is significant when the dataset estimate moved by more than
 * {@link #STEP} since the last collection asked here (a DEL of a large value), or the heap holds well more than it did
 * right after that collection (garbage from buffers). When the node is idle after significant activity and the heap is
 * above a floor, it runs a full collection ({@code System.gc()}); the collector then shrinks the heap to the live data
 * plus its free-ratio margin (MaxHeapFreeRatio) and uncommits the rest. While a collection still gives memory back, it
 * goes on half a second later (the serial collector's steps without -XX:-ShrinkHeapInSteps). After a collection it
 * waits three times its pause (at most 3 s) before another, and a busy node is never collected by this (the
 * collector's own work keeps up there).
 * Off with {@code -Dchorus.memoryReturn=false}.
 */
public final class MemoryReturn {
    /** Below this much committed heap there is nothing worth giving back. */
    private static final long FLOOR = 32L * 1024 * 1024;
    /** Dataset movement, or collection result, that counts as significant. */
    private static final long STEP = 8L * 1024 * 1024;
    private static final long TICK_MILLIS = 500;
    /** Pause budget: wait this many times the last pause before the next collection (capped). */
    private static final long PAUSE_FACTOR = 3;
    private static final long MAX_WAIT_MILLIS = 3000;
    /** Free-heap ratios for this collection only: shrink to the live data with a small margin. */
    private static final String TIGHT_MIN_FREE = "5";
    private static final String TIGHT_MAX_FREE = "10";

    private final Server server;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private long lastActivity;
    private boolean pendingSteps = true;
    private long datasetAtCollection;
    private long heapUsedAfterCollection;
    private long nextAllowedAt;

    private MemoryReturn(Server server) {
        this.server = server;
        this.lastActivity = activity();
        this.datasetAtCollection = server.usedMemory();
    }

    /** Starts looking (on the server thread); does nothing when disabled. */
    public static void start(Server server) {
        if ("false".equals(System.getProperty("chorus.memoryReturn"))) {
            return;
        }
        MemoryReturn m = new MemoryReturn(server);
        server.loop().scheduleWithFixedDelay(() -> {
            try {
                m.tick(System.currentTimeMillis());
            } catch (RuntimeException e) {
                Log.verbose("memory return: " + e);
            }
        }, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * One full collection with MinHeapFreeRatio/MaxHeapFreeRatio lowered for it (both flags are manageable), so the
     * heap shrinks to the live data plus 10% rather than the default 70% margin; the node's own ratios are restored
     * right after, so the next growth under load follows the usual policy.
     */
    private static void collectTight() {
        HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        String min = null;
        String max = null;
        try {
            min = hs.getVMOption("MinHeapFreeRatio").getValue();
            max = hs.getVMOption("MaxHeapFreeRatio").getValue();
            hs.setVMOption("MinHeapFreeRatio", TIGHT_MIN_FREE);
            hs.setVMOption("MaxHeapFreeRatio", TIGHT_MAX_FREE);
        } catch (RuntimeException e) {
            // flags not settable here: the collection still shrinks by the default ratios
        }
        try {
            System.gc();
        } finally {
            try {
                if (max != null) {
                    hs.setVMOption("MaxHeapFreeRatio", max);
                }
                if (min != null) {
                    hs.setVMOption("MinHeapFreeRatio", min);
                }
            } catch (RuntimeException e) {
                Log.verbose("memory return: could not restore the heap free ratios: " + e.getMessage());
            }
        }
    }

    /**
     * glibc keeps freed native memory (I/O buffers, the collector's own scratch) in its arenas: malloc_trim gives it
     * back, as jcmd's System.trim_native_heap does (JDK 17.0.9 and later; elsewhere this does nothing).
     */
    private static void trimNativeHeap() {
        try {
            var name = new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand");
            ManagementFactory.getPlatformMBeanServer().invoke(name, "systemTrimNativeHeap",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (Exception | LinkageError e) {
            // not available on this JVM: the heap part still happened
        }
    }

    private long activity() {
        var stats = server.stats();
        return stats.commandsProcessed + stats.netInputBytes + server.clients().totalConnections();
    }

    private void tick(long now) {
        long activity = activity();
        boolean quiet = activity == lastActivity;
        lastActivity = activity;
        if (!quiet || now < nextAllowedAt) {
            return;
        }
        for (Client c : server.clients().all()) {
            if (c.unsentBytes() > 0) {
                return; // a reply still on its way: not idle
            }
        }
        long dataset = server.usedMemory();
        MemoryUsage heap = memory.getHeapMemoryUsage();
        boolean significant = pendingSteps || Math.abs(dataset - datasetAtCollection) > STEP
                || heap.getUsed() - heapUsedAfterCollection > Math.max(4 * STEP, heapUsedAfterCollection / 4);
        if (!significant || heap.getCommitted() < FLOOR) {
            return;
        }
        long start = System.nanoTime();
        collectTight();
        long pauseMillis = (System.nanoTime() - start) / 1_000_000;
        trimNativeHeap();
        MemoryUsage after = memory.getHeapMemoryUsage();
        long returned = heap.getCommitted() - after.getCommitted();
        pendingSteps = returned > STEP;
        datasetAtCollection = dataset;
        heapUsedAfterCollection = after.getUsed();
        nextAllowedAt = now + Math.min(MAX_WAIT_MILLIS, Math.max(TICK_MILLIS, pauseMillis * PAUSE_FACTOR));
        Log.verbose("memory return: heap committed " + (heap.getCommitted() >> 20) + " MB -> "
                + (after.getCommitted() >> 20) + " MB, used " + (after.getUsed() >> 20) + " MB, pause " + pauseMillis
                + " ms");
    }
}
