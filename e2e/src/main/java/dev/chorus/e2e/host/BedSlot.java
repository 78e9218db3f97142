package dev.chorus.e2e.host;

import dev.chorus.e2e.support.Shell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One of ten host-wide slots (0-9) a bed runs in; the slot picks its bridge name, network namespace prefix and pod
 * subnet, so beds in parallel JVMs never collide. The slot is held by an OS file lock on
 * {@code /run/chorus-bed/<slot>.lock}, which the kernel drops when the JVM dies however it dies. A slot whose lock is
 * free but which still has a bridge, namespaces or recorded processes belongs to a JVM that was killed before its
 * clean-up ran: {@link #acquire()} reclaims those leftovers first.
 */
public final class BedSlot implements AutoCloseable {
    static final Path ROOT = Path.of("/run/chorus-bed");
    private static final int SLOTS = 10;
    /**
     * Slots this JVM holds. They must be skipped without opening their lock file: POSIX record locks belong to the
     * process, and closing any descriptor of the file would release the lock the holder still needs.
     */
    private static final java.util.Set<Integer> HELD = new java.util.HashSet<>();

    private final int index;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Path dir;

    private BedSlot(int index, FileChannel lockChannel, FileLock lock) {
        this.index = index;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.dir = ROOT.resolve(Integer.toString(index));
    }

    public static synchronized BedSlot acquire() {
        try {
            Files.createDirectories(ROOT);
            for (int i = 0; i < SLOTS; i++) {
                if (HELD.contains(i)) {
                    continue;
                }
                FileChannel ch = FileChannel.open(ROOT.resolve(i + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = ch.tryLock();
                if (lock == null) {
                    ch.close();
                    continue;
                }
                HELD.add(i);
                BedSlot slot = new BedSlot(i, ch, lock);
                try {
                    slot.reclaimLeftovers();
                    Files.createDirectories(slot.dir);
                } catch (IOException | RuntimeException e) {
                    slot.close();
                    throw e;
                }
                return slot;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("all " + SLOTS + " test-bed slots in " + ROOT + " are in use");
    }

    /**
     * A fresh state directory for this bed under {@code /run/chorus-bed/<slot>/}. Not under /tmp: pods often mount an
     * emptyDir at /tmp, which would hide volume sources living below it from the pod's mount namespace.
     */
    public Path newStateDir() {
        try {
            return Files.createTempDirectory(dir, "state-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int index() {
        return index;
    }

    public String bridgeName() {
        return "chorus-bed" + index;
    }

    public String netnsPrefix() {
        return "cbd" + index + "-";
    }

    public String vethPrefix() {
        return "cbv" + index + "-";
    }

    /** Second octet of the slot's private 10.x.0.0/16, used only on the bridge and inside the bed's namespaces. */
    public int subnetOctet() {
        return 240 + index;
    }

    /** Records something to undo should this JVM die before closing (one "kind value" line). */
    public void record(String kind, String value) {
        try {
            Files.writeString(dir.resolve("leftovers"), kind + " " + value + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Undoes what a dead owner of this slot left behind: processes, namespaces, the bridge, mount points, dirs. */
    private void reclaimLeftovers() throws IOException {
        Path leftovers = dir.resolve("leftovers");
        List<String[]> records = Files.exists(leftovers)
                ? Files.readAllLines(leftovers).stream().map(l -> l.split(" ", 2)).filter(a -> a.length == 2).toList()
                : List.of();
        for (String ns : Shell.run("ip", "netns", "list").output().lines().map(l -> l.split(" ")[0]).toList()) {
            if (ns.startsWith(netnsPrefix())) {
                killNamespace(ns);
                Shell.run("ip", "netns", "del", ns);
            }
        }
        for (String[] r : records) {
            if (r[0].equals("pid")) { // "pid <pid> <executable>": only if it is still that program
                String[] pe = r[1].split(" ", 2);
                Path exe = Path.of("/proc", pe[0], "exe");
                try {
                    if (pe.length == 2 && Files.readSymbolicLink(exe).toString().equals(pe[1])) {
                        Shell.run("kill", "-KILL", pe[0]);
                    }
                } catch (IOException ignored) {
                    // gone
                }
            }
        }
        if (Shell.run("ip", "link", "show", bridgeName()).ok()) {
            Shell.run("ip", "link", "del", bridgeName());
        }
        List<String[]> reversed = new java.util.ArrayList<>(records);
        java.util.Collections.reverse(reversed);
        for (String[] r : reversed) {
            if (r[0].equals("mountpoint")) {
                HostMountPoints.removeIfUnused(Path.of(r[1]));
            } else if (r[0].equals("dir")) {
                deleteTree(Path.of(r[1]));
            }
        }
        if (Files.isDirectory(dir)) { // state dirs are only ever made by this slot's owners
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().startsWith("state-")).forEach(BedSlot::deleteTree);
            }
        }
        Files.deleteIfExists(leftovers);
    }

    /** SIGKILLs every process in a network namespace (pod processes all live in one). */
    public static void killNamespace(String ns) {
        try {
            org.awaitility.Awaitility.await("processes of network namespace " + ns + " gone")
                    .atMost(java.time.Duration.ofMillis(250)).pollDelay(java.time.Duration.ZERO)
                    .pollInterval(java.time.Duration.ofMillis(50)).until(() -> {
                        List<String> pids = Shell.run("ip", "netns", "pids", ns).output().lines().map(String::strip)
                                .filter(s -> s.matches("\\d+")).toList();
                        pids.forEach(pid -> Shell.run("kill", "-KILL", pid));
                        return pids.isEmpty();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // best effort, as before: deleting the namespace follows, and the slot is reclaimed on the next start
        }
    }

    public static void deleteTree(Path root) {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort; reported by the caller's checks
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(dir.resolve("leftovers"));
            try {
                Files.deleteIfExists(dir);
            } catch (java.nio.file.DirectoryNotEmptyException e) {
                // something could not be deleted; the next owner of the slot reclaims it
            }
            lock.release();
            lockChannel.close();
            synchronized (BedSlot.class) {
                HELD.remove(index);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
