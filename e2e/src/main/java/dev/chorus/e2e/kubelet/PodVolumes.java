package dev.chorus.e2e.kubelet;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A pod's volumes as host directories, bind-mounted into its containers later. ConfigMap, Secret, projected and
 * downwardAPI volumes are (re)written from the cluster's current objects on every sync, so updates show up in
 * running containers as with a real kubelet (files are replaced atomically). emptyDir lives and dies with the pod;
 * a PVC is backed by a per-claim directory that outlives the pod ({@link Claims}).
 */
final class PodVolumes {
    private static final int DEFAULT_MODE = 0644;

    private final Path dir;
    private final ProcessKubelet kubelet;
    private final Map<String, Path> sources = new HashMap<>();
    private final Map<String, String> tokens = new HashMap<>();

    PodVolumes(Path dir, ProcessKubelet kubelet) {
        this.dir = dir;
        this.kubelet = kubelet;
    }

    /** The host directory (or file) backing a volume; null before {@link #sync} set it up. */
    synchronized Path source(String volume) {
        return sources.get(volume);
    }

    synchronized void sync(Pod pod, String podIp, String hostIp) throws ConfigError {
        List<Volume> volumes = pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes();
        String ns = pod.getMetadata().getNamespace();
        ClusterView view = kubelet.view();
        for (Volume v : volumes) {
            Path target = dir.resolve(v.getName());
            if (v.getEmptyDir() != null) {
                mkdirs(target);
                worldWritable(target); // as a kubelet makes it: any container user can write (0777)
            } else if (v.getConfigMap() != null) {
                var src = v.getConfigMap();
                ConfigMap cm = view.configMap(ns, src.getName());
                if (cm == null && !Boolean.TRUE.equals(src.getOptional())) {
                    throw new ConfigError("MountVolume.SetUp failed for volume \"" + v.getName() + "\": configmap \""
                            + src.getName() + "\" not found");
                }
                Map<String, FileContent> files = new TreeMap<>();
                if (cm != null) {
                    project(PodEnv.configMapData(cm), src.getItems(), mode(src.getDefaultMode()), files, "ConfigMap", src.getName(),
                            src.getOptional());
                }
                writeFiles(target, files);
            } else if (v.getSecret() != null) {
                var src = v.getSecret();
                Secret s = view.secret(ns, src.getSecretName());
                if (s == null && !Boolean.TRUE.equals(src.getOptional())) {
                    throw new ConfigError("MountVolume.SetUp failed for volume \"" + v.getName() + "\": secret \""
                            + src.getSecretName() + "\" not found");
                }
                Map<String, FileContent> files = new TreeMap<>();
                if (s != null) {
                    project(PodEnv.secretData(s), src.getItems(), mode(src.getDefaultMode()), files, "Secret", src.getSecretName(),
                            src.getOptional());
                }
                writeFiles(target, files);
            } else if (v.getDownwardAPI() != null) {
                Map<String, FileContent> files = new TreeMap<>();
                downward(pod, v.getDownwardAPI().getItems(), mode(v.getDownwardAPI().getDefaultMode()), podIp, hostIp, files);
                writeFiles(target, files);
            } else if (v.getProjected() != null) {
                writeFiles(target, projected(pod, v, podIp, hostIp));
            } else if (v.getPersistentVolumeClaim() != null) {
                target = kubelet.claims().backingDir(ns, v.getPersistentVolumeClaim().getClaimName());
            } else if (v.getHostPath() != null) {
                target = Path.of(v.getHostPath().getPath());
                String type = v.getHostPath().getType() == null ? "" : v.getHostPath().getType();
                if (type.equals("DirectoryOrCreate")) {
                    mkdirs(target);
                } else if (!Files.exists(target) && !type.isEmpty()) {
                    throw new ConfigError("hostPath " + target + " does not exist");
                }
            } else {
                throw new ConfigError("volume \"" + v.getName() + "\": this volume type is not supported by the chorus test bed");
            }
            sources.put(v.getName(), target);
        }
    }

    private Map<String, FileContent> projected(Pod pod, Volume v, String podIp, String hostIp) throws ConfigError {
        String ns = pod.getMetadata().getNamespace();
        int defaultMode = mode(v.getProjected().getDefaultMode());
        Map<String, FileContent> files = new TreeMap<>();
        ClusterView view = kubelet.view();
        for (VolumeProjection p : v.getProjected().getSources()) {
            if (p.getConfigMap() != null) {
                ConfigMap cm = view.configMap(ns, p.getConfigMap().getName());
                if (cm == null) {
                    if (Boolean.TRUE.equals(p.getConfigMap().getOptional())) {
                        continue;
                    }
                    throw new ConfigError("MountVolume.SetUp failed for volume \"" + v.getName() + "\": configmap \""
                            + p.getConfigMap().getName() + "\" not found");
                }
                project(PodEnv.configMapData(cm), p.getConfigMap().getItems(), defaultMode, files, "ConfigMap",
                        p.getConfigMap().getName(), p.getConfigMap().getOptional());
            } else if (p.getSecret() != null) {
                Secret s = view.secret(ns, p.getSecret().getName());
                if (s == null) {
                    if (Boolean.TRUE.equals(p.getSecret().getOptional())) {
                        continue;
                    }
                    throw new ConfigError("MountVolume.SetUp failed for volume \"" + v.getName() + "\": secret \""
                            + p.getSecret().getName() + "\" not found");
                }
                project(PodEnv.secretData(s), p.getSecret().getItems(), defaultMode, files, "Secret", p.getSecret().getName(),
                        p.getSecret().getOptional());
            } else if (p.getDownwardAPI() != null) {
                downward(pod, p.getDownwardAPI().getItems(), defaultMode, podIp, hostIp, files);
            } else if (p.getServiceAccountToken() != null) {
                var t = p.getServiceAccountToken();
                String key = t.getAudience() + "/" + t.getPath();
                String token = tokens.get(key);
                if (token == null) {
                    token = kubelet.requestToken(pod, t.getAudience(), t.getExpirationSeconds());
                    tokens.put(key, token);
                }
                files.put(t.getPath(), new FileContent(token.getBytes(StandardCharsets.UTF_8), defaultMode));
            } else {
                throw new ConfigError("volume \"" + v.getName() + "\": unsupported projection");
            }
        }
        return files;
    }

    private static void project(Map<String, byte[]> data, List<KeyToPath> items, int defaultMode, Map<String, FileContent> files,
            String kind, String name, Boolean optional) throws ConfigError {
        if (items == null || items.isEmpty()) {
            data.forEach((k, v) -> files.put(k, new FileContent(v, defaultMode)));
            return;
        }
        for (KeyToPath item : items) {
            byte[] v = data.get(item.getKey());
            if (v == null) {
                if (Boolean.TRUE.equals(optional)) {
                    continue;
                }
                throw new ConfigError("configmap references non-existent config key: " + item.getKey() + " (" + kind + " " + name + ")");
            }
            files.put(item.getPath(), new FileContent(v, item.getMode() == null ? defaultMode : item.getMode()));
        }
    }

    private void downward(Pod pod, List<DownwardAPIVolumeFile> items, int defaultMode, String podIp, String hostIp,
            Map<String, FileContent> files) throws ConfigError {
        for (DownwardAPIVolumeFile f : items) {
            String value = f.getFieldRef() != null
                    ? DownwardApi.field(pod, f.getFieldRef(), podIp, hostIp)
                    : DownwardApi.resource(pod, f.getResourceFieldRef(), kubelet.view().nodeAllocatable());
            files.put(f.getPath(), new FileContent(value.getBytes(StandardCharsets.UTF_8), f.getMode() == null ? defaultMode : f.getMode()));
        }
    }

    private static int mode(Integer m) {
        return m == null ? DEFAULT_MODE : m;
    }

    record FileContent(byte[] bytes, int mode) {
    }

    /** Makes {@code dir} hold exactly {@code files}: changed files are replaced by rename, stale ones removed. */
    static void writeFiles(Path dir, Map<String, FileContent> files) {
        try {
            Files.createDirectories(dir);
            for (var e : files.entrySet()) {
                Path f = dir.resolve(e.getKey()).normalize();
                if (!f.startsWith(dir)) {
                    continue;
                }
                Files.createDirectories(f.getParent());
                byte[] want = e.getValue().bytes();
                Set<PosixFilePermission> perms = permissions(e.getValue().mode());
                if (Files.isRegularFile(f) && java.util.Arrays.equals(Files.readAllBytes(f), want)) {
                    if (!Files.getPosixFilePermissions(f).equals(perms)) {
                        Files.setPosixFilePermissions(f, perms);
                    }
                    continue;
                }
                Path tmp = f.resolveSibling(".." + f.getFileName() + ".tmp");
                Files.write(tmp, want);
                Files.setPosixFilePermissions(tmp, perms);
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    if (p.equals(dir)) {
                        continue;
                    }
                    String rel = dir.relativize(p).toString();
                    boolean wanted = files.containsKey(rel) || files.keySet().stream().anyMatch(k -> k.startsWith(rel + "/"));
                    if (!wanted) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write volume files in " + dir, e);
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }

    static void worldWritable(Path p) {
        try {
            java.nio.file.Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void mkdirs(Path p) {
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
