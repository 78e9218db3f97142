package dev.chorus.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the process kubelet does for a pod: env, volumes, probes, policies, deletion; plus GC and RBAC. */
@LocalKubernetes(shared = true)
class PodFeaturesIT {
    static final String NS = "features";
    static final Duration DEADLINE = Duration.ofSeconds(60);

    static TestCluster cluster;
    static KubernetesClient kube;

    @BeforeAll
    static void namespace(TestCluster c) {
        cluster = c;
        kube = c.admin();
        kube.namespaces().resource(Manifests.namespace(NS)).create();
        await("ServiceAccount default in " + NS).atMost(DEADLINE)
                .until(() -> kube.serviceAccounts().inNamespace(NS).withName("default").get() != null);
    }

    static Pod pod(String name) {
        return kube.pods().inNamespace(NS).withName(name).get();
    }

    static String phase(String name) {
        Pod p = pod(name);
        return p == null || p.getStatus() == null ? null : p.getStatus().getPhase();
    }

    static boolean ready(String name) {
        Pod p = pod(name);
        return p != null && p.getStatus() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
    }

    static ContainerStatus status(String name) {
        return pod(name).getStatus().getContainerStatuses().get(0);
    }

    @Test
    void envCommandExpansionAndVolumesAreWhatTheSpecSays() {
        kube.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("cfg").endMetadata()
                .addToData("a.conf", "port 1234\n").addToData("other", "from-configmap").build()).create();
        kube.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName("sec").endMetadata()
                .addToStringData("pw", "s3cret").addToStringData("unused", "x").build()).create();
        kube.persistentVolumeClaims().inNamespace(NS).resource(new PersistentVolumeClaimBuilder().withNewMetadata()
                .withName("claim").endMetadata().withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
                .addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build()).create();
        String script = String.join("; ",
                "echo cmd=$1",
                "echo name=$POD_NAME ns=$POD_NS node=$NODE ip=$POD_IP pw=$PW other=$OTHER",
                "echo greeting=$GREETING escaped=$ESCAPED undefined=$UNDEFINED",
                "echo conf=$(cat /cfg/a.conf) other-file=$(cat /cfg/other)",
                "echo secret-files=$(ls /sec) mode=$(stat -c %a /sec/password) pw-file=$(cat /sec/password)",
                "echo hostname=$(cat /proc/sys/kernel/hostname) pwd=$(pwd)",
                "echo sa=$(ls /var/run/secrets/kubernetes.io/serviceaccount | tr '\\n' ,) sa-ns=$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace)",
                "echo hosts=$(grep env-pod /etc/hosts | cut -f2)",
                "echo kept > /data/kept; echo scratch > /scratch/f; echo data=$(cat /data/kept) scratch=$(cat /scratch/f)");
        kube.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("env-pod").endMetadata()
                .withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("main").withImage(cluster.redisImage())
                .withCommand("sh", "-c", script, "sh", "$(POD_NAME)")
                .withEnv(field("POD_NAME", "metadata.name"), field("POD_NS", "metadata.namespace"),
                        field("NODE", "spec.nodeName"), field("POD_IP", "status.podIP"),
                        new EnvVarBuilder().withName("PW").withNewValueFrom().withNewSecretKeyRef("pw", "sec", false)
                                .endValueFrom().build(),
                        new EnvVarBuilder().withName("OTHER").withNewValueFrom().withNewConfigMapKeyRef("other", "cfg", false)
                                .endValueFrom().build(),
                        new EnvVarBuilder().withName("GREETING").withValue("hi-$(POD_NAME)").build(),
                        new EnvVarBuilder().withName("ESCAPED").withValue("$$(POD_NAME)").build(),
                        new EnvVarBuilder().withName("UNDEFINED").withValue("$(NOPE)").build())
                .addNewVolumeMount().withName("cfg").withMountPath("/cfg").endVolumeMount()
                .addNewVolumeMount().withName("sec").withMountPath("/sec").withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount()
                .addNewVolumeMount().withName("scratch").withMountPath("/scratch").endVolumeMount()
                .endContainer()
                .addNewVolume().withName("cfg").withNewConfigMap().withName("cfg").endConfigMap().endVolume()
                .addNewVolume().withName("sec").withNewSecret().withSecretName("sec").withDefaultMode(0440)
                .addNewItem().withKey("pw").withPath("password").withMode(0400).endItem().endSecret().endVolume()
                .addNewVolume().withName("data").withNewPersistentVolumeClaim().withClaimName("claim").endPersistentVolumeClaim().endVolume()
                .addNewVolume().withName("scratch").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec().build()).create();

        await("env-pod Succeeded").atMost(DEADLINE).until(() -> "Succeeded".equals(phase("env-pod")));
        String ip = pod("env-pod").getStatus().getPodIP();
        String out = cluster.logs(NS, "env-pod");
        assertThat(out).contains("cmd=env-pod\n")
                .contains("name=env-pod ns=" + NS + " node=chorus-bed ip=" + ip + " pw=s3cret other=from-configmap\n")
                .contains("greeting=hi-env-pod escaped=$(POD_NAME) undefined=$(NOPE)\n")
                .contains("conf=port 1234 other-file=from-configmap\n")
                .contains("secret-files=password mode=400 pw-file=s3cret\n")
                .contains("hostname=env-pod pwd=/data\n")
                .contains("sa=ca.crt,namespace,token, sa-ns=" + NS + "\n")
                .contains("hosts=env-pod\n")
                .contains("data=kept scratch=scratch\n");
        assertThat(status("env-pod").getState().getTerminated().getReason()).isEqualTo("Completed");
        // The mounts were private to the pod: the host sees empty mount points at most.
        assertThat(Path.of("/cfg/a.conf")).doesNotExist();
        // The claim outlives the pod: its PersistentVolume's directory keeps the file.
        String pv = kube.persistentVolumeClaims().inNamespace(NS).withName("claim").get().getSpec().getVolumeName();
        Path dir = Path.of(kube.persistentVolumes().withName(pv).get().getSpec().getHostPath().getPath());
        kube.pods().inNamespace(NS).withName("env-pod").delete();
        await("env-pod gone").atMost(DEADLINE).until(() -> pod("env-pod") == null);
        assertThat(dir.resolve("kept")).hasContent("kept");
    }

    private static io.fabric8.kubernetes.api.model.EnvVar field(String name, String path) {
        return new EnvVarBuilder().withName(name).withNewValueFrom().withNewFieldRef().withFieldPath(path).endFieldRef()
                .endValueFrom().build();
    }

    @Test
    void unknownImageFailsWithErrImagePull() {
        kube.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("nginx").endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("nginx:1.27").endContainer().endSpec().build()).create();
        await("ErrImagePull").atMost(DEADLINE).until(() -> {
            Pod p = pod("nginx");
            return p.getStatus().getContainerStatuses() != null && !p.getStatus().getContainerStatuses().isEmpty()
                    && status("nginx").getState().getWaiting() != null
                    && "ErrImagePull".equals(status("nginx").getState().getWaiting().getReason());
        });
        assertThat(status("nginx").getState().getWaiting().getMessage()).contains("cannot run image \"nginx:1.27\"");
        assertThat(phase("nginx")).isEqualTo("Pending");
    }

    /** FallbackToLogsOnError: a failed container's log tail is its termination message; a default policy gets none. */
    @Test
    void aFailedContainerWithFallbackToLogsOnErrorHasItsLogTailAsTerminationMessage() {
        String lines = "for i in $(seq 1 100); do echo line $i; done; echo last words; exit 3";
        for (String policy : new String[] {"FallbackToLogsOnError", "File"}) {
            String name = "term-" + policy.toLowerCase();
            kube.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
                    .withNewSpec().withRestartPolicy("Never").addNewContainer().withName("main")
                    .withImage(cluster.redisImage()).withCommand("sh", "-c", lines)
                    .withTerminationMessagePolicy(policy).endContainer().endSpec().build()).create();
            await(name + " Failed").atMost(DEADLINE).until(() -> "Failed".equals(phase(name)));
            var terminated = status(name).getState().getTerminated();
            assertThat(terminated.getExitCode()).isEqualTo(3);
            if (policy.equals("File")) {
                assertThat(terminated.getMessage()).isNull();
            } else {
                assertThat(terminated.getMessage()).endsWith("line 100\nlast words")
                        .startsWith("line 22\n"); // the last 80 lines
            }
        }
    }

    @Test
    void initContainersRunFirstAndInOrder() {
        kube.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("init").endMetadata()
                .withNewSpec().withRestartPolicy("OnFailure")
                .addNewInitContainer().withName("one").withImage(cluster.redisImage())
                .withCommand("sh", "-c", "echo one >> /work/order").addNewVolumeMount().withName("w").withMountPath("/work").endVolumeMount()
                .endInitContainer()
                .addNewInitContainer().withName("two").withImage(cluster.redisImage())
                .withCommand("sh", "-c", "echo two >> /work/order").addNewVolumeMount().withName("w").withMountPath("/work").endVolumeMount()
                .endInitContainer()
                .addNewContainer().withName("main").withImage(cluster.redisImage())
                .withCommand("sh", "-c", "cat /work/order").addNewVolumeMount().withName("w").withMountPath("/work").endVolumeMount()
                .endContainer()
                .addNewVolume().withName("w").withNewEmptyDir().endEmptyDir().endVolume()
                .endSpec().build()).create();
        await("init Succeeded").atMost(DEADLINE).until(() -> "Succeeded".equals(phase("init")));
        assertThat(cluster.logs(NS, "init")).isEqualTo("one\ntwo\n");
        assertThat(pod("init").getStatus().getInitContainerStatuses()).allMatch(s -> s.getState().getTerminated().getExitCode() == 0);
    }

    @Test
    void failingLivenessProbeRestartsTheContainerAndReadinessFollowsHttpGet() {
        kube.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("probed").endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(1L)
                .addNewContainer().withName("web").withImage(cluster.redisImage())
                .withCommand("sh", "-c", "touch /tmp/alive; (sleep 4; rm /tmp/alive) & exec python3 -m http.server 8080")
                .addNewPort().withName("http").withContainerPort(8080).endPort()
                .withNewReadinessProbe().withNewHttpGet().withPath("/").withPort(new IntOrString("http")).endHttpGet()
                .withPeriodSeconds(1).endReadinessProbe()
                .withNewLivenessProbe().withNewExec().withCommand("sh", "-c", "test -f /tmp/alive").endExec()
                .withPeriodSeconds(1).withFailureThreshold(2).endLivenessProbe()
                .endContainer().endSpec().build()).create();
        await("probed Ready").atMost(DEADLINE).until(() -> ready("probed"));
        await("liveness restart").atMost(DEADLINE).until(() -> status("probed").getRestartCount() >= 1);
        assertThat(status("probed").getLastState().getTerminated()).isNotNull();
        await("Ready again after the restart").atMost(DEADLINE).until(() -> ready("probed"));
    }

    @Test
    void deletionRunsPreStopSendsSigtermAndRemovesThePod() {
        kube.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("graceful").endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(10L)
                .addNewContainer().withName("main").withImage(cluster.redisImage())
                .withCommand("sh", "-c", "trap 'echo got TERM; cat /tmp/prestop; exit 0' TERM; echo started; while true; do sleep 0.2; done")
                .withNewLifecycle().withNewPreStop().withNewExec().withCommand("sh", "-c", "echo prestop-ran > /tmp/prestop")
                .endExec().endPreStop().endLifecycle()
                .endContainer().endSpec().build()).create();
        await("graceful Running").atMost(DEADLINE).until(() -> ready("graceful") && cluster.logs(NS, "graceful").contains("started"));
        long t0 = System.nanoTime();
        cluster.deletePod(NS, "graceful");
        await("graceful gone").atMost(DEADLINE).until(() -> pod("graceful") == null);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("well within the 10 s grace period").isLessThan(Duration.ofSeconds(8));
        assertThat(cluster.logs(NS, "graceful")).contains("got TERM\nprestop-ran\n");
    }

    @Test
    void deletingTheOwnerGarbageCollectsReplicaSetsPodsAndProcesses() {
        kube.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder().withNewMetadata().withName("web").endMetadata()
                .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().withTerminationGracePeriodSeconds(2L).addNewContainer().withName("redis").withImage(cluster.redisImage())
                .withReadinessProbe(Manifests.redisPing()).endContainer().endSpec().endTemplate().endSpec().build()).create();
        await("2 ready web pods").atMost(DEADLINE).until(() -> kube.pods().inNamespace(NS).withLabel("app", "web").list().getItems()
                .stream().filter(p -> ready(p.getMetadata().getName())).count() == 2);
        List<Long> pids = kube.pods().inNamespace(NS).withLabel("app", "web").list().getItems().stream()
                .map(p -> ((LocalCluster) cluster).kubelet().containerPid(NS, p.getMetadata().getName(), null)).toList();
        assertThat(pids).allMatch(pid -> pid > 0 && ProcessHandle.of(pid).isPresent());
        kube.apps().deployments().inNamespace(NS).withName("web").delete();
        await("ReplicaSets and pods garbage-collected").atMost(DEADLINE).until(() ->
                kube.apps().replicaSets().inNamespace(NS).withLabel("app", "web").list().getItems().isEmpty()
                        && kube.pods().inNamespace(NS).withLabel("app", "web").list().getItems().isEmpty());
        await("their processes gone").atMost(DEADLINE)
                .until(() -> pids.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
    }

    @Test
    void aServiceAccountGetsExactlyItsRoleRights() {
        kube.serviceAccounts().inNamespace(NS).resource(new ServiceAccountBuilder().withNewMetadata().withName("reader")
                .endMetadata().build()).create();
        kube.rbac().roles().inNamespace(NS).resource(new RoleBuilder().withNewMetadata().withName("configmap-reader").endMetadata()
                .addNewRule().withApiGroups("").withResources("configmaps").withVerbs("get", "list", "watch").endRule().build()).create();
        kube.rbac().roleBindings().inNamespace(NS).resource(new RoleBindingBuilder().withNewMetadata().withName("reader")
                .endMetadata().withNewRoleRef("rbac.authorization.k8s.io", "Role", "configmap-reader")
                .addNewSubject().withKind("ServiceAccount").withName("reader").withNamespace(NS).endSubject().build()).create();
        KubernetesClient reader = cluster.impersonating(NS, "reader");
        assertThat(reader.configMaps().inNamespace(NS).list().getItems()).isNotNull();
        assertThatThrownBy(() -> reader.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata()
                .withName("nope").endMetadata().build()).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("system:serviceaccount:" + NS + ":reader").contains("cannot create resource \"configmaps\"");
                });
        assertThatThrownBy(() -> reader.pods().inNamespace(NS).list())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }

    @Test
    void aPartitionedPodIsUnreachableAndUnreportedUntilHealed() {
        kube.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("island").endMetadata()
                .withNewSpec().addNewContainer().withName("redis").withImage(cluster.redisImage())
                .withReadinessProbe(Manifests.redisPing()).endContainer().endSpec().build()).create();
        await("island Ready").atMost(DEADLINE).until(() -> ready("island"));
        String ip = pod("island").getStatus().getPodIP();
        assertThat(Redis.cli(ip, "ping")).isEqualTo("PONG");
        cluster.partition(NS, "island");
        assertThat(Redis.cli(ip, "ping")).as("unreachable while partitioned").isNotEqualTo("PONG");
        cluster.killContainer(NS, "island");
        // The kubelet restarts the container locally but the API doesn't hear of it.
        await("restarted locally").atMost(DEADLINE).pollDelay(Duration.ofSeconds(3))
                .until(() -> ((LocalCluster) cluster).kubelet().containerPid(NS, "island", null) > 0);
        assertThat(status("island").getRestartCount()).isZero();
        cluster.heal(NS, "island");
        await("reported after healing").atMost(DEADLINE).until(() -> status("island").getRestartCount() == 1 && ready("island"));
        assertThat(Redis.cli(ip, "ping")).isEqualTo("PONG");
    }

    @Test
    void theNodeImageRunsTheBuiltChorusNodeJar() {
        kube.pods().inNamespace(NS).resource(new PodBuilder().withNewMetadata().withName("node").endMetadata()
                .withNewSpec().addNewContainer().withName("node").withImage(cluster.nodeImage())
                .withArgs("--port", "6379", "--save", "", "--protected-mode", "no")
                .addNewPort().withName("redis").withContainerPort(6379).endPort()
                .withReadinessProbe(Manifests.tcp6379()).endContainer().endSpec().build()).create();
        // A JVM's start-up is the slowest of any container here; on a loaded 2-core machine it can take a while.
        await("node Ready").atMost(Duration.ofMinutes(2)).until(() -> ready("node"));
        String ip = pod("node").getStatus().getPodIP();
        assertThat(Redis.cli(ip, "ping")).isEqualTo("PONG");
        assertThat(Redis.cli(ip, "set", "k", "v")).isEqualTo("OK");
        assertThat(Map.of("get", Redis.cli(ip, "get", "k"))).containsEntry("get", "v");
        assertThat(Files.exists(Path.of(System.getProperty("chorus.node.jar")))).isTrue();
    }
}
