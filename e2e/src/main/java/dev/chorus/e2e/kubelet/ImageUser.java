package dev.chorus.e2e.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The uid/gid a container from an image runs as: the container's then the pod's securityContext
 * (runAsUser/runAsGroup), else the image's USER ("uid", "uid:gid", "name" or "name:group", names looked up in the
 * image's /etc/passwd and /etc/group), else root. {@code runAsNonRoot} refuses uid 0, as the kubelet does.
 */
final class ImageUser {
    private ImageUser() {
    }

    static long[] resolve(OciImage image, Container c, PodSecurityContext pod, Path cache) {
        Long uid = null;
        Long gid = null;
        Boolean nonRoot = null;
        if (pod != null) {
            uid = pod.getRunAsUser();
            gid = pod.getRunAsGroup();
            nonRoot = pod.getRunAsNonRoot();
        }
        if (c.getSecurityContext() != null) {
            var sc = c.getSecurityContext();
            uid = sc.getRunAsUser() != null ? sc.getRunAsUser() : uid;
            gid = sc.getRunAsGroup() != null ? sc.getRunAsGroup() : gid;
            nonRoot = sc.getRunAsNonRoot() != null ? sc.getRunAsNonRoot() : nonRoot;
        }
        String user = image.user();
        Path rootfs = image.rootfs(cache);
        if (uid == null) {
            String u = user.isEmpty() ? "0" : user.split(":", 2)[0];
            uid = u.matches("\\d+") ? Long.parseLong(u) : lookup(rootfs.resolve("etc/passwd"), u, 2);
            if (gid == null && user.contains(":")) {
                String g = user.split(":", 2)[1];
                gid = g.matches("\\d+") ? Long.parseLong(g) : lookup(rootfs.resolve("etc/group"), g, 2);
            }
        }
        if (gid == null) {
            Long primary = byUid(rootfs.resolve("etc/passwd"), uid, 3);
            gid = primary == null ? 0L : primary;
        }
        if (Boolean.TRUE.equals(nonRoot) && uid == 0) {
            throw new IllegalStateException("container has runAsNonRoot and image will run as root");
        }
        return new long[] {uid, gid};
    }

    /** HOME as the kubelet sets it: the user's home directory in the image's /etc/passwd, else "/". */
    static String home(OciImage image, long uid, Path cache) {
        try {
            for (String line : Files.readAllLines(image.rootfs(cache).resolve("etc/passwd"))) {
                String[] f = line.split(":");
                if (f.length > 5 && f[2].equals(Long.toString(uid))) {
                    return f[5];
                }
            }
        } catch (IOException e) {
            // no passwd file
        }
        return "/";
    }

    private static long lookup(Path file, String name, int field) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.split(":");
                if (f.length > field && f[0].equals(name)) {
                    return Long.parseLong(f[field]);
                }
            }
        } catch (IOException e) {
            // fall through
        }
        throw new IllegalStateException("unable to find user " + name + ": no matching entries in " + file.getFileName());
    }

    private static Long byUid(Path passwd, long uid, int field) {
        try {
            for (String line : Files.readAllLines(passwd)) {
                List<String> f = List.of(line.split(":"));
                if (f.size() > field && f.get(2).equals(Long.toString(uid))) {
                    return Long.parseLong(f.get(field));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // none
        }
        return null;
    }
}
