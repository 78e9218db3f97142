package dev.chorus.e2e.controlplane;

import dev.chorus.e2e.support.FreePorts;
import dev.chorus.e2e.support.ManagedProcess;
import dev.chorus.e2e.support.Poll;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * etcd, kube-apiserver (RBAC, service-account issuer and keys, static bearer tokens) and kube-controller-manager as
 * plain processes on free ports, with their state under one directory. etcd and the controller manager listen on
 * 127.0.0.1; the apiserver on the pod bridge's address, so pods (in their own network namespaces) reach it as in-cluster
 * clients do, while nothing outside the machine can. Flags as in e2e/kube/smoke.sh
 * (docs/testing.md explains them). {@link #close()} stops them in reverse order by PID.
 */
public final class ControlPlane implements AutoCloseable {
    /** The controllers the bed needs; anything node- or cloud-related stays off (there is one process kubelet). */
    public static final List<String> CONTROLLERS = List.of(
            "garbage-collector-controller", "statefulset-controller", "replicaset-controller", "deployment-controller",
            "endpoints-controller", "endpointslice-controller", "endpointslice-mirroring-controller",
            "namespace-controller", "serviceaccount-controller", "serviceaccount-token-controller",
            "disruption-controller", "persistentvolumeclaim-protection-controller",
            "persistentvolume-protection-controller", "root-ca-certificate-publisher-controller",
            "clusterrole-aggregation-controller", "job-controller");

    private final KubeBinaries bins;
    private final Path dir;
    private final Pki pki;
    private final String apiHost;
    private final int apiPort;
    private final List<ManagedProcess> processes = new ArrayList<>();
    private final Path kubeconfig;

    private ControlPlane(KubeBinaries bins, Path dir, Pki pki, String apiHost, int apiPort) {
        this.bins = bins;
        this.dir = dir;
        this.pki = pki;
        this.apiHost = apiHost;
        this.apiPort = apiPort;
        this.kubeconfig = dir.resolve("admin.kubeconfig");
    }

    /**
     * Starts the control plane in {@code dir}; returns once the apiserver is ready and the controller manager
     * answers. {@code serviceCidr} is the ClusterIP range (the bed keeps it inside its own pod network, so a
     * ClusterIP never leaves the machine). {@code apiHost} is the local address the apiserver binds to (the pod
     * bridge's, reachable from the host and the pods only).
     */
    public static ControlPlane start(KubeBinaries bins, Path dir, String serviceCidr, String firstServiceIp, String apiHost) {
        Pki pki = Pki.create(dir.resolve("pki"), firstServiceIp, apiHost);
        ControlPlane cp = new ControlPlane(bins, dir, pki, apiHost, FreePorts.next());
        try {
            cp.launch(serviceCidr);
            return cp;
        } catch (RuntimeException e) {
            cp.close();
            throw e;
        }
    }

    private void launch(String serviceCidr) {
        int etcdPort = FreePorts.next();
        int peerPort = FreePorts.next();
        int kcmPort = FreePorts.next();
        writeKubeconfig(kubeconfig, pki.adminToken());
        Path kcmKubeconfig = dir.resolve("kcm.kubeconfig");
        writeKubeconfig(kcmKubeconfig, pki.controllerManagerToken());

        ManagedProcess etcd = launch("etcd", List.of(bins.path("etcd"),
                "--name=e2e", "--data-dir=" + dir.resolve("etcd"),
                "--listen-client-urls=http://127.0.0.1:" + etcdPort,
                "--advertise-client-urls=http://127.0.0.1:" + etcdPort,
                "--listen-peer-urls=http://127.0.0.1:" + peerPort,
                "--initial-advertise-peer-urls=http://127.0.0.1:" + peerPort,
                "--initial-cluster=e2e=http://127.0.0.1:" + peerPort,
                "--unsafe-no-fsync", "--log-level=warn"));
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Poll.until("etcd /health", Duration.ofSeconds(30), Duration.ofMillis(100), this::checkAlive,
                () -> get(plain, "http://127.0.0.1:" + etcdPort + "/health", null).contains("\"health\":\"true\""));

        launch("kube-apiserver", List.of(bins.path("kube-apiserver"),
                "--etcd-servers=http://127.0.0.1:" + etcdPort,
                "--bind-address=" + apiHost, "--advertise-address=" + apiHost,
                "--secure-port=" + apiPort,
                "--tls-cert-file=" + pki.file("apiserver.crt"),
                "--tls-private-key-file=" + pki.file("apiserver.key"),
                "--cert-dir=" + dir.resolve("apiserver-certs"),
                "--client-ca-file=" + pki.caCert(),
                "--token-auth-file=" + pki.file("tokens.csv"),
                "--authorization-mode=RBAC",
                "--service-account-issuer=https://kubernetes.default.svc",
                "--service-account-key-file=" + pki.file("sa.pub"),
                "--service-account-signing-key-file=" + pki.file("sa.key"),
                "--service-cluster-ip-range=" + serviceCidr,
                "--allow-privileged=true"));
        HttpClient tls = HttpClient.newBuilder().sslContext(trusting(pki.caCert()))
                .connectTimeout(Duration.ofSeconds(2)).build();
        Poll.until("kube-apiserver /readyz", Duration.ofSeconds(90), Duration.ofMillis(200), this::checkAlive,
                () -> get(tls, apiUrl() + "/readyz", pki.adminToken()).strip().equals("ok"));

        launch("kube-controller-manager", List.of(bins.path("kube-controller-manager"),
                "--kubeconfig=" + kcmKubeconfig,
                "--bind-address=127.0.0.1", "--secure-port=" + kcmPort,
                "--cert-dir=" + dir.resolve("kcm-certs"),
                "--use-service-account-credentials=true",
                "--service-account-private-key-file=" + pki.file("sa.key"),
                "--root-ca-file=" + pki.caCert(),
                "--cluster-signing-cert-file=" + pki.caCert(),
                "--cluster-signing-key-file=" + pki.file("ca.key"),
                "--controllers=" + String.join(",", CONTROLLERS),
                "--leader-elect=false"));
    }

    private ManagedProcess launch(String name, List<String> argv) {
        ManagedProcess p = ManagedProcess.start(name, argv, dir.resolve(name + ".log"), Map.of());
        processes.add(p);
        return p;
    }

    /** Throws (with the log tail) if any component has exited. */
    public void checkAlive() {
        processes.forEach(ManagedProcess::checkAlive);
    }

    public List<ManagedProcess> processes() {
        return List.copyOf(processes);
    }

    public String apiUrl() {
        return "https://" + apiHost + ":" + apiPort;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public Pki pki() {
        return pki;
    }

    /** A fabric8 config for the admin (group system:masters); built directly, never from ~/.kube or the environment. */
    public Config adminConfig() {
        try {
            return new ConfigBuilder(Config.empty())
                    .withMasterUrl(apiUrl())
                    .withCaCertData(Base64.getEncoder().encodeToString(Files.readAllBytes(pki.caCert())))
                    .withOauthToken(pki.adminToken())
                    .withNamespace("default")
                    .withRequestRetryBackoffLimit(5)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public KubernetesClient newClient(Config config) {
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private void writeKubeconfig(Path file, String token) {
        try {
            String ca = Base64.getEncoder().encodeToString(Files.readAllBytes(pki.caCert()));
            Files.writeString(file, String.join("\n",
                    "apiVersion: v1",
                    "kind: Config",
                    "clusters:",
                    "- name: chorus-bed",
                    "  cluster:",
                    "    server: " + apiUrl(),
                    "    certificate-authority-data: " + ca,
                    "users:",
                    "- name: user",
                    "  user:",
                    "    token: " + token,
                    "contexts:",
                    "- name: chorus-bed",
                    "  context:",
                    "    cluster: chorus-bed",
                    "    user: user",
                    "    namespace: default",
                    "current-context: chorus-bed",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String get(HttpClient http, String url, String token) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3));
        if (token != null) {
            rb.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static SSLContext trusting(Path caCert) {
        try (InputStream in = Files.newInputStream(caCert)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException("cannot load " + caCert, e);
        }
    }

    /** Stops the controller manager, the apiserver and etcd, in that order. */
    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).stop(Duration.ofSeconds(5));
        }
    }
}
