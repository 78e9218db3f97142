package dev.chorus.e2e.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Mount points on the host file system. A pod's volumes are bind-mounted at their {@code mountPath}s inside the
 * pod's private mount namespace, but the mount point itself (e.g. {@code /data}) has to exist in the shared file
 * system. Only paths this bed created are recorded, and they are removed again (if still empty) on close.
 */
public final class HostMountPoints {
    private final BedSlot slot;
    private final List<Path> created = new ArrayList<>();

    public HostMountPoints(BedSlot slot) {
        this.slot = slot;
    }

    /** Makes sure {@code path} exists as a directory (or as a file when {@code file}), creating missing parents. */
    public synchronized void ensure(Path path, boolean file) {
        Path p = path.toAbsolutePath().normalize();
        try {
            if (Files.exists(p)) {
                return;
            }
            List<Path> missing = new ArrayList<>();
            for (Path q = file ? p.getParent() : p; q != null && !Files.exists(q, LinkOption.NOFOLLOW_LINKS); q = q.getParent()) {
                missing.add(0, q);
            }
            for (Path q : missing) {
                slot.record("mountpoint", q.toString());
                Files.createDirectory(q);
                created.add(q);
            }
            if (file) {
                slot.record("mountpoint", p.toString());
                Files.createFile(p);
                created.add(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create mount point " + p, e);
        }
    }

    public synchronized List<Path> created() {
        return List.copyOf(created);
    }

    /** Removes what {@link #ensure} created, deepest first, if it is still empty. */
    public synchronized void close() {
        for (int i = created.size() - 1; i >= 0; i--) {
            removeIfUnused(created.get(i));
        }
        created.clear();
    }

    static void removeIfUnused(Path p) {
        try {
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.size(p) == 0) {
                Files.delete(p);
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                try (var s = Files.list(p)) {
                    if (s.findAny().isEmpty()) {
                        Files.delete(p);
                    }
                }
            }
        } catch (IOException ignored) {
            // in use or gone: leave it
        }
    }
}
