package dev.chorus.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.chorus.e2e.LocalKubernetes;
import dev.chorus.e2e.TestCluster;
import dev.chorus.e2e.controlplane.KubeBinaries;
import dev.chorus.operator.api.ReplicaSet;
import dev.chorus.operator.api.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operator as users install it: `kubectl apply -k manifests/` runs the Deployment as a pod (the bed maps the
 * chorus-operator image to the Quarkus app built by `mvn package`), which reaches the apiserver in-cluster with only
 * its ServiceAccount's RBAC. Its own bed: an operator pod watching every namespace must not meet the test-JVM
 * operator of the other ITs. The tests run in order: the last one narrows WATCH_NAMESPACE.
 */
@LocalKubernetes(shared = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InClusterOperatorIT {
    static final String OPERATOR_NS = "chorus-system";
    static final String SELECTOR = "app.kubernetes.io/name";
    static final String OPERATOR = "chorus-operator";
    static final Duration OPERATOR_START = Duration.ofSeconds(120);
    static final Duration READY = Duration.ofSeconds(180);

    static TestCluster cluster;
    static KubernetesClient admin;
    static Path repo;

    @BeforeAll
    static void install(TestCluster c) throws Exception {
        assumeTrue("local".equals(c.kind()), "the operator image is mapped to the built app only by the local bed's kubelet");
        cluster = c;
        admin = c.admin();
        repo = repoRoot();
        assertThat(repo.resolve("operator/target/quarkus-app/quarkus-run.jar"))
                .as("the operator app (mvn package builds it before failsafe runs)").isRegularFile();
        kubectl("apply", "-k", repo.resolve("manifests").toString());
        awaitOperatorPodReady(null);
    }

    /** The operator pod Ready (its readiness probe is /q/health/ready), not {@code oldPod} (after a rollout). */
    static Pod awaitOperatorPodReady(String oldPod) {
        await("the operator pod Ready (readiness probe /q/health/ready)").atMost(OPERATOR_START)
                .pollInterval(Duration.ofMillis(500)).until(() -> operatorPod(oldPod) != null);
        return operatorPod(oldPod);
    }

    static Pod operatorPod(String except) {
        List<Pod> pods = admin.pods().inNamespace(OPERATOR_NS).withLabel(SELECTOR, OPERATOR).list().getItems();
        if (except != null && pods.stream().anyMatch(p -> p.getMetadata().getName().equals(except))) {
            return null; // a rollout: the old one still there
        }
        return pods.stream().filter(p -> p.getStatus() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))).findFirst().orElse(null);
    }

    @Test
    @Order(1)
    void healthEndpointsReportUpWithTheControllerHealthy() throws Exception {
        Pod pod = awaitOperatorPodReady(null);
        String base = "http://" + pod.getStatus().getPodIP() + ":8080";
        HttpResponse<String> live = get(base + "/q/health/live");
        HttpResponse<String> ready = get(base + "/q/health/ready");
        HttpResponse<String> started = get(base + "/q/health/started");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);
        assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
        assertThat(live.body()).contains("\"status\": \"UP\"");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        // quarkus-operator-sdk's readiness check: the operator started, and every event source of the controller healthy
        assertThat(ready.body()).contains("\"status\": \"UP\"").contains("Quarkus Operator SDK health check")
                .contains("\"replicaset\": \"OK\"");
    }

    @Test
    @Order(2)
    void sampleBecomesReadyAndRoleChangesAreEvents() throws Exception {
        String ns = "sample";
        kubectl("create", "namespace", ns);
        kubectl("apply", "-n", ns, "-f", repo.resolve("manifests/samples/replicaset.yaml").toString());
        ReplicaSetStatus status = awaitReady(ns, "sample");
        assertThat(status.getNodes()).hasSize(3);
        assertThat(status.getNodes()).filteredOn(n -> "master".equalsIgnoreCase(n.getRole())).hasSize(1);
        assertThat(status.getNodes()).filteredOn(n -> "replica".equalsIgnoreCase(n.getRole())).hasSize(2);
        assertThat(kubectl("get", "crs", "-n", ns).lines().findFirst().orElse(""))
                .as("kubectl get crs columns").matches("NAME +MASTER +READY +PHASE +AGE");
        await("a MasterElected event on the ReplicaSet").atMost(Duration.ofSeconds(30))
                .until(() -> reasons(ns, "sample").contains("MasterElected"));

        // Setting up also re-points replicas (from the headless name to the master's IP): count only later ones.
        List<String> before = events(ns, "sample").stream().map(e -> e.getMetadata().getName()).toList();
        String master = status.getMaster();
        admin.pods().inNamespace(ns).withName(master).delete();
        await("a new Repointed or Demoted event after the master pod " + master + " was deleted")
                .atMost(READY).pollInterval(Duration.ofMillis(500))
                .until(() -> events(ns, "sample").stream().filter(e -> !before.contains(e.getMetadata().getName()))
                        .anyMatch(e -> e.getReason().equals("Repointed") || e.getReason().equals("Demoted")));
        assertThat(events(ns, "sample")).allSatisfy(e -> {
            assertThat(e.getInvolvedObject().getKind()).isEqualTo("ReplicaSet");
            assertThat(e.getInvolvedObject().getApiVersion()).isEqualTo("chorus.dev/v1alpha1");
            assertThat(e.getSource().getComponent()).isEqualTo(OPERATOR);
        });
        awaitReady(ns, "sample");
    }

    /**
     * Two operator pods (manifests/operator.yaml): only the Lease holder acts; when it is killed (SIGKILL, so the lease
     * is not released) another operator process takes the lease and acts within 20 s. That is the standby or the
     * Deployment's replacement pod, whichever retries first once the lease has expired; either way exactly one acts.
     */
    @Test
    @Order(3)
    void aKilledLeaderIsReplacedByAnotherOperatorProcessWithinTwentySeconds() {
        String ns = "sample";
        ReplicaSetStatus status = awaitReady(ns, "sample");
        await("two operator pods Ready").atMost(OPERATOR_START).pollInterval(Duration.ofMillis(500))
                .until(() -> readyOperatorPods().size() == 2);
        await("one of them holds the lease").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> readyOperatorPods().contains(leaseHolder()));
        String leader = leaseHolder();
        String standby = readyOperatorPods().stream().filter(p -> !p.equals(leader)).findFirst().orElseThrow();
        // Only the leader acts: every Event the operator recorded is in its log, none in the standby's.
        assertThat(cluster.logs(OPERATOR_NS, leader)).contains("sample/sample MasterElected");
        assertThat(cluster.logs(OPERATOR_NS, standby)).doesNotContain("sample/sample ");

        long killed = System.nanoTime();
        admin.pods().inNamespace(OPERATOR_NS).withName(leader).withGracePeriod(0).delete();
        // Something only an operator repairs: the master's pod is gone, so a failover is due.
        admin.pods().inNamespace(ns).withName(status.getMaster()).delete();
        await("another operator pod holds the lease and acts (an Event in its log) within 20 s of the kill")
                .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    String holder = leaseHolder();
                    return holder != null && !holder.equals(leader)
                            && logs(holder).contains("sample/sample ");
                });
        String successor = leaseHolder();
        System.out.printf("%s took over and acted %.1f s after the leader %s was killed (standby was %s)%n",
                successor, (System.nanoTime() - killed) / 1e9, leader, standby);
        ReplicaSetStatus after = awaitReady(ns, "sample");
        assertThat(after.getNodes()).filteredOn(n -> "master".equalsIgnoreCase(n.getRole())).hasSize(1);
        // The other operator pod stayed silent: one process acts at a time.
        await("the Deployment back at two Ready operator pods").atMost(OPERATOR_START)
                .pollInterval(Duration.ofMillis(500)).until(() -> readyOperatorPods().size() == 2);
        assertThat(leaseHolder()).isEqualTo(successor);
        readyOperatorPods().stream().filter(p -> !p.equals(successor)).forEach(p ->
                assertThat(logs(p)).as("log of the standby " + p).doesNotContain("sample/sample "));
    }

    /**
     * A leader cut off from the apiserver (its pod's network partitioned) halts before another operator process takes
     * the lease: the halt's time (from its termination message, reported after the heal) is before the new holder's
     * acquireTime, and the new holder took over within 20 s.
     */
    @Test
    @Order(4)
    void aLeaderCutOffFromTheApiserverHaltsBeforeAnotherTakesTheLease() {
        await("two operator pods Ready, one holding the lease").atMost(OPERATOR_START)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> readyOperatorPods().size() == 2 && readyOperatorPods().contains(leaseHolder()));
        String leader = leaseHolder();
        long cut = System.nanoTime();
        cluster.partition(OPERATOR_NS, leader);
        try {
            await("another operator pod holds the lease within 20 s of the partition").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> leaseHolder() != null && !leader.equals(leaseHolder()));
            System.out.printf("%s took the lease %.1f s after %s was partitioned%n", leaseHolder(),
                    (System.nanoTime() - cut) / 1e9, leader);
        } finally {
            cluster.heal(OPERATOR_NS, leader);
        }
        Lease lease = admin.resources(Lease.class).inNamespace(OPERATOR_NS).withName("chorus-operator-leader").get();
        java.time.Instant acquired = lease.getSpec().getAcquireTime().toInstant();
        await("the partitioned leader's halt reported (lastState.terminated.message)").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500)).until(() -> haltMessage(leader) != null);
        String line = haltMessage(leader);
        java.time.Instant halted = java.time.Instant.parse(line.substring(0, line.indexOf(' ')));
        System.out.printf("halted at %s, lease acquired by %s at %s%n", halted, lease.getSpec().getHolderIdentity(),
                acquired);
        assertThat(halted).as(line).isBefore(acquired);
    }

    /** The "lost the leader lease" line of a pod's last termination message; null while there is none. */
    static String haltMessage(String pod) {
        Pod p = admin.pods().inNamespace(OPERATOR_NS).withName(pod).get();
        if (p == null || p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
            return null;
        }
        return p.getStatus().getContainerStatuses().stream()
                .map(c -> c.getLastState() == null || c.getLastState().getTerminated() == null ? null
                        : c.getLastState().getTerminated().getMessage())
                .filter(m -> m != null && m.contains("lost the leader lease"))
                .flatMap(m -> m.lines().filter(l -> l.contains("lost the leader lease")))
                .findFirst().orElse(null);
    }

    /** An operator pod's log; empty when the pod is gone or has not started. */
    static String logs(String pod) {
        try {
            return cluster.logs(OPERATOR_NS, pod);
        } catch (RuntimeException e) {
            return "";
        }
    }

    static String leaseHolder() {
        Lease lease = admin.resources(Lease.class).inNamespace(OPERATOR_NS).withName("chorus-operator-leader").get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    static List<String> readyOperatorPods() {
        return admin.pods().inNamespace(OPERATOR_NS).withLabel(SELECTOR, OPERATOR).list().getItems().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null && p.getStatus() != null
                        && p.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
                .map(p -> p.getMetadata().getName()).toList();
    }

    @Test
    @Order(5)
    void watchNamespaceRestrictsTheOperatorToTheListedNamespaces() throws Exception {
        String watched = "watched";
        String ignored = "ignored";
        List<String> oldPods = admin.pods().inNamespace(OPERATOR_NS).withLabel(SELECTOR, OPERATOR).list().getItems()
                .stream().map(p -> p.getMetadata().getName()).toList();
        kubectl("-n", OPERATOR_NS, "set", "env", "deployment/" + OPERATOR, "WATCH_NAMESPACE=" + watched + ",elsewhere");
        await("the rollout done: two new operator pods Ready, the old ones gone").atMost(OPERATOR_START.multipliedBy(2))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    List<Pod> pods = admin.pods().inNamespace(OPERATOR_NS).withLabel(SELECTOR, OPERATOR).list()
                            .getItems();
                    return pods.stream().noneMatch(p -> oldPods.contains(p.getMetadata().getName()))
                            && readyOperatorPods().size() == 2;
                });
        Pod pod = admin.pods().inNamespace(OPERATOR_NS).withName(readyOperatorPods().get(0)).get();
        assertThat(pod.getSpec().getContainers().get(0).getEnv()).extracting(EnvVar::getName, EnvVar::getValue)
                .contains(org.assertj.core.groups.Tuple.tuple("WATCH_NAMESPACE", watched + ",elsewhere"));

        for (String ns : List.of(watched, ignored)) {
            kubectl("create", "namespace", ns);
            kubectl("apply", "-n", ns, "-f", repo.resolve("manifests/samples/replicaset.yaml").toString());
        }
        awaitReady(watched, "sample");
        ReplicaSet untouched = admin.resources(ReplicaSet.class).inNamespace(ignored).withName("sample").get();
        assertThat(untouched.getStatus()).as("status of the ReplicaSet in an unwatched namespace").isNull();
        assertThat(admin.apps().statefulSets().inNamespace(ignored).list().getItems())
                .as("StatefulSets in an unwatched namespace").isEmpty();
        assertThat(admin.v1().events().inNamespace(ignored).list().getItems()).as("events in " + ignored).isEmpty();
        Deployment d = admin.apps().deployments().inNamespace(OPERATOR_NS).withName(OPERATOR).get();
        assertThat(d.getStatus().getReadyReplicas()).isEqualTo(2);
    }

    static ReplicaSetStatus awaitReady(String ns, String name) {
        await("ReplicaSet " + ns + "/" + name + " Ready=True").atMost(READY).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    ReplicaSet rs = admin.resources(ReplicaSet.class).inNamespace(ns).withName(name).get();
                    return rs != null && rs.getStatus() != null && rs.getStatus().getConditions().stream()
                            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
                });
        return admin.resources(ReplicaSet.class).inNamespace(ns).withName(name).get().getStatus();
    }

    static List<Event> events(String ns, String name) {
        return admin.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName())
                        && "ReplicaSet".equals(e.getInvolvedObject().getKind()))
                .toList();
    }

    static List<String> reasons(String ns, String name) {
        return events(ns, name).stream().map(Event::getReason).toList();
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The bed's kubectl (v1.34, with kustomize built in) as the admin. */
    static String kubectl(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(KubeBinaries.locate().path("kubectl"),
                "--kubeconfig=" + cluster.kubeconfig()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("kubectl " + String.join(" ", args) + " finished").isTrue();
        assertThat(p.exitValue()).as("kubectl " + String.join(" ", args) + ": " + out).isZero();
        return out;
    }

    static Path repoRoot() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("manifests")) && Files.isDirectory(p.resolve("crds"))) {
                return p;
            }
        }
        throw new IllegalStateException("repository root (with manifests/ and crds/) not found");
    }
}
