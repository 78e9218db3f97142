package dev.chorus.e2e.controlplane;

import dev.chorus.e2e.support.RepoPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where etcd, kube-apiserver, kube-controller-manager and kubectl are: system property {@code kube.bin.dir}, else
 * environment {@code KUBE_BIN_DIR}, else the directory {@code e2e/kube/build.sh} prints last (it builds them from Go
 * modules the first time, about 10 minutes, and is a no-op afterwards).
 */
public record KubeBinaries(Path dir) {
    private static final List<String> NAMES = List.of("etcd", "kube-apiserver", "kube-controller-manager", "kubectl");

    public static synchronized KubeBinaries locate() {
        String dir = System.getProperty("kube.bin.dir");
        if (dir == null || dir.isBlank()) {
            dir = System.getenv("KUBE_BIN_DIR");
        }
        KubeBinaries bins = new KubeBinaries(dir == null || dir.isBlank() ? build() : Path.of(dir));
        for (String n : NAMES) {
            if (!Files.isExecutable(bins.dir.resolve(n))) {
                throw new IllegalStateException("missing " + bins.dir.resolve(n) + " (run e2e/kube/build.sh)");
            }
        }
        return bins;
    }

    private static Path build() {
        Path script = RepoPaths.root().resolve("e2e/kube/build.sh");
        ProcessBuilder pb = new ProcessBuilder(script.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int rc = p.waitFor();
            List<String> lines = out.lines().filter(l -> !l.isBlank()).toList();
            if (rc != 0 || lines.isEmpty()) {
                throw new IllegalStateException(script + " failed with exit code " + rc);
            }
            return Path.of(lines.get(lines.size() - 1).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted building the control plane", e);
        }
    }

    public String path(String name) {
        return dir.resolve(name).toString();
    }
}
