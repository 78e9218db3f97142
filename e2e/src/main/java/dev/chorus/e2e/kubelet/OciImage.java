package dev.chorus.e2e.kubelet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chorus.e2e.support.Shell;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * An image tarball as {@code docker save} or Jib's {@code buildTar} writes it: an OCI image layout ({@code index.json},
 * {@code blobs/sha256/...}) or the docker-save format ({@code manifest.json}). What a container runtime takes from it:
 * the names it was saved under, the config (entrypoint, cmd, env, user, working dir) and the layers, which
 * {@link #rootfs} unpacks once per config digest into a cache shared by all beds.
 */
public final class OciImage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path tarball;
    private final List<String> names;
    private final String configDigest;
    private final JsonNode config;
    private final List<String> layers; // entry names inside the tarball, bottom first

    private OciImage(Path tarball, List<String> names, String configDigest, JsonNode config, List<String> layers) {
        this.tarball = tarball;
        this.names = names;
        this.configDigest = configDigest;
        this.config = config;
        this.layers = layers;
    }

    /** Reads the tarball's index (or manifest.json) and config; layers are read only by {@link #rootfs}. */
    public static OciImage read(Path tarball) {
        Map<String, byte[]> small = smallEntries(tarball);
        try {
            if (small.containsKey("index.json")) {
                JsonNode index = JSON.readTree(small.get("index.json"));
                JsonNode desc = index.path("manifests").get(0);
                JsonNode manifest = JSON.readTree(blob(small, tarball, desc.path("digest").asText()));
                String cfgDigest = manifest.path("config").path("digest").asText();
                List<String> names = new ArrayList<>();
                for (JsonNode m : index.path("manifests")) {
                    String ref = m.path("annotations").path("org.opencontainers.image.ref.name").asText("");
                    if (!ref.isEmpty()) {
                        names.add(ref);
                    }
                }
                List<String> layers = new ArrayList<>();
                manifest.path("layers").forEach(l -> layers.add(blobPath(l.path("digest").asText())));
                return new OciImage(tarball, names, cfgDigest, JSON.readTree(blob(small, tarball, cfgDigest)), layers);
            }
            if (small.containsKey("manifest.json")) {
                JsonNode m = JSON.readTree(small.get("manifest.json")).get(0);
                String cfgFile = m.path("Config").asText();
                List<String> names = new ArrayList<>();
                m.path("RepoTags").forEach(t -> names.add(t.asText()));
                List<String> layers = new ArrayList<>();
                m.path("Layers").forEach(l -> layers.add(l.asText()));
                byte[] cfg = small.get(cfgFile);
                String digest = "sha256:" + Shell.check("sha256sum", tarball.toString()).strip().split("\\s+")[0];
                return new OciImage(tarball, names, cfgFile.contains("sha256") ? "sha256:" + cfgFile.replaceAll(".*sha256[:/]", "")
                        .replace(".json", "") : digest, JSON.readTree(cfg), layers);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read image " + tarball, e);
        }
        throw new IllegalArgumentException(tarball + " is neither an OCI image layout nor a docker-save tarball");
    }

    private static String blobPath(String digest) {
        return "blobs/" + digest.replace(':', '/');
    }

    private static byte[] blob(Map<String, byte[]> small, Path tarball, String digest) {
        byte[] b = small.get(blobPath(digest));
        if (b == null) {
            throw new IllegalArgumentException(tarball + ": missing blob " + digest);
        }
        return b;
    }

    /** Every entry under 1 MiB (index, manifests, configs), read in one pass with tar. */
    private static Map<String, byte[]> smallEntries(Path tarball) {
        Map<String, byte[]> out = new HashMap<>();
        String listing = Shell.check("tar", "-tvf", tarball.toString());
        List<String> wanted = new ArrayList<>();
        for (String line : listing.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 6 && f[0].startsWith("-") && Long.parseLong(f[2]) < (1 << 20)) {
                wanted.add(f[f.length - 1].replaceFirst("^\\./", ""));
            }
        }
        for (String name : wanted) {
            try {
                Process p = new ProcessBuilder("tar", "-xOf", tarball.toString(), name).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                try (InputStream in = p.getInputStream()) {
                    out.put(name, in.readAllBytes());
                }
                p.waitFor();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    public Path tarball() {
        return tarball;
    }

    /** The names the image was saved under (e.g. {@code ghcr.io/chorus-dev/chorus-node:0.1.0}). */
    public List<String> names() {
        return names;
    }

    /** The image ID: the digest of its config. */
    public String configDigest() {
        return configDigest;
    }

    private List<String> strings(String field) {
        List<String> l = new ArrayList<>();
        config.path("config").path(field).forEach(n -> l.add(n.asText()));
        return l;
    }

    public List<String> entrypoint() {
        return strings("Entrypoint");
    }

    public List<String> cmd() {
        return strings("Cmd");
    }

    /** "NAME=value" entries, in order. */
    public List<String> env() {
        return strings("Env");
    }

    /** The config's labels (OCI annotations such as org.opencontainers.image.source). */
    public Map<String, String> labels() {
        Map<String, String> m = new java.util.TreeMap<>();
        config.path("config").path("Labels").fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    public String user() {
        return config.path("config").path("User").asText("");
    }

    public String workingDir() {
        String wd = config.path("config").path("WorkingDir").asText("");
        return wd.isEmpty() ? "/" : wd;
    }

    /**
     * The unpacked root filesystem, {@code <cache>/<config digest>/rootfs}: unpacked on first use (layers in order,
     * whiteouts applied), under a file lock so beds in parallel JVMs unpack it once, and then read-only shared by
     * every container of the image (each gets its own overlay on top).
     */
    public Path rootfs(Path cache) {
        Path dir = cache.resolve(configDigest.replace(':', '-'));
        Path rootfs = dir.resolve("rootfs");
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                if (Files.isDirectory(rootfs)) {
                    return rootfs;
                }
                Path partial = dir.resolve("rootfs.partial");
                if (Files.exists(partial)) {
                    Shell.check("rm", "-rf", partial.toString());
                }
                Files.createDirectories(partial);
                for (String layer : layers) {
                    unpackLayer(layer, partial);
                }
                Files.move(partial, rootfs);
                return rootfs;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + tarball + " into " + rootfs, e);
        }
    }

    /** One layer: whiteouts ({@code .wh.name}, {@code .wh..wh..opq}) remove what lower layers put there. */
    private void unpackLayer(String layer, Path into) throws IOException {
        String script = "set -e -o pipefail\n"
                + "tar -xOf \"$1\" \"$2\" > \"$3/.layer\"\n"
                + "for w in $(tar -tf \"$3/.layer\" 2>/dev/null | grep -E '(^|/)\\.wh\\.' || true); do\n"
                + "  d=$(dirname \"$w\"); b=$(basename \"$w\")\n"
                + "  if [ \"$b\" = .wh..wh..opq ]; then find \"$3/$d\" -mindepth 1 -maxdepth 1 -exec rm -rf {} +; "
                + "else rm -rf \"$3/$d/${b#.wh.}\"; fi\n"
                + "done\n"
                + "tar --warning=no-unknown-keyword --numeric-owner -xpf \"$3/.layer\" -C \"$3\" --exclude='.wh.*' --exclude='*/.wh.*'\n"
                + "rm -f \"$3/.layer\"\n";
        Shell.check("bash", "-c", script, "unpack", tarball.toString(), layer, into.toString());
    }

    /** Tarballs named by a comma-separated list of files (missing ones are skipped), by every name they carry. */
    public static Map<String, OciImage> byName(String list) {
        Map<String, OciImage> m = new HashMap<>();
        if (list == null || list.isBlank()) {
            return m;
        }
        Stream.of(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(Path::of).filter(Files::isRegularFile)
                .map(OciImage::read).forEach(img -> img.names().forEach(n -> m.put(n, img)));
        return m;
    }
}
