package dev.chorus.operator.reconciler;

import static org.awaitility.Awaitility.await;

import dev.chorus.e2e.LocalCluster;
import dev.chorus.operator.api.NodeStatus;
import dev.chorus.operator.api.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The README's main job (e2e/sandbox): a local Kubernetes, the operator with the manifests' permissions, and the
 * sample ReplicaSet; prints where everything is and runs until Ctrl-C or SIGTERM, then stops all it started.
 */
public final class Sandbox {
    private Sandbox() {
    }

    public static void main(String[] args) throws Exception {
        boolean sample = !List.of(args).contains("--no-sample");
        LocalCluster cluster = LocalCluster.start();
        System.out.println("KUBECONFIG=" + cluster.kubeconfig());
        OperatorHarness operator = OperatorHarness.start(cluster);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("sandbox: stopping the operator and the local cluster...");
            operator.close();
            cluster.close();
            stopped.countDown();
        }, "sandbox-shutdown"));
        System.out.println("operator running (ServiceAccount chorus-system/chorus-operator)");
        if (sample) {
            KubernetesClient admin = cluster.admin();
            try (InputStream in = Files.newInputStream(OperatorHarness.repoRoot()
                    .resolve("manifests/samples/replicaset.yaml"))) {
                admin.load(in).inNamespace("default").serverSideApply();
            }
            System.out.println("applied manifests/samples/replicaset.yaml; waiting for Ready...");
            await("the sample ReplicaSet Ready").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        ReplicaSet rs = admin.resources(ReplicaSet.class).inNamespace("default").withName("sample")
                                .get();
                        return rs != null && rs.getStatus() != null && "Ready".equals(rs.getStatus().getPhase());
                    });
            ReplicaSet rs = admin.resources(ReplicaSet.class).inNamespace("default").withName("sample").get();
            for (NodeStatus n : rs.getStatus().getNodes()) {
                System.out.println(n.getRole() + " " + n.getName() + " " + n.getAddress() + " offset=" + n.getOffset());
            }
            String[] master = rs.getStatus().getMasterAddress().split(":");
            System.out.println("try: redis-cli -h " + master[0] + " -p " + master[1]);
            System.out.println("     kubectl --kubeconfig " + cluster.kubeconfig() + " get crs -A");
        }
        System.out.println("sandbox ready; Ctrl-C to stop");
        stopped.await();
    }
}
